package app.credits.autotopup;

import app.credits.http.HttpResponse;
import app.credits.http.testing.Events;
import app.credits.http.testing.SampleEvents;
import app.credits.ledger.CompletedCheckout;
import app.credits.ledger.Credits;
import app.credits.ledger.Money;
import app.credits.ledger.Pricing;
import app.credits.ledger.TopUpStep;
import app.credits.runtime.Json;
import app.credits.testkit.stripe.WebhookSignatures;
import app.credits.webhook.StripeWebhookFunction;
import com.fasterxml.jackson.databind.JsonNode;
import app.credits.ledger.EntryType;
import app.credits.ledger.OrgId;
import app.credits.ledger.TopUpAttempt;
import app.credits.ledger.testing.Races;
import app.credits.testkit.stripe.StripeStandIn;
import app.credits.testkit.stripe.TestCards;
import app.credits.testkit.stripe.Webhooks;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.param.PaymentIntentCreateParams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stripe's {@code payment_intent.*} events about automatic purchases, as Stripe delivers them: late, more than once,
 * in any order, concurrently. Each applies once.
 */
class TopUpWebhooksTest {
    final TopUpWorld w = new TopUpWorld();

    @AfterEach
    void close() {
        w.close();
    }

    /** An org with 4 credits left, below its threshold of 5 (buys 20, 3 a month) and {@code card} saved. */
    private OrgId crossedWith(String name, String card) {
        return w.crossedWith(name, card, 5, 3);
    }

    /** The held events, in the order Stripe made them. */
    private List<String> held() {
        return new ArrayList<>(w.stripe.webhooks().pending());
    }

    @Test
    void duplicatedReorderedAndConcurrentSucceededWebhooksCreditOnce() throws Exception {
        // GIVEN a top-up charged while the webhooks are held back
        OrgId org = crossedWith("org_dupes", TestCards.VISA);
        w.stripe.webhooks().delivery(Webhooks.Delivery.HELD);
        assertEquals(1, w.runPass().path("succeeded").asInt());
        List<String> events = held();
        String succeeded = w.stripe.events("payment_intent.succeeded").getFirst().path("id").asText();
        assertTrue(events.contains(succeeded), events.toString());
        assertEquals("pending", w.attempts(org).get(0).path("status").asText(), "credits come with Stripe's event");

        // WHEN they arrive newest first, then all again, then payment_intent.succeeded ten times at once
        Collections.reverse(events);
        events.forEach(w.stripe.webhooks()::deliver);
        events.forEach(w.stripe.webhooks()::deliver);
        List<Callable<List<Webhooks.Attempt>>> concurrent = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            concurrent.add(() -> w.stripe.webhooks().deliver(succeeded));
        }
        Races.race(concurrent);

        // THEN every delivery was acknowledged, and the 20 credits arrived once
        assertTrue(w.stripe.webhooks().attempts().stream().allMatch(Webhooks.Attempt::succeeded),
                w.stripe.webhooks().attempts().toString());
        assertEquals(Credits.whole(24), w.account(org).creditsLeft());
        assertEquals(1, w.ledger.fullLog(org).stream()
                .filter(e -> e.type() == EntryType.PURCHASE && e.description().startsWith("Automatic")).count());
        assertEquals("succeeded", w.attempts(org).get(0).path("status").asText());
        w.world.assertReconciles(org);
    }

    @Test
    void aFailureReportedByTheWebhookAndThePassIsRecordedAndEmailedOnce() {
        // GIVEN a declining card; the webhook's payment_failed arrives before Stripe's answer reaches the pass (as
        // Stripe may deliver it), and again later
        OrgId org = crossedWith("org_failed_twice", "pm_card_chargeDeclined");

        w.runPass();
        String failed = w.stripe.events("payment_intent.payment_failed").getFirst().path("id").asText();
        w.stripe.webhooks().deliver(failed);
        w.stripe.webhooks().deliver(failed);
        w.runPass();

        assertEquals(1, w.attempts(org).size());
        assertEquals("generic_decline", w.attempts(org).get(0).path("failureCode").asText());
        assertEquals(1, w.emailsTo(org).size(), "one email for one decline");
        assertEquals(Credits.whole(4), w.account(org).creditsLeft());
        w.world.assertReconciles(org);
    }

    @Test
    void aFailureWebhookArrivingAfterThePassRecordedItChangesNothing() {
        OrgId org = crossedWith("org_failed_late", "pm_card_chargeDeclinedInsufficientFunds");
        w.stripe.webhooks().delivery(Webhooks.Delivery.HELD);

        w.runPass();
        w.stripe.webhooks().deliverPending();

        assertEquals("failed", w.attempts(org).get(0).path("status").asText());
        assertEquals(1, w.emailsTo(org).size());
        assertEquals(0, w.autoTopUp(org).path("topUpsThisMonth").asInt(), "a decline is not a purchase this month");
        w.world.assertReconciles(org);
    }

    @Test
    void aRefundOfAnAutomaticPurchaseTakesItsCreditsBackAsForAnyPurchase() {
        OrgId org = crossedWith("org_refund", TestCards.VISA);
        w.runPass();
        ObjectNode pi = w.automaticPayments(org).getFirst();

        // WHEN Stripe refunds half of the top-up's charge (charge.refunded, delivered to the webhook)
        w.stripe.refund(pi.path("latest_charge").asText(), pi.path("amount").asLong() / 2);

        // THEN half of its credits are taken back, and lifetime purchases follow
        assertEquals(Credits.whole(14), w.account(org).creditsLeft());
        assertEquals(Credits.whole(20), w.account(org).lifetimePurchased());
        w.world.assertReconciles(org);
    }

    @Test
    void aSucceededPaymentThatIsNotOneOfOurTopUpsIsNotCredited() {
        // GIVEN a top-up in flight, and a PaymentIntent someone made on our Stripe account with its metadata but
        // another amount (a dashboard copy, a script)
        OrgId org = crossedWith("org_forged", TestCards.VISA);
        w.stripe.webhooks().delivery(Webhooks.Delivery.HELD);
        w.runPass();
        ObjectNode ours = w.automaticPayments(org).getFirst();

        // WHEN its payment_intent.succeeded arrives
        String forged = createPaymentIntent(ours.path("customer").asText(), ours.path("payment_method").asText(), 100,
                ours.path("metadata").path(TopUpAttempt.STRIPE_METADATA_KEY).asText(), org);
        String event = w.stripe.newestEvent("payment_intent.succeeded", forged).orElseThrow().path("id").asText();
        Webhooks.Attempt delivered = w.stripe.webhooks().deliver(event).getFirst();

        // THEN it is acknowledged (Stripe must not retry it) but credits nothing: its amount is not the attempt's
        assertEquals(200, delivered.answer().status());
        assertTrue(delivered.answer().body().contains("unprocessable"), delivered.answer().body());
        assertEquals(Credits.whole(4), w.account(org).creditsLeft());
        // AND our own payment still credits once
        w.stripe.webhooks().deliverPending();
        assertEquals(Credits.whole(24), w.account(org).creditsLeft());
        w.world.assertReconciles(org);
    }

    @Test
    void theStoredSamplesOfAutoTopUpsEventsApplyAsTheirReadmeSays() {
        // GIVEN org_acme as the samples tell it: 10 credits bought, its Customer made by the checkout, and the clock at
        // the instant that names the samples' attempt
        OrgId acme = OrgId.of("org_acme");
        w.clock.set(Instant.ofEpochSecond(1_795_457_000L, 123_456_000L));
        w.ledger.creditPurchase(new CompletedCheckout("cs_test_sample", acme, 10, Money.of(20_300, "usd"),
                Optional.of("pi_test_sample"), Optional.of("billing@acme.example")));
        w.topUps.recordCustomer(acme, "cus_SXa9AcmeOrg0001");

        // WHEN the card is attached, auto top-up is turned on below 15 (a crossing), the pass claims it
        assertEquals("recorded", deliverSample("payment-method-attached").path("outcome").asText());
        w.configure(acme, "{\"enabled\":true,\"thresholdCredits\":\"15\",\"topUpCredits\":20,\"monthlyLimit\":3}");
        TopUpStep.Charge claimed = (TopUpStep.Charge) w.topUps.next(acme, Pricing.standard());
        assertEquals("atu_1795457000123456", claimed.attempt().id());

        // AND its payment's event arrives (twice)
        assertEquals("credited", deliverSample("payment-intent-succeeded-auto-top-up").path("outcome").asText());
        assertEquals("duplicate", deliverSample("payment-intent-succeeded-auto-top-up").path("outcome").asText());

        // THEN 20 credits, once; and the other attempt's failure, which was never claimed, is acknowledged as unknown
        assertEquals(Credits.whole(30), w.account(acme).creditsLeft());
        assertEquals("unprocessable", deliverSample("payment-intent-payment-failed-auto-top-up").path("outcome").asText());
        w.world.assertReconciles(acme);
    }

    /** A sample of events/stripe-webhook/ delivered to the webhook with a fresh signature; the webhook's answer. */
    private JsonNode deliverSample(String name) {
        JsonNode sample = Json.read(new String(SampleEvents.read(SampleEvents.repoRoot()
                .resolve("events/stripe-webhook/" + name + ".json")), StandardCharsets.UTF_8));
        String payload = sample.path("body").asText();
        HttpResponse answer = w.webhook.handle(Events.http(StripeWebhookFunction.ROUTE)
                .header("stripe-signature", WebhookSignatures.sign(payload, TopUpWorld.WEBHOOK_SECRET, w.clock.instant()))
                .body(payload).build(), null);
        assertEquals(200, answer.statusCode(), answer.body());
        return answer.bodyJson();
    }

    /** A PaymentIntent made directly on the stand-in, as stripe-java sends it. */
    private String createPaymentIntent(String customer, String card, long amount, String attempt, OrgId org) {
        try {
            return StripeClient.builder().setApiKey(StripeStandIn.TEST_API_KEY).setApiBase(w.stripe.apiBase()).build()
                    .v1().paymentIntents().create(PaymentIntentCreateParams.builder().setAmount(amount).setCurrency("usd")
                            .setCustomer(customer).setPaymentMethod(card).setConfirm(true).setOffSession(true)
                            .putMetadata("org_id", org.value()).putMetadata("credits", "20")
                            .putMetadata(TopUpAttempt.STRIPE_METADATA_KEY, attempt).build()).getId();
        } catch (StripeException e) {
            throw new AssertionError(e);
        }
    }
}
