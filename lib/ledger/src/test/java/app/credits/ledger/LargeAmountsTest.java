package app.credits.ledger;

import app.credits.ledger.dynamo.BulkLoad;
import app.credits.ledger.testing.MutableClock;
import app.credits.ledger.testing.TestDynamo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Amounts of any size the ledger holds (up to {@link Account#MAX_HELD}): a replay answers the original result
 * whatever the balance, because stored results are decoded exactly, never with the bound on what a caller sends.
 */
class LargeAmountsTest {
    private static final AtomicInteger ORGS = new AtomicInteger();

    private final MutableClock clock = MutableClock.at("2026-11-26T10:00:00Z");
    private final TestDynamo.World world = TestDynamo.world(clock);
    private final Ledger ledger = world.ledger();
    private final OrgId org = OrgId.of("org_large_" + ORGS.incrementAndGet());

    @AfterEach
    void booksBalance() {
        world.assertReconciles(org);
    }

    private void seed(Credits credits) {
        BulkLoad load = new BulkLoad(world.dynamo(), world.table());
        load.org(org, List.of(new Purchase.Movement(EntryType.BONUS, credits, "seed", "opening balance")),
                clock.instant().minusSeconds(60));
        load.flush();
    }

    @Test
    void aSubmissionReplayedAboveAMillionCreditsAnswersItsOriginalResult() {
        ledger.adjust(org, "bonus_1", EntryType.BONUS, Credits.whole(600_000), "first half");
        ledger.adjust(org, "bonus_2", EntryType.BONUS, Credits.whole(600_000), "second half");
        var charged = assertInstanceOf(SubmissionOutcome.Charged.class,
                ledger.chargeSubmission(org, "sub_1", "user_1", Optional.empty()));
        assertEquals(Credits.whole(1_199_999), charged.creditsLeft());
        var replay = assertInstanceOf(SubmissionOutcome.AlreadyCharged.class,
                ledger.chargeSubmission(org, "sub_1", "user_1", Optional.empty()));
        assertEquals(charged, replay.original());
        var bonusReplay = assertInstanceOf(AdjustmentOutcome.AlreadyAdjusted.class,
                ledger.adjust(org, "bonus_2", EntryType.BONUS, Credits.whole(600_000), "second half"));
        assertEquals(Credits.whole(1_200_000), bonusReplay.original().balance());
    }

    @Test
    void everyOperationReplaysItsOriginalResultAtTheMostTheLedgerHolds() {
        Credits nearlyAll = Account.MAX_HELD.minus(Credits.whole(100));
        seed(nearlyAll);

        var charged = ledger.chargeSubmission(org, "sub_1", "user_1", Optional.empty());
        assertEquals(new SubmissionOutcome.AlreadyCharged((SubmissionOutcome.Charged) charged),
                ledger.chargeSubmission(org, "sub_1", "user_1", Optional.empty()));

        var reserved = assertInstanceOf(InviteOutcome.Reserved.class,
                ledger.reserveInvite(org, "inv_1", "ana@example.com", Optional.empty()));
        assertEquals(nearlyAll.minus(Credits.whole(2)), reserved.creditsLeft());
        assertEquals(reserved, assertInstanceOf(InviteOutcome.AlreadyReserved.class,
                ledger.reserveInvite(org, "inv_1", "ana@example.com", Optional.empty())).original());
        assertInstanceOf(ReleaseOutcome.Released.class, ledger.revokeInvite(org, "inv_1"));
        assertInstanceOf(ReleaseOutcome.AlreadyReleased.class, ledger.revokeInvite(org, "inv_1"));

        var adjusted = assertInstanceOf(AdjustmentOutcome.Adjusted.class,
                ledger.adjust(org, "adj_1", EntryType.ADJUSTMENT, Credits.whole(-1_000_000), "correction"));
        assertEquals(adjusted, assertInstanceOf(AdjustmentOutcome.AlreadyAdjusted.class,
                ledger.adjust(org, "adj_1", EntryType.ADJUSTMENT, Credits.whole(-1_000_000), "correction")).original());

        CompletedCheckout checkout = new CompletedCheckout("cs_big", org, 1_000_000, Money.of(2_900_000_000L, "usd"),
                Optional.of("pi_big"), Optional.of("buyer@example.com"));
        assertInstanceOf(PaymentOutcome.Applied.class, ledger.creditPurchase(checkout));
        assertInstanceOf(PaymentOutcome.AlreadyApplied.class, ledger.creditPurchase(checkout));
        assertInstanceOf(PaymentOutcome.Applied.class, ledger.recordRefund("pi_big", "ch_big", 2_900_000_000L));
        assertInstanceOf(PaymentOutcome.AlreadyApplied.class, ledger.recordRefund("pi_big", "ch_big", 2_900_000_000L));

        Account account = ledger.account(org);
        assertEquals(nearlyAll.minus(Credits.whole(1_000_001)), account.balance());
        LogPage newest = ledger.log(org, 2, Optional.empty());
        assertEquals(account.balance(), newest.entries().getFirst().balanceAfter());
        assertEquals(account.entryCount(), newest.entries().getFirst().seq());
    }

    @Test
    void pastTheMostTheLedgerHoldsIsAClearRefusalNotAnOverflow() {
        seed(Account.MAX_HELD.minus(Credits.ONE));
        InvalidInput refused = assertThrows(InvalidInput.class,
                () -> ledger.adjust(org, "bonus_over", EntryType.BONUS, Credits.whole(2), "one too many"));
        assertEquals("this would take the org past 1000000000000 credits, the most the ledger holds", refused.getMessage());
        assertEquals(Account.MAX_HELD.minus(Credits.ONE), ledger.account(org).balance());
    }

    @Test
    void pricingQuotesAtALifetimeOfABillionCredits() {
        Quote quote = Pricing.standard().quote(10_000, Credits.whole(1_000_000_000), Optional.empty());
        assertEquals(60, quote.discountPercent());
        assertEquals(Money.of(10_000L * 1160, "usd"), quote.total());
    }
}
