package app.credits.ledger;

import app.credits.ledger.testing.MutableClock;
import app.credits.ledger.testing.TestDynamo;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import static app.credits.ledger.testing.Races.race;
import static app.credits.ledger.testing.Races.retryWhileBusy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Auto top-up in the ledger, on the emulator through the real SDK: crossings arm one top-up, claims commit once
 * however many passes race, the monthly limit holds, a payment is credited once and can be refunded, failures
 * settle as docs/api.md says. The Stripe side and the handlers are tested in functions/auto-top-up.
 */
class AutoTopUpLedgerTest {
    private final MutableClock clock = MutableClock.at("2026-11-26T10:00:00Z");
    private final TestDynamo.World world = TestDynamo.world(clock);
    private final Ledger ledger = world.ledger();
    private final AutoTopUps topUps = ledger.autoTopUps();
    private final Pricing pricing = Pricing.standard();

    private static final SavedCard VISA = new SavedCard("pm_visa_1", "visa", "4242", 12, 2034,
            Instant.parse("2026-11-01T00:00:00Z"));

    /** An org holding {@code credits}, a saved card, and auto top-up on: below 5, buy 20, at most {@code limit} a month. */
    private OrgId orgWithAutoTopUp(String name, long credits, int limit) {
        OrgId org = OrgId.of(name);
        ledger.adjust(org, "funding", EntryType.BONUS, Credits.whole(credits), "funding");
        topUps.recordCustomer(org, "cus_" + name);
        topUps.saveCard("cus_" + name, VISA);
        ConfigureAutoTopUp.Outcome configured = topUps.configure(org,
                s -> new AutoTopUpSettings(true, Credits.whole(5), 20, limit));
        assertInstanceOf(ConfigureAutoTopUp.Outcome.Configured.class, configured);
        return org;
    }

    private void submit(OrgId org, int count, String prefix) {
        for (int i = 0; i < count; i++) {
            ledger.chargeSubmission(org, prefix + i, "user_1", Optional.empty());
        }
    }

    private List<OrgId> dueOrgs() {
        return topUps.due(100, Optional.empty()).due().stream().map(AutoTopUp::org).toList();
    }

    private TopUpStep.Charge claim(OrgId org) {
        return assertInstanceOf(TopUpStep.Charge.class, topUps.next(org, pricing));
    }

    /** A claim whose charge failed: recorded as the pass would. */
    private TopUpStep.Charge failedClaim(OrgId org, TopUpFailure failure) {
        TopUpStep.Charge charge = claim(org);
        topUps.recordCharge(org, charge.attempt().id(), new ChargeOutcome.Failed(Optional.empty(), failure));
        return charge;
    }

    /** The owed email of a failure, sent. */
    private void sendOwedEmail(OrgId org) {
        TopUpStep.Notify notify = assertInstanceOf(TopUpStep.Notify.class, topUps.next(org, pricing));
        topUps.noticeSent(org, notify.attempt().id());
    }

    /** Stripe confirmed the charge and its payment_intent.succeeded arrived. */
    private PaymentOutcome pay(OrgId org, TopUpAttempt attempt, String paymentIntent) {
        topUps.recordCharge(org, attempt.id(), new ChargeOutcome.Confirmed(paymentIntent));
        return topUps.credit(new AutomaticPayment(org, attempt.id(), paymentIntent, attempt.credits(), attempt.amount()));
    }

    @Test
    void creditsCrossingBelowTheThresholdArmOneTopUpThatIsCreditedOnce() {
        // GIVEN an org with 10 credits and auto top-up below 5
        OrgId org = orgWithAutoTopUp("org_cross", 10, 3);
        assertFalse(dueOrgs().contains(org), "not due above the threshold");

        // WHEN submissions take credits left from 5 to 4
        submit(org, 6, "sub_");

        // THEN the org is due, and one claim is made for 20 credits at the checkout's price
        assertTrue(dueOrgs().contains(org));
        TopUpStep.Charge charge = claim(org);
        assertEquals(20, charge.attempt().credits());
        assertEquals(pricing.quote(20, Credits.ZERO, Optional.empty()).total(), charge.attempt().amount());
        assertInstanceOf(TopUpStep.Idle.class, topUps.next(org, pricing), "one in flight: no second claim");

        // AND WHEN the payment succeeds and its event arrives twice
        PaymentOutcome first = pay(org, charge.attempt(), "pi_cross_1");
        PaymentOutcome again = topUps.credit(new AutomaticPayment(org, charge.attempt().id(), "pi_cross_1", 20,
                charge.attempt().amount()));

        // THEN 20 credits arrive once, as an automatic purchase counted toward lifetime purchases
        assertInstanceOf(PaymentOutcome.Applied.class, first);
        assertInstanceOf(PaymentOutcome.AlreadyApplied.class, again);
        Account account = ledger.account(org);
        assertEquals(Credits.whole(24), account.creditsLeft());
        assertEquals(Credits.whole(20), account.lifetimePurchased());
        LogEntry newest = ledger.log(org, 1, Optional.empty()).entries().getFirst();
        assertEquals(EntryType.PURCHASE, newest.type());
        assertEquals("Automatic top-up of 20 credits", newest.description());
        assertEquals("pi_cross_1", newest.reference());
        assertEquals(TopUpStatus.SUCCEEDED, topUps.attempts(org, 10, Optional.empty()).attempts().getFirst().status());
        assertInstanceOf(TopUpStep.Idle.class, topUps.next(org, pricing));
        assertFalse(dueOrgs().contains(org), "the crossing's top-up is made: the org left the due index");
        world.assertReconciles(org);
    }

    @Test
    void aTopUpThatLeavesCreditsBelowTheThresholdIsNotRepeatedForTheSameCrossing() {
        // GIVEN an org whose top-up of 20 cannot lift it above a threshold of 30
        OrgId org = orgWithAutoTopUp("org_gap", 2, 3);
        topUps.configure(org, s -> new AutoTopUpSettings(true, Credits.whole(30), 20, 3));
        TopUpStep.Charge charge = claim(org);
        pay(org, charge.attempt(), "pi_gap_1");

        // WHEN more submissions follow, still below the threshold
        submit(org, 3, "sub_gap_");

        // THEN no second top-up: one purchase per crossing
        assertInstanceOf(TopUpStep.Idle.class, topUps.next(org, pricing));
        assertEquals(1, topUps.attempts(org, 10, Optional.empty()).attempts().size());
        world.assertReconciles(org);
    }

    @Test
    void tenPassesRacingForOneCrossingClaimOnce() throws Exception {
        // GIVEN an org that just crossed below its threshold
        OrgId org = orgWithAutoTopUp("org_race_claims", 5, 3);
        submit(org, 1, "sub_");

        // WHEN ten passes ask for its next step at once
        List<Callable<TopUpStep>> passes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            passes.add(() -> retryWhileBusy(() -> topUps.next(org, pricing)));
        }
        List<TopUpStep> steps = race(passes);

        // THEN exactly one holds a charge
        assertEquals(1, steps.stream().filter(s -> s instanceof TopUpStep.Charge).count());
        assertEquals(1, topUps.attempts(org, 10, Optional.empty()).attempts().size());
        world.assertReconciles(org);
    }

    @Test
    void theMonthlyLimitHoldsWhenCrossingsAndPassesRace() throws Exception {
        // GIVEN an org allowed 2 automatic purchases a month
        OrgId org = orgWithAutoTopUp("org_limit", 5, 2);

        // WHEN five crossings happen (credits taken below 5, a top-up paid, taken below again), each raced by passes
        int charged = 0;
        for (int crossing = 0; crossing < 5; crossing++) {
            Credits left = ledger.account(org).creditsLeft();
            if (left.isLessThan(Credits.whole(5))) {
                ledger.adjust(org, "up-" + crossing, EntryType.BONUS, Credits.whole(10).minus(left), "back above 5");
            }
            ledger.adjust(org, "down-" + crossing, EntryType.ADJUSTMENT,
                    Credits.whole(4).minus(ledger.account(org).creditsLeft()), "take below 5");
            List<Callable<TopUpStep>> passes = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                passes.add(() -> retryWhileBusy(() -> topUps.next(org, pricing)));
            }
            for (TopUpStep step : race(passes)) {
                if (step instanceof TopUpStep.Charge charge) {
                    pay(org, charge.attempt(), "pi_limit_" + crossing);
                    charged++;
                }
            }
        }

        // THEN two were bought this month, the org waits for the next one, and then buys again
        assertEquals(2, charged);
        assertEquals(2, topUps.view(org).topUpsThisMonth());
        assertEquals(List.of(), dueOrgs(), "parked until the next month");
        clock.set(Instant.parse("2026-12-01T00:00:00Z"));
        assertEquals(List.of(org), dueOrgs());
        pay(org, claim(org).attempt(), "pi_limit_december");
        assertEquals(1, topUps.view(org).topUpsThisMonth());
        world.assertReconciles(org);
    }

    @Test
    void declinesAreRetriedAfterAnHourAndPauseAfterThreeInARow() {
        // GIVEN an org below its threshold whose card keeps declining
        OrgId org = orgWithAutoTopUp("org_declines", 2, 5);
        for (int decline = 1; decline <= 3; decline++) {
            // WHEN a claim is charged and declined
            TopUpStep.Charge charge = claim(org);
            RecordTopUpCharge.Recorded recorded = topUps.recordCharge(org, charge.attempt().id(),
                    new ChargeOutcome.Failed(Optional.of("pi_declined_" + decline), new TopUpFailure.Declined("insufficient_funds")));
            AutoTopUp state = ((RecordTopUpCharge.Recorded.Noted) recorded).state();

            // THEN its email is owed once, then the org waits an hour (or, after the third, is paused)
            TopUpStep.Notify notify = assertInstanceOf(TopUpStep.Notify.class, topUps.next(org, pricing));
            assertEquals(charge.attempt().id(), notify.attempt().id());
            assertTrue(topUps.noticeSent(org, notify.attempt().id()));
            assertFalse(topUps.noticeSent(org, notify.attempt().id()), "each decline is emailed once");
            assertEquals(decline, state.declinesInARow());
            TopUpStep.Idle idle = assertInstanceOf(TopUpStep.Idle.class, topUps.next(org, pricing));
            if (decline < 3) {
                assertTrue(idle.reason().startsWith("declined"), idle.reason());
                clock.advance(Duration.ofMinutes(59));
                assertInstanceOf(TopUpStep.Idle.class, topUps.next(org, pricing), "not before an hour");
                clock.advance(Duration.ofMinutes(1));
            } else {
                assertEquals("paused (insufficient_funds)", idle.reason());
            }
        }
        AutoTopUpView view = topUps.view(org);
        assertEquals(AutoTopUpView.Status.PAUSED, view.status());
        assertEquals(Optional.of("insufficient_funds"), view.pausedReason());
        assertEquals(0, view.topUpsThisMonth(), "declined attempts are not purchases");
        world.assertReconciles(org);

        // AND WHEN a new card is saved, auto top-up is re-armed and claims at once
        topUps.saveCard("cus_org_declines", new SavedCard("pm_visa_2", "visa", "4242", 1, 2035, VISA.attachedAt().plusSeconds(60)));
        assertEquals(AutoTopUpView.Status.ACTIVE, topUps.view(org).status());
        claim(org);
        world.assertReconciles(org);
    }

    @Test
    void aLostCardPausesAtOnceAndAPurchaseReArmsIt() {
        OrgId org = orgWithAutoTopUp("org_lost", 2, 5);
        failedClaim(org, new TopUpFailure.Declined("lost_card"));
        assertEquals(Optional.of("lost_card"), topUps.view(org).pausedReason());

        // WHEN the admin buys a credit through Checkout (a successful purchase)
        ledger.creditPurchase(new CompletedCheckout("cs_rearm", org, 1, Money.of(2900, "usd"), Optional.of("pi_rearm"),
                Optional.empty()));

        // THEN it is active again, and still owes the failure's email before the next claim
        assertEquals(AutoTopUpView.Status.ACTIVE, topUps.view(org).status());
        sendOwedEmail(org);
        claim(org);
        world.assertReconciles(org);
    }

    @Test
    void authenticationRequiredEndsTheCrossingWithoutRetry() {
        OrgId org = orgWithAutoTopUp("org_3ds", 2, 5);
        failedClaim(org, new TopUpFailure.NeedsAuthentication());
        sendOwedEmail(org);
        clock.advance(Duration.ofHours(2));

        assertInstanceOf(TopUpStep.Idle.class, topUps.next(org, pricing));
        TopUpAttempt attempt = topUps.attempts(org, 10, Optional.empty()).attempts().getFirst();
        assertEquals(TopUpStatus.REQUIRES_ACTION, attempt.status());
        assertEquals(Optional.of("authentication_required"), attempt.failureCode());
        assertEquals(AutoTopUpView.Status.ACTIVE, topUps.view(org).status(), "not paused: the next crossing tries again");
        world.assertReconciles(org);
    }

    @Test
    void aLateFailureNeverUndoesASuccessAndAFailureIsRecordedOnce() {
        OrgId org = orgWithAutoTopUp("org_order", 2, 5);
        TopUpStep.Charge charge = claim(org);
        pay(org, charge.attempt(), "pi_order");
        RecordTopUpCharge.Recorded late = topUps.recordCharge(org, charge.attempt().id(),
                new ChargeOutcome.Failed(Optional.of("pi_order"), new TopUpFailure.Declined("generic_decline")));
        assertInstanceOf(RecordTopUpCharge.Recorded.AlreadySettled.class, late);
        assertEquals(Credits.whole(22), ledger.account(org).creditsLeft());
        world.assertReconciles(org);
    }

    @Test
    void aPaymentThatDoesNotMatchItsAttemptIsNotCredited() {
        OrgId org = orgWithAutoTopUp("org_mismatch", 2, 5);
        TopUpStep.Charge charge = claim(org);
        PaymentOutcome outcome = topUps.credit(new AutomaticPayment(org, charge.attempt().id(), "pi_x", 20,
                Money.of(1, "usd")));
        assertInstanceOf(PaymentOutcome.Conflict.class, outcome);
        assertEquals(Credits.whole(2), ledger.account(org).creditsLeft());
        world.assertReconciles(org);
    }

    @Test
    void aRefundOfAnAutomaticPurchaseTakesItsCreditsBack() {
        OrgId org = orgWithAutoTopUp("org_refund", 2, 5);
        TopUpStep.Charge charge = claim(org);
        pay(org, charge.attempt(), "pi_refund");

        PaymentOutcome refund = ledger.recordRefund("pi_refund", "ch_refund", charge.attempt().amount().amount());

        assertInstanceOf(PaymentOutcome.Applied.class, refund);
        assertEquals(Credits.whole(2), ledger.account(org).creditsLeft());
        assertEquals(Credits.ZERO, ledger.account(org).lifetimePurchased());
        world.assertReconciles(org);
    }

    @Test
    void enablingNeedsASavedCardAndEnablingBelowTheThresholdArmsATopUp() {
        OrgId org = OrgId.of("org_enable");
        ledger.adjust(org, "funding", EntryType.BONUS, Credits.whole(3), "funding");
        assertInstanceOf(ConfigureAutoTopUp.Outcome.NoPaymentMethod.class,
                topUps.configure(org, s -> new AutoTopUpSettings(true, Credits.whole(5), 20, 3)));
        assertEquals(AutoTopUpView.Status.OFF, topUps.view(org).status());

        topUps.recordCustomer(org, "cus_enable");
        topUps.saveCard("cus_enable", VISA);
        topUps.configure(org, s -> new AutoTopUpSettings(true, Credits.whole(5), 20, 3));

        assertEquals(List.of(org), dueOrgs());
        claim(org);
        world.assertReconciles(org);
    }

    @Test
    void anOlderCardArrivingLateDoesNotReplaceTheNewerOne() {
        OrgId org = orgWithAutoTopUp("org_cards", 10, 3);
        SavedCard newer = new SavedCard("pm_new", "mastercard", "4444", 3, 2030, VISA.attachedAt().plusSeconds(5));
        topUps.saveCard("cus_org_cards", newer);
        Optional<SaveCard.Outcome> late = topUps.saveCard("cus_org_cards", VISA);
        assertInstanceOf(SaveCard.Outcome.AlreadyKept.class, late.orElseThrow());
        assertEquals(Optional.of(newer), topUps.view(org).card());
        assertEquals(Optional.empty(), topUps.saveCard("cus_not_ours", VISA), "a Customer our checkout did not make");
        world.assertReconciles(org);
    }

    @Test
    void anAttemptWhoseLeaseRanOutIsResumedOnce() {
        OrgId org = orgWithAutoTopUp("org_resume", 2, 3);
        TopUpStep.Charge first = claim(org);

        clock.advance(AutoTopUp.LEASE.plusSeconds(1));
        assertEquals(List.of(org), dueOrgs());
        TopUpStep.Charge resumed = claim(org);

        assertTrue(resumed.resumed());
        assertEquals(first.attempt().id(), resumed.attempt().id());
        assertInstanceOf(TopUpStep.Idle.class, topUps.next(org, pricing), "the resumed charge holds a new lease");
        world.assertReconciles(org);
    }
}
