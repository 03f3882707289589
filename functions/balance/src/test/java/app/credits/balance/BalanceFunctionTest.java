package app.credits.balance;

import app.credits.http.HttpResponse;
import app.credits.http.Role;
import app.credits.http.testing.AuthorizationMatrix;
import app.credits.http.testing.Events;
import app.credits.http.testing.SampleEvents;
import app.credits.http.testing.TestTelemetry;
import app.credits.ledger.CompletedCheckout;
import app.credits.ledger.Credits;
import app.credits.ledger.EntryType;
import app.credits.ledger.Money;
import app.credits.ledger.OrgId;
import app.credits.ledger.testing.MutableClock;
import app.credits.ledger.testing.TestDynamo;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static app.credits.http.testing.Responses.assertError;
import static app.credits.http.testing.Responses.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BalanceFunctionTest {
    private final MutableClock clock = MutableClock.at("2026-11-23T18:04:05.123Z");
    private final TestDynamo.World world = TestDynamo.world(clock);
    private final BalanceFunction function = new BalanceFunction(world.ledger());

    BalanceFunctionTest() {
        function.telemetry(new TestTelemetry().telemetry());
    }

    private JsonNode balanceOf(String org) {
        byte[] event = Events.http("GET /orgs/{orgId}/balance").org(org).claims("admin_1", org, Role.ADMIN).build();
        return assertStatus(function.handle(event, null), 200);
    }

    @Test
    void authorizationMatrixFollowsTheDeclaredRoles() {
        List<String> failures = AuthorizationMatrix.check(function, (cell, event) -> event);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void anOrgThatNeverHadAMovementIsAllZerosOnTheStandardPackage() {
        JsonNode body = balanceOf("org_new");

        assertEquals("org_new", body.get("orgId").asText());
        for (String field : List.of("balance", "creditsLeft", "creditsReserved", "creditsUsed", "lifetimeCreditsPurchased")) {
            assertEquals("0", body.get(field).asText(), field);
            assertTrue(body.get(field).isTextual(), field + " is rendered as a string");
        }
        assertEquals(0, body.get("invitesPending").asInt());
        assertEquals("standard", body.get("package").asText());
        assertTrue(body.get("submissionsBlocked").asBoolean());
    }

    @Test
    void balanceShowsPurchasedReservedUsedAndLeftAfterAPurchaseAnInviteAndASubmission() {
        // GIVEN 10 credits bought, one invite pending and one submission charged
        OrgId org = OrgId.of("org_acme");
        world.ledger().creditPurchase(new CompletedCheckout("cs_1", org, 10, Money.of(20300, "usd"),
                Optional.of("pi_1"), Optional.of("buyer@acme.example")));
        world.ledger().reserveInvite(org, "inv_1", "guest@acme.example", Optional.empty());
        world.ledger().chargeSubmission(org, "sub_1", "member_1", Optional.empty());
        world.ledger().adjust(org, "adj_1", EntryType.BONUS, Credits.parse("0.5"), "welcome");

        // WHEN the admin reads the balance
        JsonNode body = balanceOf("org_acme");

        // THEN
        assertEquals("9.5", body.get("balance").asText());
        assertEquals("1", body.get("creditsReserved").asText());
        assertEquals("8.5", body.get("creditsLeft").asText());
        assertEquals(1, body.get("invitesPending").asInt());
        assertEquals("1", body.get("creditsUsed").asText());
        assertEquals("10", body.get("lifetimeCreditsPurchased").asText());
        assertFalse(body.get("submissionsBlocked").asBoolean());
        world.assertReconciles(org);
    }

    @Test
    void badOrgIdsInThePathAre400() {
        for (String bad : List.of("a#b", "x".repeat(129), "a b")) {
            byte[] event = Events.http("GET /orgs/{orgId}/balance").org(bad).claims("s", "org_acme", Role.STAFF).build();
            assertError(function.handle(event, null), 400, "invalid_request", "invalid_id");
        }
    }

    @Test
    void everySampleEventGetsAContractShapedAnswer() {
        List<Path> samples = SampleEvents.of("balance");
        List<String> problems = new ArrayList<>();
        for (Path sample : samples) {
            HttpResponse response = function.handle(SampleEvents.read(sample), null);
            String problem = SampleEvents.problem(sample, response);
            if (problem != null) {
                problems.add(problem);
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }
}
