package app.credits.autotopup;

import app.credits.http.HttpResponse;
import app.credits.http.Role;
import app.credits.http.testing.AuthorizationMatrix;
import app.credits.http.testing.Events;
import app.credits.http.testing.SampleEvents;
import app.credits.http.testing.TableSnapshot;
import app.credits.http.testing.TestTelemetry;
import app.credits.ledger.AutoTopUps;
import app.credits.ledger.ChargeOutcome;
import app.credits.ledger.Credits;
import app.credits.ledger.EntryType;
import app.credits.ledger.OrgId;
import app.credits.ledger.Pricing;
import app.credits.ledger.SavedCard;
import app.credits.ledger.TopUpFailure;
import app.credits.ledger.TopUpStep;
import app.credits.ledger.testing.MutableClock;
import app.credits.ledger.testing.TestDynamo;
import app.credits.runtime.Json;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code GET|PUT /orgs/{orgId}/auto-top-up} and {@code GET .../attempts} through the handler, on the emulator. */
class AutoTopUpFunctionTest {
    static final String ACME = "org_acme";
    static final String SETTINGS = "GET /orgs/{orgId}/auto-top-up";
    static final String SAVE = "PUT /orgs/{orgId}/auto-top-up";
    static final String ATTEMPTS = "GET /orgs/{orgId}/auto-top-up/attempts";

    final MutableClock clock = MutableClock.at("2026-11-26T10:00:00Z");
    final TestDynamo.World world = TestDynamo.world(clock);
    final AutoTopUps topUps = world.ledger().autoTopUps();
    final AutoTopUpFunction function = new AutoTopUpFunction(world.ledger(), new TestTelemetry().telemetry());

    private HttpResponse call(String route, String org, String body) {
        Events event = Events.http(route).org(org).claims("admin_1", org, Role.ADMIN);
        return function.handle((body == null ? event : event.body(body)).build(), null);
    }

    /** A card saved at an earlier checkout, as the webhook records it. */
    private void saveCard(String org) {
        topUps.recordCustomer(OrgId.of(org), "cus_" + org);
        topUps.saveCard("cus_" + org, new SavedCard("pm_" + org, "visa", "4242", 12, 2034, Instant.parse("2026-11-01T00:00:00Z")));
    }

    @Test
    void aNewOrgSeesAutoTopUpOffWithTheDefaultsAndNoCard() {
        HttpResponse answer = call(SETTINGS, ACME, null);

        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals(Json.read("""
                {"enabled":false,"thresholdCredits":"5","topUpCredits":"20","monthlyLimit":3,"paymentMethod":null,
                 "status":"off","pausedReason":null,"topUpsThisMonth":0}"""), answer.bodyJson());
    }

    @Test
    void turningItOnWithoutASavedCardIs409NoPaymentMethodAndWritesNothing() {
        TableSnapshot before = TableSnapshot.of(world.dynamo(), world.table());

        HttpResponse answer = call(SAVE, ACME, "{\"enabled\":true}");

        assertEquals(409, answer.statusCode(), answer.body());
        assertEquals("no_payment_method", answer.bodyJson().path("error").path("code").asText());
        before.assertUnchanged(TableSnapshot.of(world.dynamo(), world.table()), "enabling without a card");
    }

    @Test
    void anAdminWithASavedCardTurnsItOnAndSeesItActive() {
        // GIVEN a card saved at an earlier checkout
        saveCard(ACME);

        // WHEN the admin saves the four settings (numbers as the Billing page sends them: strings and a number)
        HttpResponse saved = call(SAVE, ACME,
                "{\"enabled\":true,\"thresholdCredits\":\"2.5\",\"topUpCredits\":\"50\",\"monthlyLimit\":4}");

        // THEN the answer and a later GET show them, the card and an active status
        assertEquals(200, saved.statusCode(), saved.body());
        JsonNode expected = Json.read("""
                {"enabled":true,"thresholdCredits":"2.5","topUpCredits":"50","monthlyLimit":4,
                 "paymentMethod":{"brand":"visa","last4":"4242","expMonth":12,"expYear":2034},
                 "status":"active","pausedReason":null,"topUpsThisMonth":0}""");
        assertEquals(expected, saved.bodyJson());
        assertEquals(expected, call(SETTINGS, ACME, null).bodyJson());
        world.assertReconciles(OrgId.of(ACME));
    }

    @Test
    void aPartialUpdateKeepsTheOtherSettings() {
        saveCard(ACME);
        call(SAVE, ACME, "{\"enabled\":true,\"thresholdCredits\":\"8\",\"topUpCredits\":30,\"monthlyLimit\":2}");

        HttpResponse answer = call(SAVE, ACME, "{\"monthlyLimit\":\"5\"}");

        assertEquals(200, answer.statusCode(), answer.body());
        JsonNode body = answer.bodyJson();
        assertEquals(true, body.path("enabled").asBoolean());
        assertEquals("8", body.path("thresholdCredits").asText());
        assertEquals("30", body.path("topUpCredits").asText());
        assertEquals(5, body.path("monthlyLimit").asInt());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{}",
            "{\"enabled\":\"yes\"}",
            "{\"thresholdCredits\":\"1.234\"}",
            "{\"thresholdCredits\":\"-1\"}",
            "{\"thresholdCredits\":\"1e3\"}",
            "{\"topUpCredits\":0}",
            "{\"topUpCredits\":10001}",
            "{\"topUpCredits\":\"2.5\"}",
            "{\"monthlyLimit\":0}",
            "{\"monthlyLimit\":32}",
            "{\"monthlyLimit\":\"three\"}",
            "[1]",
            "not json"})
    void invalidSettingsAre400AndWriteNothing(String body) {
        saveCard(ACME);
        TableSnapshot before = TableSnapshot.of(world.dynamo(), world.table());

        HttpResponse answer = call(SAVE, ACME, body);

        assertEquals(400, answer.statusCode(), body + " -> " + answer.body());
        assertEquals("invalid_request", answer.bodyJson().path("error").path("type").asText());
        before.assertUnchanged(TableSnapshot.of(world.dynamo(), world.table()), body);
    }

    @Test
    void attemptsAreListedNewestFirstAPageAtATime() {
        // GIVEN three automatic purchases: a decline, then a retry an hour later that succeeds... and a third
        OrgId org = OrgId.of(ACME);
        saveCard(ACME);
        world.ledger().adjust(org, "funding", EntryType.BONUS, Credits.whole(2), "funding");
        call(SAVE, ACME, "{\"enabled\":true,\"thresholdCredits\":\"5\",\"topUpCredits\":20,\"monthlyLimit\":5}");
        Pricing pricing = Pricing.standard();
        TopUpStep.Charge first = (TopUpStep.Charge) topUps.next(org, pricing);
        topUps.recordCharge(org, first.attempt().id(), new ChargeOutcome.Failed(Optional.of("pi_1"),
                new TopUpFailure.Declined("insufficient_funds")));
        topUps.noticeSent(org, first.attempt().id());
        clock.advance(Duration.ofHours(1));
        TopUpStep.Charge second = (TopUpStep.Charge) topUps.next(org, pricing);
        topUps.recordCharge(org, second.attempt().id(), new ChargeOutcome.Confirmed("pi_2"));

        // WHEN the admin lists them one at a time
        HttpResponse page1 = function.handle(Events.http(ATTEMPTS).org(ACME).claims("admin_1", ACME, Role.ADMIN)
                .query("limit", "1").build(), null);
        String cursor = page1.bodyJson().path("nextCursor").asText();
        HttpResponse page2 = function.handle(Events.http(ATTEMPTS).org(ACME).claims("admin_1", ACME, Role.ADMIN)
                .query("limit", "1").query("cursor", cursor).build(), null);

        // THEN the newest (in flight) comes first, then the declined one, and the list ends there
        assertEquals(200, page1.statusCode(), page1.body());
        JsonNode newest = page1.bodyJson().path("data").get(0);
        assertEquals(second.attempt().id(), newest.path("id").asText());
        assertEquals("pending", newest.path("status").asText());
        assertEquals("20", newest.path("credits").asText());
        assertEquals(Json.read("{\"amount\":40600,\"currency\":\"usd\"}"), newest.path("amount"));
        assertTrue(newest.path("failureCode").isNull());
        assertEquals("2026-11-26T11:00:00.000Z", newest.path("createdAt").asText());
        JsonNode older = page2.bodyJson().path("data").get(0);
        assertEquals(first.attempt().id(), older.path("id").asText());
        assertEquals("failed", older.path("status").asText());
        assertEquals("insufficient_funds", older.path("failureCode").asText());
        assertTrue(page2.bodyJson().path("nextCursor").isNull());
        world.assertReconciles(org);
    }

    @Test
    void aForgedCursorIs400() {
        HttpResponse answer = function.handle(Events.http(ATTEMPTS).org(ACME).claims("admin_1", ACME, Role.ADMIN)
                .query("cursor", "bm90LW91cnM").build(), null);
        assertEquals(400, answer.statusCode(), answer.body());
    }

    @Test
    void onlyAdminsOfTheOrgAndStaffMayReadOrChangeIt() {
        saveCard(AuthorizationMatrix.OWN_ORG);
        saveCard(AuthorizationMatrix.OTHER_ORG);
        List<String> failures = AuthorizationMatrix.check(function, (cell, event) ->
                cell.route().key().equals(SAVE) ? event.body("{\"monthlyLimit\":3}") : event);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        assertEquals(List.of(Role.ADMIN, Role.STAFF), function.routes().stream()
                .flatMap(r -> r.roles().stream()).distinct().sorted().toList());
    }

    @Test
    void theSampleEventsOfTheEventsFolderAreAnswered() {
        List<String> problems = new ArrayList<>();
        for (Path sample : SampleEvents.of("auto-top-up")) {
            if (sample.getFileName().toString().equals("scheduled.json")) {
                continue; // the scheduled pass's event (AutoTopUpRunFunctionTest)
            }
            String problem = SampleEvents.problem(sample, function.handle(SampleEvents.read(sample), null));
            if (problem != null) {
                problems.add(problem);
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        world.assertReconciles(OrgId.of(ACME));
    }
}
