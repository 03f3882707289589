package app.credits.webhook;

import app.credits.http.HttpResponse;
import app.credits.ledger.Credits;
import app.credits.ledger.OrgId;
import app.credits.ledger.testing.MutableClock;
import app.credits.ledger.testing.TestDynamo;
import app.credits.runtime.Json;
import app.credits.runtime.Telemetry;
import app.credits.stripe.SaleTerms;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Security finding 2: a signed, paid Checkout Session is credited only when it is one of our sales (mode payment, the
 * configured currency, the key's livemode, the same org on both fields, amount_subtotal = credits x unit_amount).
 * Anything else is acknowledged (200), credits nothing, and is logged at ERROR and counted for the alarm. The fixture
 * is 10 credits at 2030 = 20300 cents, usd, test mode, org_acme.
 */
class WebhookSaleMismatchTest {
    static final OrgId ACME = OrgId.of("org_acme");
    /** The metric template.yaml's StripeSaleMismatchAlarm watches. */
    static final String SALE_MISMATCH_METRIC = "StripeSessionsNotMatchingSale";

    final MutableClock clock = MutableClock.at("2026-11-23T18:04:19Z");
    final TestDynamo.World world = TestDynamo.world(clock);
    final StripeDeliveries stripe = new StripeDeliveries(world, clock);

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "metadata.credits 1000 but paid for 1",
            "amount_total and amount_subtotal 0",
            "amount_total 0 (a 100% discount)",
            "currency eur",
            "livemode true on a test-mode setup",
            "mode subscription",
            "mode setup",
            "no client_reference_id",
            "client_reference_id of another org",
            "no metadata.unit_amount",
            "no amount_subtotal"})
    void aPaidSessionThatIsNotOurSaleCreditsNothingAndRaisesTheAlarm(String variant) {
        // GIVEN a genuine, signed, paid session that differs from what the checkout sold
        ObjectNode event = StripeDeliveries.stripeEvent("checkout-session-completed");
        event.put("id", "evt_mismatch_" + variant.replaceAll("[^a-z0-9]+", "_"));
        ObjectNode session = session(event);
        switch (variant) {
            case "metadata.credits 1000 but paid for 1" -> {
                session.with("metadata").put("credits", "1000");
                session.put("amount_subtotal", 2030).put("amount_total", 2030);
            }
            case "amount_total and amount_subtotal 0" -> session.put("amount_subtotal", 0).put("amount_total", 0);
            case "amount_total 0 (a 100% discount)" -> {
                session.put("amount_total", 0);
                session.with("total_details").put("amount_discount", 20300);
            }
            case "currency eur" -> session.put("currency", "eur");
            case "livemode true on a test-mode setup" -> {
                session.put("livemode", true);
                event.put("livemode", true);
            }
            case "mode subscription" -> session.put("mode", "subscription");
            case "mode setup" -> session.put("mode", "setup");
            case "no client_reference_id" -> session.putNull("client_reference_id");
            case "client_reference_id of another org" -> session.put("client_reference_id", "org_other");
            case "no metadata.unit_amount" -> session.with("metadata").remove("unit_amount");
            case "no amount_subtotal" -> session.remove("amount_subtotal");
            default -> throw new IllegalArgumentException(variant);
        }

        // WHEN Stripe delivers it
        HttpResponse response = stripe.deliver(event);

        // THEN Stripe is told to stop retrying, nothing at all is written, and the books are untouched
        assertMismatch(response, event.path("id").asText());
        assertEquals(0, stripe.itemsInTable(), "nothing may be written");
        assertEquals(Credits.ZERO, world.ledger().account(ACME).balance());
        // AND an operator is told: an ERROR line naming the event, and the metric the alarm watches
        assertAlarmed(stripe.logLines, event.path("id").asText());
        world.assertReconciles(ACME);
    }

    @Test
    void theSaleAsTheCheckoutMadeItIsStillCredited() {
        // GIVEN the session exactly as our checkout creates it (the fixture)
        HttpResponse response = stripe.deliverFixture("checkout-session-completed");

        // THEN it is credited and nothing is alarmed
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("credited", response.bodyJson().path("outcome").asText(), response.body());
        assertEquals(Credits.whole(10), world.ledger().account(ACME).balance());
        assertTrue(stripe.errorLogs().isEmpty(), stripe.logLines.toString());
        assertFalse(String.join("\n", stripe.logLines).contains(SALE_MISMATCH_METRIC));
        world.assertReconciles(ACME);
    }

    @Test
    void aLiveDeploymentCreditsLiveSessionsAndRefusesTestOnes() {
        // GIVEN a webhook configured for a live-mode Stripe account selling in usd
        List<String> lines = new CopyOnWriteArrayList<>();
        StripeWebhookFunction live = new StripeWebhookFunction(world.ledger(), StripeDeliveries.SECRET,
                SaleTerms.of("usd", true), clock, new Telemetry("credits-stripe-webhook", "Credits", lines::add, clock));

        // WHEN a test-mode session arrives THEN it is refused and alarmed
        ObjectNode testMode = StripeDeliveries.stripeEvent("checkout-session-completed");
        assertMismatch(deliver(live, testMode), testMode.path("id").asText());
        assertAlarmed(lines, testMode.path("id").asText());
        assertEquals(0, stripe.itemsInTable());

        // AND the same session in live mode is credited
        ObjectNode liveMode = StripeDeliveries.stripeEvent("checkout-session-completed");
        liveMode.put("id", "evt_live").put("livemode", true);
        session(liveMode).put("livemode", true);
        HttpResponse credited = deliver(live, liveMode);
        assertEquals("credited", credited.bodyJson().path("outcome").asText(), credited.body());
        assertEquals(Credits.whole(10), world.ledger().account(ACME).balance());
        world.assertReconciles(ACME);
    }

    @Test
    void theMismatchIsLoggedWithoutTheSecretTheSignatureOrThePayload() {
        // GIVEN a session claiming 1000 credits for the price of 10
        ObjectNode event = StripeDeliveries.stripeEvent("checkout-session-completed");
        session(event).with("metadata").put("credits", "1000");

        // WHEN it is delivered
        stripe.deliver(event);

        // THEN the ERROR line says why, by ids and numbers, and carries no credential or buyer data
        JsonNode error = stripe.errorLogs().getFirst();
        String detail = error.path("detail").asText();
        assertTrue(detail.contains("amount_subtotal 20300"), detail);
        assertTrue(detail.contains("1000"), detail);
        String all = String.join("\n", stripe.logLines);
        assertFalse(all.contains(StripeDeliveries.SECRET), "the signing secret leaked");
        assertFalse(all.contains("v1="), "the signature leaked");
        assertFalse(all.contains("billing@acme.example"), "the buyer's email leaked");
    }

    // ------------------------------------------------------------------ helpers

    private HttpResponse deliver(StripeWebhookFunction function, ObjectNode stripeEvent) {
        String payload = stripeEvent.toPrettyString();
        ObjectNode apiGateway = StripeDeliveries.apiGatewayEvent("checkout-session-completed");
        apiGateway.put("body", payload);
        ((ObjectNode) apiGateway.path("headers")).put("stripe-signature", stripe.sign(payload, clock.instant()));
        return function.handle(Json.write(apiGateway).getBytes(StandardCharsets.UTF_8), null);
    }

    private static ObjectNode session(ObjectNode event) {
        return (ObjectNode) event.path("data").path("object");
    }

    private static void assertMismatch(HttpResponse response, String eventId) {
        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = response.bodyJson();
        assertTrue(body.path("received").asBoolean(), response.body());
        assertEquals(eventId, body.path("eventId").asText(), response.body());
        assertEquals("sale_mismatch", body.path("outcome").asText(), response.body());
    }

    private static void assertAlarmed(List<String> logLines, String eventId) {
        List<JsonNode> lines = logLines.stream().map(Json::read).toList();
        assertTrue(lines.stream().anyMatch(l -> "ERROR".equals(l.path("level").asText())
                        && eventId.equals(l.path("eventId").asText()) && "sale_mismatch".equals(l.path("outcome").asText())),
                "an ERROR line naming " + eventId + " in " + logLines);
        assertTrue(lines.stream().anyMatch(l -> l.path(SALE_MISMATCH_METRIC).asDouble() == 1.0
                        && l.path("_aws").path("CloudWatchMetrics").toString().contains(SALE_MISMATCH_METRIC)),
                "an EMF line counting " + SALE_MISMATCH_METRIC + " in " + logLines);
    }
}
