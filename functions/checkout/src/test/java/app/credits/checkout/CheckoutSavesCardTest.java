package app.credits.checkout;

import app.credits.http.HttpResponse;
import app.credits.http.Role;
import app.credits.http.testing.Events;
import app.credits.http.testing.TestTelemetry;
import app.credits.ledger.OrgId;
import app.credits.ledger.Pricing;
import app.credits.ledger.testing.MutableClock;
import app.credits.ledger.testing.Races;
import app.credits.ledger.testing.TestDynamo;
import app.credits.testkit.stripe.Received;
import app.credits.testkit.stripe.StripeStandIn;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code "saveCard": true}: the org's Stripe Customer, made once and recorded, keeps the card for auto top-up. */
class CheckoutSavesCardTest {
    static final OrgId ACME = OrgId.of("org_acme");
    static final String SAVE_CARD = "{\"credits\":10,\"successUrl\":\"https://app.example.com/ok\","
            + "\"cancelUrl\":\"https://app.example.com/no\",\"saveCard\":true}";

    final MutableClock clock = MutableClock.at("2026-11-23T18:04:19Z");
    final TestDynamo.World world = TestDynamo.world(clock);
    final StripeStandIn stripe = StripeStandIn.start();
    final CheckoutFunction function = new CheckoutFunction(world.ledger(), Pricing.standard(),
            Optional.of(StripeCheckout.create(StripeStandIn.TEST_API_KEY, Optional.of(stripe.apiBase()),
                    Duration.ofSeconds(2), Duration.ofSeconds(2), StripeCheckout.NETWORK_RETRIES)),
            CheckoutFunctionTest.BILLING_PAGES, clock, new TestTelemetry().telemetry());

    @AfterEach
    void stopStandIn() {
        stripe.close();
    }

    @Test
    void theFirstCheckoutThatSavesACardMakesTheOrgsCustomerAndLaterOnesReuseIt() {
        // WHEN an admin checks out twice with "Save card for auto top-up", a minute apart
        HttpResponse first = checkout(SAVE_CARD);
        clock.advance(Duration.ofMinutes(1));
        HttpResponse second = checkout(SAVE_CARD);

        // THEN one Customer was made for the org, with the admin's email and the org in its metadata
        assertEquals(201, first.statusCode(), first.body());
        assertEquals(201, second.statusCode(), second.body());
        List<ObjectNode> customers = stripe.objects("customer");
        assertEquals(1, customers.size());
        String customer = customers.getFirst().path("id").asText();
        assertEquals("org_acme", customers.getFirst().path("metadata").path("org_id").asText());
        assertEquals("admin@acme.example", customers.getFirst().path("email").asText());
        assertEquals(Optional.of(customer), world.ledger().autoTopUps().customerOf(ACME));

        // AND both sessions charge that Customer and keep the card for off-session payments
        List<Received> sessions = stripe.requests().stream()
                .filter(r -> r.endpoint().equals("POST /v1/checkout/sessions")).toList();
        assertEquals(2, sessions.size());
        for (Received session : sessions) {
            assertEquals(customer, session.params().get("customer"));
            assertEquals("off_session", session.params().get("payment_intent_data[setup_future_usage]"));
            assertEquals("org_acme", session.params().get("payment_intent_data[metadata][org_id]"));
        }
        world.assertReconciles(ACME);
    }

    @Test
    void concurrentCheckoutsThatSaveACardKeepOneCustomer() throws Exception {
        // WHEN five checkouts that save a card start at once (the key makes Stripe's creations one Customer)
        List<Callable<HttpResponse>> checkouts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String key = "order-" + i;
            checkouts.add(() -> function.handle(admin().header("Idempotency-Key", key).body(SAVE_CARD).build(), null));
        }
        List<HttpResponse> answers = Races.race(checkouts);

        // THEN every session names the org's one Customer
        answers.forEach(answer -> assertEquals(201, answer.statusCode(), answer.body()));
        assertEquals(1, stripe.objects("customer").size());
        String customer = world.ledger().autoTopUps().customerOf(ACME).orElseThrow();
        assertTrue(stripe.objects("checkout.session").stream()
                .allMatch(session -> session.path("customer").asText().equals(customer)));
        world.assertReconciles(ACME);
    }

    @Test
    void aCheckoutThatDoesNotSaveTheCardHasNoCustomerAndSavesNothing() {
        HttpResponse answer = checkout(SAVE_CARD.replace("true", "false"));

        assertEquals(201, answer.statusCode(), answer.body());
        assertEquals(List.of(), stripe.objects("customer"));
        Received session = stripe.requests().getFirst();
        assertFalse(session.params().containsKey("customer"));
        assertFalse(session.params().containsKey("payment_intent_data[setup_future_usage]"));
        assertEquals(Optional.empty(), world.ledger().autoTopUps().customerOf(ACME));
    }

    @Test
    void saveCardMustBeTrueOrFalse() {
        HttpResponse answer = checkout(SAVE_CARD.replace("true", "\"yes\""));

        assertEquals(400, answer.statusCode());
        assertEquals(List.of(), stripe.requests());
    }

    private HttpResponse checkout(String body) {
        return function.handle(admin().body(body).build(), null);
    }

    private static Events admin() {
        return Events.http(CheckoutFunction.ROUTE).org("org_acme").claims("admin_1", "org_acme", Role.ADMIN)
                .claim("email", "admin@acme.example");
    }
}
