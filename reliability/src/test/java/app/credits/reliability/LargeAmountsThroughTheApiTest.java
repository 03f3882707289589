package app.credits.reliability;

import app.credits.checkout.StripeCheckout;
import app.credits.http.HttpFunction;
import app.credits.http.HttpResponse;
import app.credits.http.Role;
import app.credits.http.testing.Events;
import app.credits.http.testing.TestTelemetry;
import app.credits.ledger.CompletedCheckout;
import app.credits.ledger.Money;
import app.credits.ledger.OrgId;
import app.credits.ledger.PaymentOutcome;
import app.credits.ledger.testing.MutableClock;
import app.credits.ledger.testing.TestDynamo;
import app.credits.reliability.support.Handlers;
import app.credits.reliability.support.StripeEvents;
import app.credits.testkit.stripe.StripeStandIn;
import app.credits.testkit.template.SamTemplate;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

import static app.credits.http.testing.Responses.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An org past a billion credits, used through the deployed routes as a client would: every write replayed with its
 * id answers 200 with its original result (never the 400 of the ±1,000,000 bound on what a caller sends), and the
 * balance, the log, its CSV, usage and pricing read the numbers exactly. The ledger's own test of every operation at
 * its most (10^12) is LargeAmountsTest; this one is the same promise as the API keeps it.
 */
class LargeAmountsThroughTheApiTest {
    private static final String ORG = "org_billion";
    private static final int PURCHASES = 1_000;
    private static final long EACH = 1_000_000;

    private final MutableClock clock = MutableClock.at("2026-11-26T10:00:00Z");
    private final TestDynamo.World world = TestDynamo.world(clock);
    private final StripeStandIn stripe = StripeStandIn.start();
    private final Map<String, HttpFunction> functions = Handlers.forTemplate(new Handlers.Wiring(world.ledger(), clock,
            new TestTelemetry().telemetry(),
            Optional.of(StripeCheckout.create(StripeStandIn.TEST_API_KEY, Optional.of(stripe.apiBase())))));

    @AfterEach
    void stopStripe() {
        stripe.close();
    }

    @Test
    void anOrgPastABillionCreditsGetsItsOriginalResultsOnEveryReplayAndExactFiguresEverywhere() {
        // GIVEN an org that bought a billion credits today, a million at a time (the most one purchase holds),
        // several purchases at once
        IntStream.range(0, PURCHASES).parallel().forEach(i -> {
            var purchase = new CompletedCheckout("cs_billion_" + i, OrgId.of(ORG), EACH,
                    Money.of(EACH * StripeEvents.UNIT_AMOUNT, "usd"), Optional.empty(), Optional.empty());
            assertInstanceOf(PaymentOutcome.Applied.class, world.ledger().creditPurchase(purchase));
        });

        // WHEN a submission, an invite and a staff bonus of a million are made and each is sent again
        String submission = "{\"submissionId\":\"sub_big\",\"memberId\":\"svc_1\"}";
        JsonNode charged = assertStatus(call("POST /orgs/{orgId}/submissions", Role.SERVICE, e -> e.body(submission)), 201);
        JsonNode chargedAgain = assertStatus(call("POST /orgs/{orgId}/submissions", Role.SERVICE, e -> e.body(submission)), 200);
        String invite = "{\"inviteId\":\"inv_big\",\"email\":\"ana@billion.example\"}";
        JsonNode reserved = assertStatus(call("POST /orgs/{orgId}/invites", Role.ADMIN, e -> e.body(invite)), 201);
        JsonNode reservedAgain = assertStatus(call("POST /orgs/{orgId}/invites", Role.ADMIN, e -> e.body(invite)), 200);
        String bonus = "{\"credits\":\"1000000\",\"reason\":\"anniversary\",\"kind\":\"bonus\"}";
        JsonNode adjusted = assertStatus(call("POST /orgs/{orgId}/adjustments", Role.STAFF,
                e -> e.header("Idempotency-Key", "adj_big").body(bonus)), 201);
        JsonNode adjustedAgain = assertStatus(call("POST /orgs/{orgId}/adjustments", Role.STAFF,
                e -> e.header("Idempotency-Key", "adj_big").body(bonus)), 200);
        // AND a purchase of 10 credits arrives through the webhook twice
        var paid = StripeEvents.purchase(ORG, 10);
        HttpResponse credited = handler(StripeEvents.ROUTE).handle(StripeEvents.delivery(paid.completed(), clock.instant()).build(), null);
        HttpResponse redelivered = handler(StripeEvents.ROUTE).handle(StripeEvents.delivery(paid.completed(), clock.instant()).build(), null);

        // THEN every replay is the original result
        assertEquals("999999999", charged.get("creditsLeft").asText());
        assertEquals(charged, chargedAgain);
        assertEquals("999999998", reserved.get("creditsLeft").asText());
        assertEquals(reserved, reservedAgain);
        assertEquals("1000999999", adjusted.get("balance").asText(), adjusted.toString());
        assertEquals(adjusted, adjustedAgain);
        assertEquals("credited", assertStatus(credited, 200).get("outcome").asText());
        assertEquals("duplicate", assertStatus(redelivered, 200).get("outcome").asText());

        // AND the figures are exact: balance, log, usage, pricing and the CSV
        JsonNode balance = assertStatus(call("GET /orgs/{orgId}/balance", Role.ADMIN, e -> e), 200);
        assertEquals("1001000009", balance.get("balance").asText());
        assertEquals("1001000008", balance.get("creditsLeft").asText());
        assertEquals("1000000010", balance.get("lifetimeCreditsPurchased").asText());
        JsonNode newest = assertStatus(call("GET /orgs/{orgId}/logs", Role.ADMIN, e -> e.query("limit", "1")), 200)
                .get("data").get(0);
        assertEquals("1001000009", newest.get("balanceAfter").asText());
        assertEquals("le_" + (PURCHASES + 3), newest.get("id").asText());
        JsonNode today = assertStatus(call("GET /orgs/{orgId}/usage", Role.ADMIN, e -> e.query("from", "2026-11-26")
                .query("to", "2026-11-26").query("granularity", "day")), 200).get("data").get(0);
        assertEquals("1000000010", today.get("purchased").asText());
        assertEquals("1", today.get("used").asText());
        JsonNode quote = assertStatus(call("GET /orgs/{orgId}/pricing", Role.ADMIN, e -> e.query("credits", "10000")), 200);
        assertEquals(60, quote.get("discountPercent").asInt());
        assertEquals(10_000L * 1160, quote.get("total").get("amount").asLong());
        HttpResponse csv = call("GET /orgs/{orgId}/logs", Role.ADMIN, e -> e.header("Accept", "text/csv"));
        assertEquals(200, csv.statusCode(), csv.body());
        String[] lines = csv.body().split("\r?\n");
        assertEquals(PURCHASES + 3 + 1, lines.length, "a header and one line an entry");
        assertTrue(lines[1].contains("1001000009"), lines[1]);
        world.assertReconciles(OrgId.of(ORG));
    }

    private HttpFunction handler(String routeKey) {
        String handlerClass = SamTemplate.ofRepository().httpRoutes().stream()
                .filter(r -> r.routeKey().equals(routeKey)).findFirst().orElseThrow().handlerClass();
        return functions.get(handlerClass);
    }

    private HttpResponse call(String routeKey, Role role, java.util.function.UnaryOperator<Events> request) {
        Events event = request.apply(Events.http(routeKey).org(ORG).claims("caller_" + role.name().toLowerCase(), ORG, role));
        return handler(routeKey).handle(event.build(), null);
    }
}
