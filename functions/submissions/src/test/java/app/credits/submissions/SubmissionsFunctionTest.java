package app.credits.submissions;

import app.credits.http.HttpFunction;
import app.credits.http.HttpResponse;
import app.credits.runtime.Json;
import app.credits.http.Role;
import app.credits.http.testing.AuthorizationMatrix;
import app.credits.http.testing.Events;
import app.credits.http.testing.SampleEvents;
import app.credits.http.testing.TableSnapshot;
import app.credits.http.testing.TestTelemetry;
import app.credits.ledger.CreditPackage;
import app.credits.ledger.Credits;
import app.credits.ledger.EntryType;
import app.credits.ledger.OrgId;
import app.credits.ledger.Plan;
import app.credits.ledger.testing.MutableClock;
import app.credits.ledger.testing.TestDynamo;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static app.credits.http.testing.Responses.assertError;
import static app.credits.http.testing.Responses.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SubmissionsFunctionTest {
    private static final OrgId ACME = OrgId.of("org_acme");
    private static final String ROUTE = "POST /orgs/{orgId}/submissions";

    private final MutableClock clock = MutableClock.at("2026-11-23T18:04:05.123Z");
    private final TestDynamo.World world = TestDynamo.world(clock);
    private final TestTelemetry telemetry = new TestTelemetry();
    private final SubmissionsFunction function = new SubmissionsFunction(world.ledger());

    SubmissionsFunctionTest() {
        function.telemetry(telemetry.telemetry());
    }

    private void give(OrgId org, String credits) {
        world.ledger().adjust(org, "seed_" + credits.replace('.', '_'), EntryType.ADJUSTMENT, Credits.parse(credits), "seed");
    }

    private HttpResponse submit(String body, String sub, Role role) {
        return function.handle(Events.http(ROUTE).org("org_acme").claims(sub, "org_acme", role).body(body).build(), null);
    }

    private HttpResponse submitAsMember(String submissionId, String memberId) {
        return submit("{\"submissionId\":\"" + submissionId + "\",\"memberId\":\"" + memberId + "\"}", memberId, Role.MEMBER);
    }

    private String creditsLeft(OrgId org) {
        return world.ledger().account(org).creditsLeft().toString();
    }

    @Test
    void authorizationMatrixFollowsTheDeclaredRoles() {
        give(OrgId.of(AuthorizationMatrix.OWN_ORG), "100");
        give(OrgId.of(AuthorizationMatrix.OTHER_ORG), "100");
        AtomicInteger n = new AtomicInteger();
        List<String> failures = AuthorizationMatrix.check(function, (cell, event) -> event.body(
                "{\"submissionId\":\"sub_" + n.incrementAndGet() + "\",\"memberId\":\"" + cell.sub() + "\"}"));
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        world.assertReconciles(OrgId.of(AuthorizationMatrix.OWN_ORG));
        world.assertReconciles(OrgId.of(AuthorizationMatrix.OTHER_ORG));
    }

    @Test
    void aMemberSubmissionIsChargedOnceAndItsReplayAnswersTheOriginal() {
        // GIVEN 3 credits
        give(ACME, "3");

        // WHEN a member submits, then the same submission arrives again
        HttpResponse first = submitAsMember("sub_1", "member_1");
        HttpResponse replay = submitAsMember("sub_1", "member_1");

        // THEN one credit is charged, and the replay is the original answer with 200
        JsonNode created = assertStatus(first, 201);
        assertEquals("sub_1", created.get("submissionId").asText());
        assertEquals("1", created.get("creditsCharged").asText());
        assertEquals("2", created.get("creditsLeft").asText());
        assertFalse(created.get("fromReservation").asBoolean());
        assertEquals(created, assertStatus(replay, 200));
        assertEquals("2", creditsLeft(ACME));
        JsonNode emf = telemetry.lines().stream().map(Json::read).filter(l -> l.has("_aws")).findFirst().orElseThrow();
        assertEquals(1.0, emf.get("CreditsCharged").asDouble());
        world.assertReconciles(ACME);
    }

    @Test
    void aReplayAboveAMillionCreditsAnswersTheOriginalResultNotA400() {
        // GIVEN an org holding 1,200,000 credits from two staff bonuses of 600,000
        world.ledger().adjust(ACME, "bonus_1", EntryType.BONUS, Credits.whole(600_000), "first");
        world.ledger().adjust(ACME, "bonus_2", EntryType.BONUS, Credits.whole(600_000), "second");

        // WHEN a submission is charged and the client retries it with the same id and body
        HttpResponse first = submit("{\"submissionId\":\"sub_big\",\"memberId\":\"m_1\"}", "svc", Role.SERVICE);
        HttpResponse retry = submit("{\"submissionId\":\"sub_big\",\"memberId\":\"m_1\"}", "svc", Role.SERVICE);

        // THEN the retry answers 200 with the original result
        JsonNode created = assertStatus(first, 201);
        assertEquals("1199999", created.get("creditsLeft").asText());
        assertEquals(created, assertStatus(retry, 200));
        world.assertReconciles(ACME);
    }

    @Test
    void aConflictingReplayNamesTheFieldThatDiffers() {
        give(ACME, "3");
        assertStatus(submit("{\"submissionId\":\"sub_1\",\"memberId\":\"m_1\"}", "svc", Role.SERVICE), 201);
        HttpResponse conflict = submit("{\"submissionId\":\"sub_1\",\"memberId\":\"m_2\"}", "svc", Role.SERVICE);
        JsonNode error = assertError(conflict, 409, "conflict", "idempotency_conflict");
        assertEquals("submission sub_1 was already made with another memberId", error.get("message").asText());
        world.assertReconciles(ACME);
    }

    @Test
    void aMemberCannotSpendAnInviteAddressedToSomeoneElse() {
        // GIVEN an org whose only credit is held by an invite for ana
        give(ACME, "1");
        world.ledger().reserveInvite(ACME, "inv_ana", "ana@acme.example", Optional.empty());
        TableSnapshot before = TableSnapshot.of(world.dynamo(), world.table());

        // WHEN bob, a member of the same org, submits on ana's invite
        HttpResponse bob = function.handle(Events.http(ROUTE).org("org_acme")
                .claims("bob", "org_acme", Role.MEMBER).claim("email", "bob@acme.example")
                .body("{\"submissionId\":\"sub_bob\",\"memberId\":\"bob\",\"inviteId\":\"inv_ana\"}").build(), null);

        // THEN 403, nothing is written, and ana can still use her invite
        assertError(bob, 403, "permission", "invite_not_yours");
        before.assertUnchanged(TableSnapshot.of(world.dynamo(), world.table()), "another person's invite");
        HttpResponse ana = function.handle(Events.http(ROUTE).org("org_acme")
                .claims("ana", "org_acme", Role.MEMBER).claim("email", "ana@acme.example")
                .body("{\"submissionId\":\"sub_ana\",\"memberId\":\"ana\",\"inviteId\":\"inv_ana\"}").build(), null);
        assertTrue(assertStatus(ana, 201).get("fromReservation").asBoolean());
        world.assertReconciles(ACME);
    }

    @Test
    void theSameSubmissionIdWithAnotherMemberIsAConflictAndChargesNothing() {
        give(ACME, "3");
        assertStatus(submit("{\"submissionId\":\"sub_1\",\"memberId\":\"m_1\"}", "svc", Role.SERVICE), 201);
        TableSnapshot before = TableSnapshot.of(world.dynamo(), world.table());

        HttpResponse conflict = submit("{\"submissionId\":\"sub_1\",\"memberId\":\"m_2\"}", "svc", Role.SERVICE);

        assertError(conflict, 409, "conflict", "idempotency_conflict");
        before.assertUnchanged(TableSnapshot.of(world.dynamo(), world.table()), "a conflicting replay");
        world.assertReconciles(ACME);
    }

    @Test
    void aSubmissionWithoutEnoughCreditsLeftIsRefusedWith402AndWritesNothing() {
        // GIVEN half a credit on the standard package
        give(ACME, "0.5");
        TableSnapshot before = TableSnapshot.of(world.dynamo(), world.table());

        HttpResponse refused = submitAsMember("sub_1", "member_1");

        assertError(refused, 402, "insufficient_credits", "insufficient_credits");
        before.assertUnchanged(TableSnapshot.of(world.dynamo(), world.table()), "a refused submission");
        world.assertReconciles(ACME);
    }

    @Test
    void aLiteSubmissionCostsAQuarterOfACredit() {
        give(ACME, "1");
        world.ledger().updatePlan(ACME, new Plan(CreditPackage.LITE, Optional.empty()));

        JsonNode created = assertStatus(submitAsMember("sub_1", "member_1"), 201);

        assertEquals("0.25", created.get("creditsCharged").asText());
        assertEquals("0.75", created.get("creditsLeft").asText());
        world.assertReconciles(ACME);
    }

    @Test
    void aSubmissionOnAPendingInviteConsumesItsReservationExactlyOnce() {
        // GIVEN one credit, reserved by an invite: nothing left for a submission without it
        give(ACME, "1");
        world.ledger().reserveInvite(ACME, "inv_1", "guest@acme.example", Optional.empty());
        assertError(submitAsMember("sub_0", "member_1"), 402, "insufficient_credits", "insufficient_credits");

        // WHEN the invited guest's submission arrives
        JsonNode created = assertStatus(submit(
                "{\"submissionId\":\"sub_1\",\"memberId\":\"guest_1\",\"inviteId\":\"inv_1\"}", "svc", Role.SERVICE), 201);

        // THEN it is paid from the reservation; a second submission on that invite is refused
        assertTrue(created.get("fromReservation").asBoolean());
        assertEquals("0", created.get("creditsLeft").asText());
        assertError(submit("{\"submissionId\":\"sub_2\",\"memberId\":\"guest_1\",\"inviteId\":\"inv_1\"}", "svc",
                Role.SERVICE), 409, "conflict", "invite_not_pending");
        assertError(submit("{\"submissionId\":\"sub_3\",\"memberId\":\"guest_1\",\"inviteId\":\"inv_none\"}", "svc",
                Role.SERVICE), 404, "not_found", "invite_not_found");
        assertEquals("0", world.ledger().account(ACME).balance().toString());
        world.assertReconciles(ACME);
    }

    @Test
    void aMemberMaySubmitOnlyAsThemselves() {
        give(ACME, "3");
        TableSnapshot before = TableSnapshot.of(world.dynamo(), world.table());

        HttpResponse response = submit("{\"submissionId\":\"sub_1\",\"memberId\":\"someone_else\"}", "member_1", Role.MEMBER);

        assertError(response, 403, "permission", "member_mismatch");
        before.assertUnchanged(TableSnapshot.of(world.dynamo(), world.table()), "a member submitting as another");
        world.assertReconciles(ACME);
    }

    @Test
    void everyInvalidRequestIsAContractErrorAndWritesNothing() {
        give(ACME, "3");
        Map<String, String> bodies = new LinkedHashMap<>();
        bodies.put("not json", "malformed_json");
        bodies.put("{\"submissionId\":\"s1\"", "malformed_json");
        bodies.put("[]", "malformed_json");
        bodies.put("{\"submissionId\":\"s1\",\"submissionId\":\"s2\",\"memberId\":\"m\"}", "malformed_json");
        bodies.put("{\"memberId\":\"m\"}", "missing_field");
        bodies.put("{\"submissionId\":\"s1\"}", "missing_field");
        bodies.put("{\"submissionId\":\"a#b\",\"memberId\":\"m\"}", "invalid_id");
        bodies.put("{\"submissionId\":\"" + "x".repeat(129) + "\",\"memberId\":\"m\"}", "invalid_id");
        bodies.put("{\"submissionId\":\"s1\",\"memberId\":\"m#1\"}", "invalid_id");
        bodies.put("{\"submissionId\":\"s1\",\"memberId\":\"m\",\"inviteId\":\"\"}", "invalid_id");
        bodies.put("{\"submissionId\":12,\"memberId\":\"m\"}", "invalid_field");
        TableSnapshot before = TableSnapshot.of(world.dynamo(), world.table());

        bodies.forEach((body, code) -> assertError(submit(body, "svc", Role.SERVICE), 400, "invalid_request", code));
        byte[] tooLarge = ("{\"submissionId\":\"s1\",\"memberId\":\"m\",\"pad\":\""
                + "x".repeat(HttpFunction.MAX_BODY_BYTES) + "\"}").getBytes();
        assertError(function.handle(Events.http(ROUTE).org("org_acme").claims("svc", null, Role.SERVICE)
                .body(new String(tooLarge)).build(), null), 413, "invalid_request", "body_too_large");

        before.assertUnchanged(TableSnapshot.of(world.dynamo(), world.table()), "invalid requests");
        world.assertReconciles(ACME);
    }

    @Test
    void everySampleEventGetsAContractShapedAnswer() {
        give(ACME, "5");
        List<String> problems = new ArrayList<>();
        for (Path sample : SampleEvents.of("submissions")) {
            String problem = SampleEvents.problem(sample, function.handle(SampleEvents.read(sample), null));
            if (problem != null) {
                problems.add(problem);
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        world.assertReconciles(ACME);
    }
}
