package app.credits.ledger;

import app.credits.ledger.LedgerStore.TopUpSnapshot;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.YearMonth;
import java.util.Optional;

import static app.credits.ledger.Worlds.NOW;
import static app.credits.ledger.Worlds.ORG;
import static app.credits.ledger.Worlds.answered;
import static app.credits.ledger.Worlds.holding;
import static app.credits.ledger.Worlds.snapshot;
import static app.credits.ledger.Worlds.written;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Auto top-up's decisions from what was read: no storage involved. */
class AutoTopUpRulesTest {
    private static final AutoTopUpSettings ON = new AutoTopUpSettings(true, Credits.whole(5), 20, 3);
    private static final SavedCard CARD = new SavedCard("pm_1", "visa", "4242", 12, 2034, NOW.minusSeconds(3600));
    private final NextTopUpStep step = new NextTopUpStep(ORG, Pricing.standard());
    private final ChargeSubmission submission = new ChargeSubmission(ORG, "sub_1", "user_1", Optional.empty(), Optional.empty());

    private static Account holdingWithTopUp(String credits) {
        return holding(credits).withAutoTopUp(ON);
    }

    /** Saved card, armed by a crossing: a claim is due. */
    private static AutoTopUp armed() {
        return AutoTopUp.none(ORG).withCustomer("cus_1").withCard(CARD).armedAtOnce().nextVersion();
    }

    private static TopUpSnapshot view(Account account, AutoTopUp state) {
        return new TopUpSnapshot(snapshot(account), state, Optional.empty(), Optional.empty());
    }

    @Test
    void theSubmissionThatTakesCreditsLeftBelowTheThresholdCrossesAndReliesOnBothSides() {
        // 5 left, threshold 5: after the charge 4 is below it; the charge is right only while 5 <= credits left < 6.
        AccountChange change = written(submission.decide(snapshot(holdingWithTopUp("5")), NOW)).changes().account().orElseThrow();
        assertTrue(change.crossesIntoTopUp());
        assertEquals(new CreditsRange(Optional.of(Credits.whole(5)), Optional.of(Credits.whole(6))), change.premise());
    }

    @Test
    void chargesThatStayOnOneSideDoNotCross() {
        AccountChange above = written(submission.decide(snapshot(holdingWithTopUp("10")), NOW)).changes().account().orElseThrow();
        AccountChange below = written(submission.decide(snapshot(holdingWithTopUp("4")), NOW)).changes().account().orElseThrow();
        assertFalse(above.crossesIntoTopUp());
        assertEquals(Optional.of(Credits.whole(6)), above.premise().from(), "stays above 5 after the charge");
        assertFalse(below.crossesIntoTopUp());
        assertEquals(Optional.of(Credits.whole(5)), below.premise().below(), "was below 5 already");
    }

    @Test
    void withAutoTopUpOffThePremiseIsUnchanged() {
        AccountChange change = written(submission.decide(snapshot(holding("10")), NOW)).changes().account().orElseThrow();
        assertEquals(new CreditsRange(Optional.of(Credits.whole(4)), Optional.empty()), change.premise());
    }

    @Test
    void aClaimChecksTheAccountWithoutWritingItAndCountsTheMonth() {
        var write = written(step.decide(view(holdingWithTopUp("4"), armed()), NOW));
        TopUpStep.Charge charge = assertInstanceOf(TopUpStep.Charge.class, write.whenCommitted());
        AccountChange account = write.changes().account().orElseThrow();
        assertTrue(account.writesNothing(), "a condition check, not a write");
        assertEquals(Optional.of(Credits.whole(5)), account.premise().below(), "credits left still below the threshold");
        AutoTopUp claimed = write.changes().topUp().state().orElseThrow().next();
        assertFalse(claimed.armed());
        assertEquals(Optional.of(charge.attempt().id()), claimed.pendingAttempt());
        assertEquals(1, claimed.topUpsIn(YearMonth.of(2026, 11)));
        assertEquals(Optional.of(NOW.plus(AutoTopUp.LEASE)), claimed.due());
        assertTrue(write.changes().topUp().attempt().orElseThrow().isNew());
        assertEquals(Money.of(20 * 2030, "usd"), charge.attempt().amount(), "20 credits at the 30% tier (10-49)");
    }

    @Test
    void aFixedUnitPriceOverridesTheTiersAsAtCheckout() {
        Account fixed = holdingWithTopUp("4").withPlan(new Plan(CreditPackage.STANDARD, Optional.of(Money.of(1000, "usd"))));
        var charge = (TopUpStep.Charge) written(step.decide(view(fixed, armed()), NOW)).whenCommitted();
        assertEquals(Money.of(20_000, "usd"), charge.attempt().amount());
    }

    @Test
    void nothingIsClaimedWhenOffWithoutACardPausedSpentOrAboveTheThreshold() {
        AutoTopUp paused = armed().failed(claimedAttempt(), new TopUpFailure.Declined("stolen_card"), NOW);
        assertIdle(step.decide(view(holding("4"), armed()), NOW), "auto top-up is off");
        assertIdle(step.decide(view(holdingWithTopUp("4"), AutoTopUp.none(ORG).armedAtOnce()), NOW), "no saved card");
        assertIdle(step.decide(view(holdingWithTopUp("4"), withoutNotice(paused)), NOW), "paused (stolen_card)");
        assertIdle(step.decide(view(holdingWithTopUp("10"), armed()), NOW), "credits left are not below the threshold");
    }

    @Test
    void theMonthlyLimitParksTheOrgUntilTheNextMonth() {
        AutoTopUp three = armed();
        for (int i = 0; i < 3; i++) {
            three = three.claimed(TopUpAttempt.claimed(ORG, TopUpAttempt.idAt(NOW.plusSeconds(i), three.lastAttemptId()),
                    Pricing.standard().quote(20, Credits.ZERO, Optional.empty()), NOW.plusSeconds(i)), NOW).armedAtOnce();
            three = new AutoTopUp(ORG, three.customerId(), three.card(), true, three.due(), Optional.empty(), 0,
                    Optional.empty(), Optional.empty(), three.countedMonth(), three.countThatMonth(), Optional.empty(),
                    three.lastAttemptId(), three.version());
        }
        var parked = written(step.decide(view(holdingWithTopUp("4"), three), NOW));
        assertEquals("monthly limit of 3 reached", ((TopUpStep.Idle) parked.whenCommitted()).reason());
        assertEquals(Optional.of(Instant.parse("2026-12-01T00:00:00Z")), parked.changes().topUp().state().orElseThrow().next().due());
    }

    @Test
    void aDeclineIsRetriedAfterAnHourTheThirdPausesAndSomeCodesPauseAtOnce() {
        TopUpAttempt attempt = claimedAttempt();
        AutoTopUp once = armed().claimed(attempt, NOW).failed(attempt, new TopUpFailure.Declined("insufficient_funds"), NOW);
        assertTrue(once.armed());
        assertEquals(Optional.of(NOW.plus(AutoTopUp.RETRY_AFTER_DECLINE)), once.retryAfter());
        assertEquals(Optional.of(attempt.id()), once.noticeOwed());
        assertEquals(0, once.topUpsIn(YearMonth.of(2026, 11)), "a declined attempt is not a purchase");

        AutoTopUp third = new AutoTopUp(ORG, once.customerId(), once.card(), true, Optional.empty(), Optional.of(attempt.id()),
                2, Optional.empty(), Optional.empty(), Optional.empty(), 0, Optional.empty(), Optional.empty(), 3)
                .failed(attempt, new TopUpFailure.Declined("generic_decline"), NOW);
        assertEquals(Optional.of("generic_decline"), third.pausedReason());

        for (String code : AutoTopUp.PAUSE_AT_ONCE) {
            assertEquals(Optional.of(code), armed().failed(attempt, new TopUpFailure.Declined(code), NOW).pausedReason());
        }
        assertEquals(Optional.of("amount_too_small"),
                armed().failed(attempt, new TopUpFailure.Refused("amount_too_small"), NOW).pausedReason());
    }

    @Test
    void authenticationRequiredEndsTheCrossingWithoutPausingOrCountingADecline() {
        TopUpAttempt attempt = claimedAttempt();
        AutoTopUp after = armed().claimed(attempt, NOW).failed(attempt, new TopUpFailure.NeedsAuthentication(), NOW);
        assertFalse(after.armed());
        assertFalse(after.isPaused());
        assertEquals(0, after.declinesInARow());
        assertEquals(Optional.empty(), after.noticeSent().due(), "after its email, the org leaves the due index");
    }

    @Test
    void aNewCardEndsAPauseAndReArmsTheCrossing() {
        AutoTopUp paused = withoutNotice(armed().failed(claimedAttempt(), new TopUpFailure.Declined("lost_card"), NOW));
        paused = new AutoTopUp(ORG, paused.customerId(), paused.card(), false, Optional.empty(), Optional.empty(), 1,
                Optional.empty(), paused.pausedReason(), Optional.empty(), 0, Optional.empty(), Optional.empty(), 4);
        AutoTopUp saved = paused.withCard(new SavedCard("pm_2", "visa", "1881", 1, 2035, NOW));
        assertFalse(saved.isPaused());
        assertTrue(saved.armed());
        assertEquals(0, saved.declinesInARow());
        assertEquals(Optional.of(AutoTopUp.AT_ONCE), saved.due());
    }

    @Test
    void settingsOutsideTheContractAreRefused() {
        assertThrows(InvalidInput.class, () -> new AutoTopUpSettings(true, Credits.whole(5), 0, 3));
        assertThrows(InvalidInput.class, () -> new AutoTopUpSettings(true, Credits.whole(5), 10_001, 3));
        assertThrows(InvalidInput.class, () -> new AutoTopUpSettings(true, Credits.whole(5), 20, 0));
        assertThrows(InvalidInput.class, () -> new AutoTopUpSettings(true, Credits.whole(5), 20, 32));
        assertThrows(InvalidInput.class, () -> new AutoTopUpSettings(true, Credits.whole(-1), 20, 3));
    }

    @Test
    void enablingWithoutACardIsRefusedAndWritesNothing() {
        var refused = answered(new ConfigureAutoTopUp(ORG, s -> ON).decide(view(holding("10"), AutoTopUp.none(ORG)), NOW));
        assertInstanceOf(ConfigureAutoTopUp.Outcome.NoPaymentMethod.class, refused);
    }

    private static TopUpAttempt claimedAttempt() {
        return TopUpAttempt.claimed(ORG, TopUpAttempt.idAt(NOW, Optional.empty()),
                Pricing.standard().quote(20, Credits.ZERO, Optional.empty()), NOW);
    }

    private static AutoTopUp withoutNotice(AutoTopUp state) {
        return new AutoTopUp(ORG, state.customerId(), state.card(), state.armed(), state.due(), state.pendingAttempt(),
                state.declinesInARow(), state.retryAfter(), state.pausedReason(), state.countedMonth(),
                state.countThatMonth(), Optional.empty(), state.lastAttemptId(), state.version());
    }

    private static void assertIdle(Decision<TopUpStep> decision, String reason) {
        TopUpStep outcome = decision instanceof Decision.Write<TopUpStep> w ? w.whenCommitted() : answered(decision);
        assertEquals(reason, assertInstanceOf(TopUpStep.Idle.class, outcome).reason());
    }
}
