package app.credits.reliability;

import app.credits.account.AccountFunction;
import app.credits.http.HttpFunction;
import app.credits.http.HttpResponse;
import app.credits.http.Role;
import app.credits.http.testing.Events;
import app.credits.http.testing.TestTelemetry;
import app.credits.invites.InvitesFunction;
import app.credits.ledger.Credits;
import app.credits.ledger.OrgId;
import app.credits.ledger.testing.MutableClock;
import app.credits.ledger.testing.TestDynamo;
import app.credits.reliability.support.Handlers;
import app.credits.reliability.support.Requests;
import app.credits.reliability.support.Tally;
import app.credits.submissions.SubmissionsFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Ids that are valid by the contract's rule yet read like the single table's sort keys or markers ("ACCOUNT", "LOG:1",
 * "INV", 128 characters, "." ...) are accepted, and each write stays in its own item: the org's account, log and
 * markers are not overwritten, and the books balance. (Ids with '#' are refused: HostileInputFuzzTest.)
 */
class KeyLayoutLookalikeIdsTest {
    static final Tally TALLY = new Tally("KeyLayoutLookalikeIdsTest");
    static final List<String> LOOKALIKES = List.of("ACCOUNT", "account", "LOG", "LOG:000000000001", "LOG_000000000001",
            "INV", "INV:x", "MARKER", "SUB", "ADJ", "PURCHASE", "USAGE", "PAYMENT", "ORG", "ORG:fuzz", ".", "..", "-", ":", "_",
            "x".repeat(128), "0", "000000000000");

    final MutableClock clock = MutableClock.at("2026-11-23T10:00:00Z");
    final TestDynamo.World world = TestDynamo.world(clock);
    final HttpFunction submissions = new SubmissionsFunction(world.ledger()).telemetry(new TestTelemetry().telemetry());
    final HttpFunction invites = new InvitesFunction(world.ledger()).telemetry(new TestTelemetry().telemetry());
    final HttpFunction account = new AccountFunction(world.ledger(), Handlers.Wiring.PRICING).telemetry(new TestTelemetry().telemetry());

    @AfterAll
    static void report() {
        TALLY.report();
    }

    @Test
    void idsShapedLikeTheTablesKeysAreOrdinaryIdsAndNeverOverwriteAnotherItem() {
        for (String orgId : List.of("ACCOUNT", "LOG:000000000001", "x".repeat(128))) {
            // GIVEN an org (itself named like a key) with 100 credits
            OrgId org = OrgId.of(orgId);
            Requests.fund(world.ledger(), orgId, 100);
            for (String id : LOOKALIKES) {
                // WHEN a submission, an invite and an adjustment each use the lookalike id
                assertEquals(201, send(submissions, Events.http("POST /orgs/{orgId}/submissions").org(orgId)
                        .claims("svc", null, Role.SERVICE).body("{\"submissionId\":\"" + id + "\",\"memberId\":\"" + id + "\"}")));
                assertEquals(201, send(invites, Events.http("POST /orgs/{orgId}/invites").org(orgId)
                        .claims("svc", null, Role.SERVICE).body("{\"inviteId\":\"" + id + "\",\"email\":\"g@example.com\"}")));
                assertEquals(201, send(account, Events.http("POST /orgs/{orgId}/adjustments").org(orgId)
                        .claims("st", null, Role.STAFF).header("Idempotency-Key", id).body("{\"credits\":\"0.5\",\"reason\":\"r\"}")));
                // AND each is sent again: a replay, not a second movement
                assertEquals(200, send(submissions, Events.http("POST /orgs/{orgId}/submissions").org(orgId)
                        .claims("svc", null, Role.SERVICE).body("{\"submissionId\":\"" + id + "\",\"memberId\":\"" + id + "\"}")));
            }
            // THEN every movement is counted once: 100 - n + n/2 with n reserved, and the books balance
            int n = LOOKALIKES.size();
            var acct = world.ledger().account(org);
            assertEquals(Credits.ofHundredths(10_000 - 100L * n + 50L * n), acct.balance());
            assertEquals(Credits.whole(n), acct.reserved());
            assertEquals(n, acct.invitesPending());
            assertEquals(1 + 2 * n, world.ledger().fullLog(org).size());
            world.assertReconciles(org);
        }
    }

    private int send(HttpFunction function, Events event) {
        TALLY.add("requests");
        HttpResponse r = function.handle(event.build(), null);
        return r.statusCode();
    }
}
