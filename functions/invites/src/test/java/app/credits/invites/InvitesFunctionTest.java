package app.credits.invites;

import app.credits.http.HttpResponse;
import app.credits.http.Role;
import app.credits.http.testing.AuthorizationMatrix;
import app.credits.http.testing.Events;
import app.credits.http.testing.SampleEvents;
import app.credits.http.testing.TableSnapshot;
import app.credits.http.testing.TestTelemetry;
import app.credits.ledger.Credits;
import app.credits.ledger.EntryType;
import app.credits.ledger.OrgId;
import app.credits.ledger.testing.MutableClock;
import app.credits.ledger.testing.TestDynamo;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static app.credits.http.testing.Responses.assertError;
import static app.credits.http.testing.Responses.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InvitesFunctionTest {
    private static final OrgId ACME = OrgId.of("org_acme");
    private static final String CREATE = "POST /orgs/{orgId}/invites";
    private static final String LIST = "GET /orgs/{orgId}/invites";
    private static final String REVOKE = "DELETE /orgs/{orgId}/invites/{inviteId}";

    private final MutableClock clock = MutableClock.at("2026-11-23T18:04:05.123Z");
    private final TestDynamo.World world = TestDynamo.world(clock);
    private final InvitesFunction function = new InvitesFunction(world.ledger());

    InvitesFunctionTest() {
        function.telemetry(new TestTelemetry().telemetry());
    }

    private void give(OrgId org, String credits) {
        world.ledger().adjust(org, "seed_" + credits.replace('.', '_'), EntryType.ADJUSTMENT, Credits.parse(credits), "seed");
    }

    private Events as(String routeKey, Role role) {
        return Events.http(routeKey).org("org_acme").claims(role.wireName() + "_1", "org_acme", role);
    }

    private HttpResponse create(String body) {
        return function.handle(as(CREATE, Role.SERVICE).body(body).build(), null);
    }

    private HttpResponse list(Map<String, String> query) {
        Events event = as(LIST, Role.ADMIN);
        query.forEach(event::query);
        return function.handle(event.build(), null);
    }

    private HttpResponse revoke(String inviteId) {
        return function.handle(as(REVOKE, Role.ADMIN).path("inviteId", inviteId).build(), null);
    }

    private TableSnapshot snapshot() {
        return TableSnapshot.of(world.dynamo(), world.table());
    }

    @Test
    void authorizationMatrixFollowsTheDeclaredRoles() {
        give(OrgId.of(AuthorizationMatrix.OWN_ORG), "100");
        give(OrgId.of(AuthorizationMatrix.OTHER_ORG), "100");
        AtomicInteger n = new AtomicInteger();
        List<String> failures = AuthorizationMatrix.check(function, (cell, event) -> switch (cell.route().key()) {
            case CREATE -> event.body("{\"inviteId\":\"inv_" + n.incrementAndGet() + "\",\"email\":\"g@example.com\"}");
            case REVOKE -> event.path("inviteId", "inv_1");
            default -> event;
        });
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        world.assertReconciles(OrgId.of(AuthorizationMatrix.OWN_ORG));
        world.assertReconciles(OrgId.of(AuthorizationMatrix.OTHER_ORG));
    }

    @Test
    void anInviteReservesOneSubmissionAndItsReplayAnswersTheOriginal() {
        give(ACME, "3");
        String body = "{\"inviteId\":\"inv_1\",\"email\":\"guest@acme.example\",\"expiresAt\":\"2026-12-01T00:00:00Z\"}";

        JsonNode created = assertStatus(create(body), 201);
        JsonNode replay = assertStatus(create(body), 200);

        assertEquals("inv_1", created.get("inviteId").asText());
        assertEquals("pending", created.get("status").asText());
        assertEquals("1", created.get("creditsReserved").asText());
        assertEquals("2", created.get("creditsLeft").asText());
        assertEquals(created, replay);
        assertEquals("2", world.ledger().account(ACME).creditsLeft().toString());
        world.assertReconciles(ACME);
    }

    @Test
    void theSameInviteIdWithAnotherEmailIsAConflictAndWritesNothing() {
        give(ACME, "3");
        assertStatus(create("{\"inviteId\":\"inv_1\",\"email\":\"guest@acme.example\"}"), 201);
        TableSnapshot before = snapshot();

        assertError(create("{\"inviteId\":\"inv_1\",\"email\":\"other@acme.example\"}"), 409, "conflict", "idempotency_conflict");

        before.assertUnchanged(snapshot(), "a conflicting invite");
        world.assertReconciles(ACME);
    }

    @Test
    void anInviteWithoutEnoughCreditsLeftIsRefusedWith402() {
        give(ACME, "0.75");
        TableSnapshot before = snapshot();

        assertError(create("{\"inviteId\":\"inv_1\",\"email\":\"guest@acme.example\"}"), 402,
                "insufficient_credits", "insufficient_credits");

        before.assertUnchanged(snapshot(), "a refused invite");
        world.assertReconciles(ACME);
    }

    @Test
    void invalidInvitesAreContractErrorsAndWriteNothing() {
        give(ACME, "3");
        Map<String, String> bodies = new LinkedHashMap<>();
        bodies.put("{\"email\":\"g@acme.example\"}", "missing_field");
        bodies.put("{\"inviteId\":\"inv_1\"}", "missing_field");
        bodies.put("{\"inviteId\":\"inv#1\",\"email\":\"g@acme.example\"}", "invalid_id");
        bodies.put("{\"inviteId\":\"" + "i".repeat(129) + "\",\"email\":\"g@acme.example\"}", "invalid_id");
        bodies.put("{\"inviteId\":\"inv_1\",\"email\":\"not-an-email\"}", "invalid_request");
        bodies.put("{\"inviteId\":\"inv_1\",\"email\":\"g@acme.example\",\"expiresAt\":\"tomorrow\"}", "invalid_field");
        bodies.put("{\"inviteId\":\"inv_1\",\"email\":\"g@acme.example\",\"expiresAt\":\"2020-01-01T00:00:00Z\"}", "invalid_request");
        bodies.put("{\"inviteId\":\"inv_1\",\"email\":\"g@acme.example\"", "malformed_json");
        TableSnapshot before = snapshot();

        bodies.forEach((body, code) -> assertError(create(body), 400, "invalid_request", code));
        assertError(revoke("inv#1"), 400, "invalid_request", "invalid_id");

        before.assertUnchanged(snapshot(), "invalid invites");
        world.assertReconciles(ACME);
    }

    @Test
    void anExpiryPastAYearAndADayIsRefusedSoNoOrgCanStallTheExpiryOfOthers() {
        // GIVEN credits for many invites (the clock reads 2026-11-23T18:04:05.123Z)
        give(ACME, "10");
        TableSnapshot before = snapshot();

        // WHEN invites ask to expire in the year 10000, or one millisecond past 366 days
        HttpResponse farFuture = create("{\"inviteId\":\"inv_far\",\"email\":\"g@acme.example\",\"expiresAt\":\"+10000-01-01T00:00:00Z\"}");
        HttpResponse pastAYear = create("{\"inviteId\":\"inv_366\",\"email\":\"g@acme.example\",\"expiresAt\":\"2027-11-24T18:04:05.124Z\"}");

        // THEN both are 400 and nothing is written; 366 days exactly is allowed
        assertError(farFuture, 400, "invalid_request", "invalid_request");
        assertError(pastAYear, 400, "invalid_request", "invalid_request");
        before.assertUnchanged(snapshot(), "expiries past a year and a day");
        assertStatus(create("{\"inviteId\":\"inv_ok\",\"email\":\"g@acme.example\",\"expiresAt\":\"2027-11-24T18:04:05.123Z\"}"), 201);
        world.assertReconciles(ACME);
    }

    @Test
    void revokingReleasesTheReservationOnceAndIsIdempotent() {
        give(ACME, "3");
        assertStatus(create("{\"inviteId\":\"inv_1\",\"email\":\"guest@acme.example\"}"), 201);

        JsonNode revoked = assertStatus(revoke("inv_1"), 200);
        JsonNode again = assertStatus(revoke("inv_1"), 200);

        assertEquals("inv_1", revoked.get("inviteId").asText());
        assertEquals("revoked", revoked.get("status").asText());
        assertEquals("3", revoked.get("creditsLeft").asText());
        assertEquals(revoked, again);
        assertEquals("3", world.ledger().account(ACME).creditsLeft().toString());
        world.assertReconciles(ACME);
    }

    @Test
    void revokingAnUnknownOrCompletedInviteIsRefused() {
        give(ACME, "3");
        world.ledger().reserveInvite(ACME, "inv_1", "guest@acme.example", Optional.empty());
        world.ledger().chargeSubmission(ACME, "sub_1", "guest_1", Optional.of("inv_1"));
        TableSnapshot before = snapshot();

        assertError(revoke("inv_none"), 404, "not_found", "invite_not_found");
        assertError(revoke("inv_1"), 409, "conflict", "invite_not_pending");

        before.assertUnchanged(snapshot(), "refused revokes");
        world.assertReconciles(ACME);
    }

    @Test
    void theListPagesThroughEveryInviteAndFiltersByStatus() {
        // GIVEN five invites, one of them revoked
        give(ACME, "10");
        for (int i = 1; i <= 5; i++) {
            world.ledger().reserveInvite(ACME, "inv_" + i, "guest" + i + "@acme.example", Optional.empty());
        }
        world.ledger().revokeInvite(ACME, "inv_3");

        // WHEN listed two at a time
        Set<String> seen = new HashSet<>();
        Optional<String> cursor = Optional.empty();
        int pages = 0;
        do {
            Map<String, String> query = new LinkedHashMap<>(Map.of("limit", "2"));
            cursor.ifPresent(c -> query.put("cursor", c));
            JsonNode page = assertStatus(list(query), 200);
            page.get("data").forEach(item -> {
                seen.add(item.get("inviteId").asText());
                assertTrue(item.has("email") && item.has("createdAt") && item.has("expiresAt")
                        && item.has("resolvedAt") && item.has("submissionId") && item.has("creditsReserved"), item.toString());
            });
            cursor = page.get("nextCursor").isNull() ? Optional.empty() : Optional.of(page.get("nextCursor").asText());
            pages++;
        } while (cursor.isPresent() && pages < 10);

        // THEN every invite appears, and the status filter keeps only the revoked one
        assertEquals(Set.of("inv_1", "inv_2", "inv_3", "inv_4", "inv_5"), seen);
        JsonNode revoked = assertStatus(list(Map.of("status", "revoked")), 200);
        assertEquals(1, revoked.get("data").size());
        assertEquals("inv_3", revoked.get("data").get(0).get("inviteId").asText());
        assertEquals("revoked", revoked.get("data").get(0).get("status").asText());
        world.assertReconciles(ACME);
    }

    @Test
    void badListParametersAre400() {
        assertError(list(Map.of("limit", "0")), 400, "invalid_request", "invalid_parameter");
        assertError(list(Map.of("limit", "101")), 400, "invalid_request", "invalid_parameter");
        assertError(list(Map.of("status", "lost")), 400, "invalid_request", null);
        assertError(list(Map.of("cursor", "bm90LWEtY3Vyc29y")), 400, "invalid_request", null);
        assertError(list(Map.of("cursor", "%%%")), 400, "invalid_request", null);
    }

    @Test
    void everySampleEventGetsAContractShapedAnswer() {
        give(ACME, "5");
        List<String> problems = new ArrayList<>();
        for (Path sample : SampleEvents.of("invites")) {
            String problem = SampleEvents.problem(sample, function.handle(SampleEvents.read(sample), null));
            if (problem != null) {
                problems.add(problem);
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        world.assertReconciles(ACME);
    }
}
