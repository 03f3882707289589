package app.credits.webhook;

import app.credits.testkit.stripe.WebhookSignatures;
import app.credits.http.HttpResponse;
import app.credits.ledger.Account;
import app.credits.ledger.Credits;
import app.credits.ledger.EntryType;
import app.credits.ledger.Ledger;
import app.credits.ledger.LogEntry;
import app.credits.ledger.OrgId;
import app.credits.ledger.dynamo.DynamoLedgerStore;
import app.credits.ledger.testing.MutableClock;
import app.credits.ledger.testing.TestDynamo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The purchase webhook end to end: signed Stripe events in, through the Lambda handler, onto the ledger in the
 * DynamoDB emulator. The fixture purchase is 10 credits for 20300 cents by org_acme (events/stripe-webhook/).
 */
class PurchaseWebhookTest {
    static final OrgId ACME = OrgId.of("org_acme");
    static final String SESSION = "cs_test_a1Bc2De3Fg4Hi5Jk6Lm7No8Pq9Rs0TuVwXyZ";

    final MutableClock clock = MutableClock.at("2026-11-23T18:04:19Z");
    final TestDynamo.World world = TestDynamo.world(clock);
    final StripeDeliveries stripe = new StripeDeliveries(world, clock);
    final Ledger ledger = world.ledger();

    // ------------------------------------------------------------------ purchases

    @Test
    void paidCheckoutCreditsItsCreditsAndMakesTheBuyerTheLowCreditRecipient() {
        // WHEN Stripe reports the paid Checkout Session
        HttpResponse response = stripe.deliverFixture("checkout-session-completed");

        // THEN the org owns the credits, they count toward its tier, and the buyer gets the low-credit emails
        assertAccepted(response, "credited");
        Account account = ledger.account(ACME);
        assertEquals(Credits.whole(10), account.balance());
        assertEquals(Credits.whole(10), account.lifetimePurchased());
        assertEquals(List.of("billing@acme.example"), account.lowCreditRecipients());
        LogEntry purchase = ledger.log(ACME, 10, Optional.empty()).entries().getFirst();
        assertEquals(EntryType.PURCHASE, purchase.type());
        assertEquals(SESSION, purchase.reference());
        world.assertReconciles(ACME);
    }

    @Test
    void purchaseReplayedTwentyTimesConcurrentlyCreditsOnce() throws Exception {
        // GIVEN twenty deliveries of the same event racing each other (Stripe retries, several Lambda instances)
        ObjectNode event = StripeDeliveries.stripeEvent("checkout-session-completed");
        CountDownLatch start = new CountDownLatch(1);
        List<Future<HttpResponse>> responses = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(20)) {
            for (int i = 0; i < 20; i++) {
                responses.add(pool.submit(() -> {
                    start.await();
                    return stripe.deliver(event);
                }));
            }
            // WHEN they all arrive at once
            start.countDown();
            // THEN every delivery is acknowledged, exactly one credited, and the org has the credits once
            int credited = 0;
            for (Future<HttpResponse> response : responses) {
                HttpResponse r = response.get();
                assertEquals(200, r.statusCode(), r.body());
                if ("credited".equals(r.bodyJson().path("outcome").asText())) {
                    credited++;
                }
            }
            assertEquals(1, credited);
        }
        assertEquals(Credits.whole(10), ledger.account(ACME).balance());
        assertEquals(1, ledger.fullLog(ACME).size());
        world.assertReconciles(ACME);
    }

    @Test
    void unpaidCompletionCreditsNothingUntilTheAsyncPaymentSucceeds() {
        // GIVEN a bank-debit checkout that completed before the money arrived
        assertAccepted(stripe.deliverFixture("checkout-session-completed-unpaid"), "awaiting_payment");
        assertEquals(0, stripe.itemsInTable());

        // WHEN the payment succeeds days later, and Stripe delivers that event twice
        clock.advance(Duration.ofDays(3));
        assertAccepted(stripe.deliverFixture("checkout-session-async-payment-succeeded"), "credited");
        assertAccepted(stripe.deliverFixture("checkout-session-async-payment-succeeded"), "duplicate");

        // THEN the credits arrive once
        assertEquals(Credits.whole(10), ledger.account(ACME).balance());
        world.assertReconciles(ACME);
    }

    @Test
    void failedAsyncPaymentCreditsNothing() {
        // GIVEN an unpaid completion WHEN the delayed payment fails
        stripe.deliverFixture("checkout-session-completed-unpaid");
        HttpResponse response = stripe.deliverFixture("checkout-session-async-payment-failed");

        // THEN it is acknowledged and nothing at all is written
        assertAccepted(response, "payment_failed");
        assertEquals(0, stripe.itemsInTable());
        assertEquals(Credits.ZERO, ledger.account(ACME).balance());
        world.assertReconciles(ACME);
    }

    @Test
    void sameSessionArrivingWithOtherCreditsIsAcknowledgedLoudlyAndChangesNothing() {
        // GIVEN the purchase is credited
        stripe.deliverFixture("checkout-session-completed");

        // WHEN an event for the same session claims 20 credits (at half the unit price: the same amount)
        ObjectNode tampered = StripeDeliveries.stripeEvent("checkout-session-completed");
        tampered.put("id", "evt_1SXaConflicting");
        session(tampered).with("metadata").put("credits", "20").put("unit_amount", "1015");
        HttpResponse response = stripe.deliver(tampered);

        // THEN Stripe is told to stop (200), an operator is told (ERROR with the event id), and nothing moved
        assertAccepted(response, "unprocessable");
        assertErrorLoggedFor("evt_1SXaConflicting");
        assertEquals(Credits.whole(10), ledger.account(ACME).balance());
        world.assertReconciles(ACME);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"no org_id", "org_id acme#1", "credits 2.5", "credits ten", "credits 0", "no amount_total",
            "payment_status no_payment_required", "client_reference_id of another org"})
    void checkoutWithUnusableMetadataIsAcknowledgedLoggedAtErrorAndCreditsNothing(String defect) {
        // GIVEN a paid session whose metadata cannot be applied, ever
        ObjectNode event = StripeDeliveries.stripeEvent("checkout-session-completed");
        ObjectNode metadata = session(event).with("metadata");
        switch (defect) {
            case "no org_id" -> metadata.remove("org_id");
            case "org_id acme#1" -> metadata.put("org_id", "acme#1");
            case "credits 2.5" -> metadata.put("credits", "2.5");
            case "credits ten" -> metadata.put("credits", "ten");
            case "credits 0" -> metadata.put("credits", "0");
            case "no amount_total" -> session(event).remove("amount_total");
            case "client_reference_id of another org" -> session(event).put("client_reference_id", "org_other");
            default -> session(event).put("payment_status", "no_payment_required");
        }

        // WHEN it is delivered
        HttpResponse response = stripe.deliver(event);

        // THEN it is acknowledged (no three days of retries), logged at ERROR with its id, and nothing is written;
        // a session whose metadata is not what the checkout wrote is not one of our sales (WebhookSaleMismatchTest)
        assertAccepted(response, defect.startsWith("payment_status") ? "unprocessable" : "sale_mismatch");
        assertErrorLoggedFor(event.path("id").asText());
        assertEquals(0, stripe.itemsInTable());
        world.assertReconciles(ACME);
    }

    // ------------------------------------------------------------------ refunds

    @Test
    void refundInTwoPartsTakesBackCreditsInProportionToTheNewlyRefundedAmount() {
        // GIVEN 10 credits bought for 29000 cents
        ObjectNode purchase = StripeDeliveries.stripeEvent("checkout-session-completed");
        session(purchase).put("amount_total", 29000).put("amount_subtotal", 29000);
        session(purchase).with("metadata").put("unit_amount", "2900");
        assertAccepted(stripe.deliver(purchase), "credited");

        // WHEN 8700 is refunded, then the rest (amount_refunded is cumulative: 29000)
        ObjectNode firstRefund = refundEvent("evt_3SXaRefundOne", 8700);
        assertAccepted(stripe.deliver(firstRefund), "applied");
        assertEquals(Credits.whole(7), ledger.account(ACME).balance());
        assertAccepted(stripe.deliver(refundEvent("evt_3SXaRefundTwo", 29000)), "applied");
        // AND the first refund event arrives again late
        assertAccepted(stripe.deliver(firstRefund), "duplicate");

        // THEN 3 then 7 credits went back, and they no longer count as purchased
        Account account = ledger.account(ACME);
        assertEquals(Credits.ZERO, account.balance());
        assertEquals(Credits.ZERO, account.lifetimePurchased());
        List<LogEntry> log = ledger.fullLog(ACME);
        assertEquals(List.of(Credits.whole(-7), Credits.whole(-3), Credits.whole(10)), log.stream().map(LogEntry::credits).toList());
        assertEquals(EntryType.REFUND, log.getFirst().type());
        world.assertReconciles(ACME);
    }

    @Test
    void refundArrivingBeforeThePurchaseIsAppliedWhenThePurchaseArrives() {
        // GIVEN Stripe delivers the refund (6090 of 20300 cents: 3 of 10 credits) before the purchase
        assertAccepted(stripe.deliverFixture("charge-refunded"), "recorded_for_later");
        assertEquals(Credits.ZERO, ledger.account(ACME).balance());

        // WHEN the purchase arrives
        assertAccepted(stripe.deliverFixture("checkout-session-completed"), "credited");

        // THEN both are applied: 10 bought, 3 taken back
        Account account = ledger.account(ACME);
        assertEquals(Credits.whole(7), account.balance());
        assertEquals(Credits.whole(7), account.lifetimePurchased());
        world.assertReconciles(ACME);
    }

    @Test
    void refundThatFailsGivesItsCreditsBackOnce() {
        // GIVEN 10 credits bought and 3 of them refunded (6090 of 20300 cents)
        stripe.deliverFixture("checkout-session-completed");
        stripe.deliverFixture("charge-refunded");
        assertEquals(Credits.whole(7), ledger.account(ACME).balance());

        // WHEN the bank cannot send the refund (an expired card), and Stripe says so twice
        assertAccepted(stripe.deliverFixture("charge-refund-updated-failed"), "applied");
        assertAccepted(stripe.deliverFixture("charge-refund-updated-failed"), "duplicate");
        // AND the charge.refunded event arrives again late
        assertAccepted(stripe.deliverFixture("charge-refunded"), "duplicate");

        // THEN the 3 credits are back once, as a positive refund entry, and count as purchased again
        Account account = ledger.account(ACME);
        assertEquals(Credits.whole(10), account.balance());
        assertEquals(Credits.whole(10), account.lifetimePurchased());
        LogEntry back = ledger.fullLog(ACME).getFirst();
        assertEquals(EntryType.REFUND, back.type());
        assertEquals(Credits.whole(3), back.credits());
        world.assertReconciles(ACME);
    }

    @Test
    void refundThatFailedBeforeAnythingElseArrivedTakesNothing() {
        // GIVEN Stripe delivers the failure first, then the refund, then the purchase
        assertAccepted(stripe.deliverFixture("charge-refund-updated-failed"), "recorded_for_later");
        assertAccepted(stripe.deliverFixture("charge-refunded"), "recorded_for_later");

        // WHEN the purchase arrives THEN it is credited whole: the refund never reached the buyer
        assertAccepted(stripe.deliverFixture("checkout-session-completed"), "credited");
        assertEquals(Credits.whole(10), ledger.account(ACME).balance());
        assertEquals(1, ledger.fullLog(ACME).size());
        world.assertReconciles(ACME);
    }

    @ParameterizedTest(name = "status {0}")
    @ValueSource(strings = {"reversed", ""})
    void refundUpdateWithAnUnknownStatusIsAcknowledgedLoudlyAndChangesNothing(String status) {
        // GIVEN a purchase WHEN a refund update carries a status Stripe does not document
        stripe.deliverFixture("checkout-session-completed");
        ObjectNode event = StripeDeliveries.stripeEvent("charge-refund-updated-failed");
        session(event).put("status", status);

        // THEN it is acknowledged, logged at ERROR, and the credits stay
        assertAccepted(stripe.deliver(event), "unprocessable");
        assertErrorLoggedFor(event.path("id").asText());
        assertEquals(Credits.whole(10), ledger.account(ACME).balance());
        world.assertReconciles(ACME);
    }

    // ------------------------------------------------------------------ disputes

    @Test
    void lostDisputeTakesTheCreditsBackForGood() {
        // GIVEN a purchase WHEN its payment is disputed
        stripe.deliverFixture("checkout-session-completed");
        assertAccepted(stripe.deliverFixture("charge-dispute-created"), "applied");
        assertEquals(Credits.ZERO, ledger.account(ACME).balance());

        // AND the dispute is lost
        assertAccepted(stripe.deliverFixture("charge-dispute-closed-lost"), "duplicate");

        // THEN the credits stay gone and no longer count as purchased
        Account account = ledger.account(ACME);
        assertEquals(Credits.ZERO, account.balance());
        assertEquals(Credits.ZERO, account.lifetimePurchased());
        assertEquals(EntryType.DISPUTE, ledger.fullLog(ACME).getFirst().type());
        world.assertReconciles(ACME);
    }

    @Test
    void wonDisputeGivesTheCreditsBack() {
        // GIVEN a disputed purchase
        stripe.deliverFixture("checkout-session-completed");
        stripe.deliverFixture("charge-dispute-created");

        // WHEN the dispute is won
        assertAccepted(stripe.deliverFixture("charge-dispute-closed-won"), "applied");

        // THEN the credits are back
        assertEquals(Credits.whole(10), ledger.account(ACME).balance());
        assertEquals(EntryType.DISPUTE_REVERSAL, ledger.fullLog(ACME).getFirst().type());
        world.assertReconciles(ACME);
    }

    @Test
    void wonDisputeClosedBeforeItsCreationLeavesTheCredits() {
        // GIVEN a purchase WHEN Stripe delivers "closed: won" before "created"
        stripe.deliverFixture("checkout-session-completed");
        stripe.deliverFixture("charge-dispute-closed-won");
        stripe.deliverFixture("charge-dispute-created");

        // THEN the late "created" does not reopen a won dispute
        assertEquals(Credits.whole(10), ledger.account(ACME).balance());
        world.assertReconciles(ACME);
    }

    @Test
    void lostDisputeClosedBeforeItsCreationTakesTheCreditsOnce() {
        // GIVEN a purchase WHEN Stripe delivers "closed: lost" before "created"
        stripe.deliverFixture("checkout-session-completed");
        stripe.deliverFixture("charge-dispute-closed-lost");
        stripe.deliverFixture("charge-dispute-created");

        // THEN the credits are taken back exactly once
        assertEquals(Credits.ZERO, ledger.account(ACME).balance());
        assertEquals(2, ledger.fullLog(ACME).size());
        world.assertReconciles(ACME);
    }

    @Test
    void disputeBeforeThePurchaseIsAppliedWhenThePurchaseArrives() {
        // GIVEN a dispute delivered before its purchase
        assertAccepted(stripe.deliverFixture("charge-dispute-created"), "recorded_for_later");

        // WHEN the purchase arrives, then the dispute is won
        stripe.deliverFixture("checkout-session-completed");
        assertEquals(Credits.ZERO, ledger.account(ACME).balance());
        stripe.deliverFixture("charge-dispute-closed-won");

        // THEN the org ends with its credits
        assertEquals(Credits.whole(10), ledger.account(ACME).balance());
        world.assertReconciles(ACME);
    }

    // ------------------------------------------------------------------ API versions and encodings

    @ParameterizedTest(name = "api_version {0}")
    @ValueSource(strings = {"2020-08-27", "2027-01-01.preview"})
    void eventsOfAnotherApiVersionAreProcessed(String apiVersion) {
        // GIVEN events rendered in an API version stripe-java is not pinned to: in the old one the session has no
        // payment_status and an expanded payment_intent, and the dispute has no payment_intent but an expanded
        // charge; the future one adds fields nobody knows yet
        ObjectNode purchase = StripeDeliveries.stripeEvent("checkout-session-completed");
        ObjectNode dispute = StripeDeliveries.stripeEvent("charge-dispute-created");
        for (ObjectNode event : List.of(purchase, dispute)) {
            event.put("api_version", apiVersion);
        }
        if (apiVersion.startsWith("2020")) {
            String pi = session(purchase).path("payment_intent").asText();
            session(purchase).putObject("payment_intent").put("id", pi).put("object", "payment_intent").put("amount", 20300);
            session(purchase).remove("payment_status");
            ObjectNode disputed = session(dispute);
            String charge = disputed.path("charge").asText();
            disputed.remove("payment_intent");
            disputed.putObject("charge").put("id", charge).put("object", "charge").put("payment_intent", pi);
        } else {
            session(purchase).putObject("future_field").put("nested", true);
            session(purchase).put("payment_status", "paid");
            purchase.putObject("context").put("account", "acct_future");
            session(dispute).putArray("enhanced_eligibility_types").add("visa_compelling_evidence_3");
        }

        // WHEN both are delivered
        assertAccepted(stripe.deliver(purchase), "credited");
        assertEquals(Credits.whole(10), ledger.account(ACME).balance());
        assertAccepted(stripe.deliver(dispute), "applied");

        // THEN both were applied
        assertEquals(Credits.ZERO, ledger.account(ACME).balance());
        world.assertReconciles(ACME);
    }

    @Test
    void base64BodyFromApiGatewayIsVerifiedOverTheDecodedBytes() {
        // GIVEN a body with non-ASCII text that API Gateway passes on base64-encoded
        ObjectNode event = StripeDeliveries.stripeEvent("checkout-session-completed");
        session(event).with("customer_details").put("name", "Zoë Bücher-Łukasz");

        // WHEN it is delivered THEN the signature over the decoded UTF-8 bytes holds and the purchase is credited
        assertAccepted(stripe.deliverBase64(event), "credited");
        assertEquals(Credits.whole(10), ledger.account(ACME).balance());
        world.assertReconciles(ACME);
    }

    @Test
    void unhandledEventTypesAreAcknowledgedAndIgnored() {
        HttpResponse response = stripe.deliverFixture("payment-intent-succeeded-ignored");

        assertAccepted(response, "ignored");
        assertEquals(0, stripe.itemsInTable());
        world.assertReconciles(ACME);
    }

    @Test
    void everySampleEventIsAcceptedOnceReSigned() {
        // GIVEN the fixtures of events/stripe-webhook/ in name order (dispute, refund, then the purchase events)
        for (java.nio.file.Path sample : app.credits.http.testing.SampleEvents.of("stripe-webhook")) {
            String name = sample.getFileName().toString().replace(".json", "");
            // WHEN each is delivered with a fresh signature THEN Stripe gets a 200
            HttpResponse response = stripe.deliverFixture(name);
            assertEquals(200, response.statusCode(), name + ": " + response.body());
        }
        // AND the books balance whatever the order
        world.assertReconciles(ACME);
    }

    // ------------------------------------------------------------------ requests that are not genuine

    @Test
    void forgedSignatureIsRefusedAndNothingWritten() {
        String payload = StripeDeliveries.stripeEvent("checkout-session-completed").toPrettyString();
        String forged = WebhookSignatures.sign(payload, "whsec_someone_else", clock.instant());

        assertRefused(stripe.deliverRaw(payload, forged), "bad_signature");
        world.assertReconciles(ACME);
    }

    @Test
    void signatureOlderThanFiveMinutesIsRefusedAndNothingWritten() {
        String payload = StripeDeliveries.stripeEvent("checkout-session-completed").toPrettyString();
        String stale = stripe.sign(payload, clock.instant().minusSeconds(301));

        assertRefused(stripe.deliverRaw(payload, stale), "bad_signature");
        world.assertReconciles(ACME);
    }

    @Test
    void missingSignatureIsRefusedAndNothingWritten() {
        String payload = StripeDeliveries.stripeEvent("checkout-session-completed").toPrettyString();

        assertRefused(stripe.deliverRaw(payload, null), "bad_signature");
        assertRefused(stripe.deliverRaw(payload, "t=,v1="), "bad_signature");
        world.assertReconciles(ACME);
    }

    @Test
    void bodyChangedAfterSigningIsRefusedAndNothingWritten() {
        // GIVEN a genuine signature WHEN someone raises the credits in the body
        ObjectNode event = StripeDeliveries.stripeEvent("checkout-session-completed");
        String signature = stripe.sign(event.toPrettyString(), clock.instant());
        session(event).with("metadata").put("credits", "1000");

        assertRefused(stripe.deliverRaw(event.toPrettyString(), signature), "bad_signature");
        world.assertReconciles(ACME);
    }

    @Test
    void malformedPayloadWithAValidSignatureIsRefusedAndNothingWritten() {
        String notJson = "{\"id\": \"evt_1\", \"type\": \"checkout.session.completed\", ";
        assertRefused(stripe.deliverRaw(notJson, stripe.sign(notJson, clock.instant())), "malformed_event");

        String noObject = "{\"id\": \"evt_1\", \"object\": \"event\", \"type\": \"checkout.session.completed\", \"data\": {}}";
        assertRefused(stripe.deliverRaw(noObject, stripe.sign(noObject, clock.instant())), "malformed_event");
        world.assertReconciles(ACME);
    }

    // ------------------------------------------------------------------ outages

    @Test
    void databaseOutageAnswers503SoStripeRetriesAndTheRetryCredits() {
        // GIVEN DynamoDB cannot be reached
        ExecutionInterceptor outage = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                throw SdkClientException.create("simulated DynamoDB outage");
            }
        };
        DynamoDbClient down = TestDynamo.client(outage);
        StripeWebhookFunction during = new StripeWebhookFunction(
                new Ledger(new DynamoLedgerStore(down, world.table()), clock), StripeDeliveries.SECRET, clock,
                new app.credits.runtime.Telemetry("test", "Credits", line -> { }, clock));
        ObjectNode event = StripeDeliveries.stripeEvent("checkout-session-completed");
        String payload = event.toPrettyString();
        ObjectNode apiGatewayEvent = StripeDeliveries.apiGatewayEvent("checkout-session-completed");
        apiGatewayEvent.put("body", payload);
        apiGatewayEvent.with("headers").put("stripe-signature", stripe.sign(payload, clock.instant()));

        // WHEN the event arrives during the outage THEN Stripe is asked to retry
        HttpResponse response = during.handle(app.credits.runtime.Json.write(apiGatewayEvent).getBytes(), null);
        assertEquals(503, response.statusCode(), response.body());
        assertEquals("unavailable", response.bodyJson().path("error").path("type").asText());
        down.close();

        // AND its retry after the outage credits the purchase
        assertAccepted(stripe.deliver(event), "credited");
        world.assertReconciles(ACME);
    }

    // ------------------------------------------------------------------ helpers

    private static ObjectNode session(ObjectNode event) {
        return (ObjectNode) event.path("data").path("object");
    }

    private static ObjectNode refundEvent(String eventId, long cumulativeAmountRefunded) {
        ObjectNode event = StripeDeliveries.stripeEvent("charge-refunded");
        event.put("id", eventId);
        session(event).put("amount_refunded", cumulativeAmountRefunded).put("amount", 29000);
        return event;
    }

    private static void assertAccepted(HttpResponse response, String outcome) {
        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = response.bodyJson();
        assertTrue(body.path("received").asBoolean(), response.body());
        assertEquals(outcome, body.path("outcome").asText(), response.body());
    }

    private void assertRefused(HttpResponse response, String code) {
        assertEquals(400, response.statusCode(), response.body());
        JsonNode error = response.bodyJson().path("error");
        assertEquals("invalid_request", error.path("type").asText());
        assertEquals(code, error.path("code").asText());
        assertEquals(0, stripe.itemsInTable(), "nothing may be written");
    }

    private void assertErrorLoggedFor(String eventId) {
        assertTrue(stripe.errorLogs().stream().anyMatch(line -> eventId.equals(line.path("eventId").asText())),
                "an ERROR line naming " + eventId + " in " + stripe.logLines);
    }
}
