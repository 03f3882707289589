package app.credits.autotopup;

import app.credits.ledger.Credits;
import app.credits.ledger.OrgId;
import app.credits.testkit.ses.SesEmulator;
import app.credits.testkit.stripe.Faults;
import app.credits.testkit.stripe.Received;
import app.credits.testkit.stripe.TestCards;
import app.credits.testkit.stripe.Webhooks;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every way an automatic purchase can fail (docs/api.md, {@code /auto-top-up}), through the pass, the Stripe stand-in's
 * test cards and faults, the real webhook, and the SES emulator: declines emailed once each and retried no sooner than
 * an hour later, a pause after three in a row or at once for a lost, stolen, fraudulent or picked-up card, a card
 * that wants authentication, Stripe's outages and a timeout after the charge was made.
 */
class TopUpFailuresTest {
    TopUpWorld w = new TopUpWorld();

    @AfterEach
    void close() {
        w.close();
    }

    /** An org with 4 credits left, below its threshold of 8 (buys 20, 5 a month) and {@code card} saved. */
    private OrgId crossedWith(String name, String card) {
        return w.crossedWith(name, card, 8, 5);
    }

    private long paymentIntentRequests() {
        return w.stripe.requestCount("POST /v1/payment_intents");
    }

    @Test
    void aDeclineIsEmailedOnceRetriedNoSoonerThanAnHourLaterAndTheThirdInARowPauses() {
        OrgId org = crossedWith("org_declines", "pm_card_chargeDeclinedInsufficientFunds");

        for (int decline = 1; decline <= 3; decline++) {
            // WHEN the pass charges the saved card and the bank declines it
            JsonNode summary = w.runPass();

            // THEN no credits, and one email to the org's recipients naming the reason and linking to the Billing page
            assertEquals(1, summary.path("declined").asInt(), summary.toString());
            assertEquals(decline, paymentIntentRequests());
            assertEquals(Credits.whole(4), w.account(org).creditsLeft());
            List<SesEmulator.SentEmail> emails = w.emailsTo(org);
            assertEquals(decline, emails.size(), "one email per decline");
            SesEmulator.SentEmail email = emails.getLast();
            assertTrue(email.text().contains("insufficient_funds"), email.text());
            assertTrue(email.text().contains(TopUpWorld.BILLING.replace("{orgId}", org.value())), email.text());
            assertTrue(email.headers().containsKey("List-Unsubscribe"), email.headers().toString());
            if (decline < 3) {
                assertEquals("Automatic credits purchase declined (insufficient_funds)", email.subject());
                // AND nothing is tried again within the hour, however often the pass runs
                w.clock.advance(Duration.ofMinutes(1));
                w.runPass();
                w.clock.advance(Duration.ofMinutes(58));
                assertEquals(0, w.runPass().path("charged").asInt());
                assertEquals(decline, paymentIntentRequests());
                w.clock.advance(Duration.ofMinutes(1));
            } else {
                assertEquals("Auto top-up paused: your card was declined (insufficient_funds)", email.subject());
                assertTrue(email.text().contains("paused"), email.text());
            }
        }

        // THEN after the third it is paused: no more charges, every attempt listed, none counted as a purchase
        w.clock.advance(Duration.ofHours(3));
        assertEquals(0, w.runPass().path("charged").asInt());
        assertEquals(3, paymentIntentRequests());
        JsonNode view = w.autoTopUp(org);
        assertEquals("paused", view.path("status").asText());
        assertEquals("insufficient_funds", view.path("pausedReason").asText());
        assertEquals(0, view.path("topUpsThisMonth").asInt());
        JsonNode attempts = w.attempts(org);
        assertEquals(3, attempts.size());
        attempts.forEach(a -> {
            assertEquals("failed", a.path("status").asText());
            assertEquals("insufficient_funds", a.path("failureCode").asText());
        });
        assertEquals(3, w.emailsTo(org).size());
        w.world.assertReconciles(org);
    }

    static Stream<Arguments> cardsThatPauseAtOnce() {
        return Stream.of(Arguments.of("pm_card_chargeDeclinedLostCard", "lost_card"),
                Arguments.of("pm_card_chargeDeclinedStolenCard", "stolen_card"),
                Arguments.of("pm_card_chargeDeclinedFraudulent", "fraudulent"));
    }

    @ParameterizedTest
    @MethodSource("cardsThatPauseAtOnce")
    void aLostStolenOrFraudulentCardPausesAtOnceAndANewlySavedCardReArmsIt(String card, String code) {
        OrgId org = crossedWith("org_" + code, card);

        // WHEN the pass charges it
        w.runPass();

        // THEN auto top-up is paused at the first decline, and the email says so
        JsonNode view = w.autoTopUp(org);
        assertEquals("paused", view.path("status").asText());
        assertEquals(code, view.path("pausedReason").asText());
        SesEmulator.SentEmail email = w.emailsTo(org).getLast();
        assertEquals("Auto top-up paused: your card was declined (" + code + ")", email.subject());
        w.clock.advance(Duration.ofHours(2));
        assertEquals(0, w.runPass().path("charged").asInt());

        // AND WHEN the admin buys one credit saving a new card (still below the threshold)
        w.buyAndSaveCard(org, 1, TestCards.VISA);

        // THEN it is re-armed with that card, and the next pass tops up the crossing
        assertEquals("active", w.autoTopUp(org).path("status").asText());
        assertEquals("4242", w.autoTopUp(org).path("paymentMethod").path("last4").asText());
        assertEquals(1, w.runPass().path("succeeded").asInt());
        assertEquals(Credits.whole(25), w.account(org).creditsLeft());
        w.world.assertReconciles(org);
    }

    @Test
    void aSuccessfulPurchaseReArmsAPausedAutoTopUp() {
        OrgId org = crossedWith("org_rearm", "pm_card_chargeDeclinedLostCard");
        w.runPass();
        assertEquals("paused", w.autoTopUp(org).path("status").asText());

        // WHEN the admin buys credits without saving a card
        w.buy(org, 1);

        // THEN auto top-up is active again (its card is the old one: the next claim is tried, and declined again)
        assertEquals("active", w.autoTopUp(org).path("status").asText());
        assertEquals(1, w.runPass().path("declined").asInt());
        assertEquals(2, w.attempts(org).size());
        w.world.assertReconciles(org);
    }

    @Test
    void aCardThatWantsAuthenticationIsEmailedWithALinkAndNotRetried() {
        OrgId org = crossedWith("org_3ds", "pm_card_authenticationRequired");

        JsonNode summary = w.runPass();

        assertEquals(1, summary.path("requiresAction").asInt(), summary.toString());
        JsonNode attempt = w.attempts(org).get(0);
        assertEquals("requires_action", attempt.path("status").asText());
        assertEquals("authentication_required", attempt.path("failureCode").asText());
        SesEmulator.SentEmail email = w.emailsTo(org).getLast();
        assertEquals("Confirm your automatic credits purchase", email.subject());
        assertTrue(email.text().contains("Complete the payment on the Billing page"), email.text());
        assertTrue(email.html().contains("href=\"" + TopUpWorld.BILLING.replace("{orgId}", org.value()) + "\""), email.html());
        // No retry of this crossing, and no pause: the next crossing tries again
        w.clock.advance(Duration.ofHours(2));
        assertEquals(0, w.runPass().path("charged").asInt());
        assertEquals(1, paymentIntentRequests());
        assertEquals("active", w.autoTopUp(org).path("status").asText());
        assertEquals(1, w.emailsTo(org).size());
        w.world.assertReconciles(org);
    }

    static Stream<Arguments> outages() {
        return Stream.of(Arguments.of("a 500 (retried by stripe-java, then by a later run)", Faults.serverError()),
                Arguments.of("a 429 rate limit", Faults.rateLimited()),
                Arguments.of("a dropped connection", Faults.disconnectBeforePerforming()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("outages")
    void stripeOutagesAreRetriedByALaterRunWithoutCountingAsDeclines(String what, Faults.Fault fault) {
        OrgId org = crossedWith("org_outage", TestCards.VISA);
        w.stripe.faults().always("POST /v1/payment_intents", fault);

        // WHEN Stripe cannot be used during the pass
        JsonNode summary = w.runPass();

        // THEN nothing is declined, paused or emailed; the claimed attempt waits
        assertEquals(1, summary.path("stripeUnavailable").asInt(), summary.toString());
        assertEquals(0, summary.path("declined").asInt());
        assertEquals("pending", w.attempts(org).get(0).path("status").asText());
        assertEquals("active", w.autoTopUp(org).path("status").asText());
        assertEquals(List.of(), w.emailsTo(org));

        // AND WHEN Stripe is back, a run after the claim's lease charges the same attempt, once
        w.stripe.faults().clear();
        assertEquals(0, w.runPass().path("charged").asInt(), "the claim's lease holds it for its pass a while");
        w.clock.advance(Duration.ofMinutes(4));
        assertEquals(1, w.runPass().path("succeeded").asInt());
        assertEquals(1, w.attempts(org).size());
        assertEquals(1, w.automaticPayments(org).size());
        assertEquals(Credits.whole(24), w.account(org).creditsLeft());
        w.world.assertReconciles(org);
    }

    @Test
    void aTimeoutAfterTheChargeWasMadeFindsTheSamePaymentIntentOnTheNextRun() {
        // GIVEN a pass that does not retry by itself and gives up reading after 400 ms, and webhooks held back
        w.close();
        w = new TopUpWorld(0, Duration.ofMillis(400));
        OrgId org = crossedWith("org_timeout", TestCards.VISA);
        w.stripe.webhooks().delivery(Webhooks.Delivery.HELD);
        w.stripe.faults().next(1, "POST /v1/payment_intents", Faults.timeoutAfterPerforming());

        // WHEN Stripe charges the card but its answer never comes
        JsonNode first = w.runPass();

        // THEN the pass saw Stripe unavailable; the charge exists, and the attempt waits, uncredited
        assertEquals(1, first.path("stripeUnavailable").asInt(), first.toString());
        assertEquals(1, w.automaticPayments(org).size());
        assertEquals("succeeded", w.automaticPayments(org).getFirst().path("status").asText());
        assertEquals("pending", w.attempts(org).get(0).path("status").asText());

        // AND WHEN a run after the lease retries with the attempt's idempotency key
        w.clock.advance(Duration.ofMinutes(4));
        JsonNode second = w.runPass();

        // THEN Stripe answers the same PaymentIntent: no second charge, and its credits arrive once
        assertEquals(1, second.path("succeeded").asInt(), second.toString());
        List<Received> charges = w.stripe.requests().stream()
                .filter(r -> r.endpoint().equals("POST /v1/payment_intents")).toList();
        assertEquals(2, charges.size());
        assertEquals(charges.get(0).header("Idempotency-Key"), charges.get(1).header("Idempotency-Key"));
        assertEquals(1, w.automaticPayments(org).size());
        assertEquals(Credits.whole(24), w.account(org).creditsLeft());
        w.stripe.webhooks().deliverPending();
        assertEquals(Credits.whole(24), w.account(org).creditsLeft(), "the held webhook finds it credited");
        assertEquals("succeeded", w.attempts(org).get(0).path("status").asText());
        w.world.assertReconciles(org);
    }

    @Test
    void anAttemptResumedAfterStripeForgotItsKeyFindsItsPaymentIntentByItsMetadata() {
        // GIVEN a charge made whose answer was lost, and no pass for a day (Stripe keeps idempotency keys 24 hours)
        w.close();
        w = new TopUpWorld(0, Duration.ofMillis(400));
        OrgId org = crossedWith("org_forgotten_key", TestCards.VISA);
        w.stripe.webhooks().delivery(Webhooks.Delivery.HELD);
        w.stripe.faults().next(1, "POST /v1/payment_intents", Faults.timeoutAfterPerforming());
        w.runPass();
        w.clock.advance(Duration.ofHours(25));

        // WHEN a pass resumes the attempt
        JsonNode summary = w.runPass();

        // THEN it finds the PaymentIntent among the Customer's by the attempt in its metadata: no second charge
        assertEquals(1, summary.path("succeeded").asInt(), summary.toString());
        assertEquals(1, paymentIntentRequests(), "no second creation");
        assertEquals(1, w.stripe.requestCount("GET /v1/payment_intents"));
        assertEquals(1, w.automaticPayments(org).size());
        assertEquals(Credits.whole(24), w.account(org).creditsLeft());
        w.world.assertReconciles(org);
    }

    @Test
    void aTimeoutAfterTheChargeIsRetriedByStripeJavaWithTheSameKeyWithinOnePass() {
        w.close();
        w = new TopUpWorld(OffSessionCharges.NETWORK_RETRIES, Duration.ofMillis(400));
        OrgId org = crossedWith("org_timeout_retry", TestCards.VISA);
        w.stripe.faults().next(1, "POST /v1/payment_intents", Faults.timeoutAfterPerforming());

        JsonNode summary = w.runPass();

        assertEquals(1, summary.path("succeeded").asInt(), summary.toString());
        assertEquals(2, paymentIntentRequests());
        assertEquals(1, w.automaticPayments(org).size());
        assertEquals(Credits.whole(24), w.account(org).creditsLeft());
        assertFalse(w.attempts(org).get(0).path("status").asText().equals("pending"));
        w.world.assertReconciles(org);
    }
}
