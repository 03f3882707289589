package app.credits.ledger;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How Stripe's facts about a payment turn into movements: pure, order-independent, idempotent. */
class PurchaseSettlementTest {
    private final Purchase tenCredits = new Purchase(OrgId.of("org_p"), "cs_1", 10, Money.of(29_000, "usd"),
            Optional.of("pi_1"), Optional.empty(), Instant.EPOCH, 0, Credits.ZERO, DisputeState.NONE, Credits.ZERO, 1);

    @Test
    void aRefundInTwoPartsTakesBackInProportionToTheCumulativeAmount() {
        PaymentFacts facts = PaymentFacts.unknown("pi_1").withRefund("ch_1", 8_700);
        Purchase.Settlement first = tenCredits.settle(facts);
        assertEquals(List.of(Credits.whole(-3)), credits(first));

        Purchase.Settlement again = first.purchase().settle(facts);
        assertEquals(List.of(), credits(again));

        Purchase.Settlement rest = first.purchase().settle(facts.withRefund("ch_1", 29_000));
        assertEquals(List.of(Credits.whole(-7)), credits(rest));
        assertEquals(Credits.whole(10), rest.purchase().creditsRefunded());
    }

    @Test
    void anOlderCumulativeRefundArrivingLateChangesNothing() {
        PaymentFacts full = PaymentFacts.unknown("pi_1").withRefund("ch_1", 29_000);
        assertEquals(full, full.withRefund("ch_1", 8_700));
    }

    @Test
    void oddRefundsRoundDownToHundredthsAndAFullRefundIsExact() {
        Purchase three = new Purchase(OrgId.of("org_p"), "cs_3", 3, Money.of(1_000, "usd"), Optional.of("pi_3"),
                Optional.empty(), Instant.EPOCH, 0, Credits.ZERO, DisputeState.NONE, Credits.ZERO, 1);
        Purchase.Settlement part = three.settle(PaymentFacts.unknown("pi_3").withRefund("ch_3", 333));
        assertEquals(List.of(Credits.parse("-0.99")), credits(part));
        Purchase.Settlement all = part.purchase().settle(PaymentFacts.unknown("pi_3").withRefund("ch_3", 1_000));
        assertEquals(List.of(Credits.parse("-2.01")), credits(all));
    }

    @Test
    void aDisputeTakesWhatIsLeftAndWinningGivesItBack() {
        PaymentFacts refunded = PaymentFacts.unknown("pi_1").withRefund("ch_1", 8_700);
        Purchase afterRefund = tenCredits.settle(refunded).purchase();
        Purchase.Settlement disputed = afterRefund.settle(refunded.withDispute("ch_1", "dp_1", DisputeState.OPEN));
        assertEquals(List.of(Credits.whole(-7)), credits(disputed));
        Purchase.Settlement won = disputed.purchase().settle(refunded.withDispute("ch_1", "dp_1", DisputeState.WON));
        assertEquals(List.of(Credits.whole(7)), credits(won));
    }

    @Test
    void aRefundDuringAnOpenDisputeIsPaidFromTheHoldSoAWonDisputeGivesBackOnlyTheRest() {
        PaymentFacts disputed = PaymentFacts.unknown("pi_1").withDispute("ch_1", "dp_1", DisputeState.OPEN);
        Purchase.Settlement held = tenCredits.settle(disputed);
        assertEquals(List.of(Credits.whole(-10)), credits(held));

        PaymentFacts refundedToo = disputed.withRefund("ch_1", 8_700);
        Purchase.Settlement refund = held.purchase().settle(refundedToo);
        assertEquals(List.of(), credits(refund)); // the dispute already took those credits back
        assertEquals(Credits.whole(3), refund.purchase().creditsRefunded());
        assertEquals(Credits.whole(7), refund.purchase().creditsHeldByDispute());

        Purchase.Settlement won = refund.purchase().settle(refundedToo.withDispute("ch_1", "dp_1", DisputeState.WON));
        assertEquals(List.of(Credits.whole(7)), credits(won));
    }

    @Test
    void aDisputeClosedAsWonBeforeItsCreatedEventNeverTakesAnything() {
        PaymentFacts won = PaymentFacts.unknown("pi_1").withDispute("ch_1", "dp_1", DisputeState.WON);
        assertEquals(DisputeState.WON, won.withDispute("ch_1", "dp_1", DisputeState.OPEN).dispute());
        assertEquals(List.of(), credits(tenCredits.settle(won)));
    }

    // ---------------------------------------------------------------- refunds that fail

    @Test
    void aFailedRefundGivesBackWhatItTookOnce() {
        PaymentFacts refunded = PaymentFacts.unknown("pi_1").withRefund("ch_1", 8_700);
        Purchase afterRefund = tenCredits.settle(refunded).purchase();

        PaymentFacts failed = refunded.withRefundUpdate("ch_1", "re_1", 8_700, RefundStatus.FAILED);
        Purchase.Settlement giveBack = afterRefund.settle(failed);
        assertEquals(List.of(Credits.whole(3)), credits(giveBack));
        assertEquals(EntryType.REFUND, giveBack.movements().getFirst().type());
        assertEquals(Credits.ZERO, giveBack.purchase().creditsRefunded());

        // the same failure again, or the refund's older "succeeded" update arriving late, moves nothing
        assertEquals(List.of(), credits(giveBack.purchase().settle(failed)));
        PaymentFacts lateSuccess = failed.withRefundUpdate("ch_1", "re_1", 8_700, RefundStatus.SUCCEEDED);
        assertEquals(failed, lateSuccess);
        assertEquals(List.of(), credits(giveBack.purchase().settle(lateSuccess)));
    }

    @Test
    void aRefundThatFailedBeforeItsChargeRefundedEventArrivedNeverTakesAnything() {
        PaymentFacts failedFirst = PaymentFacts.unknown("pi_1").withRefundUpdate("ch_1", "re_1", 8_700, RefundStatus.FAILED);
        assertEquals(List.of(), credits(tenCredits.settle(failedFirst)));
        assertEquals(List.of(), credits(tenCredits.settle(failedFirst.withRefund("ch_1", 8_700))));
    }

    @Test
    void aLaterRefundAfterAFailedOneIsTakenByItsOwnAmount() {
        // re_1 (8700) failed, then re_2 (5800) was made: Stripe's cumulative figure went 8700, 0, 5800
        PaymentFacts facts = PaymentFacts.unknown("pi_1").withRefund("ch_1", 8_700)
                .withRefundUpdate("ch_1", "re_1", 8_700, RefundStatus.FAILED)
                .withRefund("ch_1", 5_800)
                .withRefundUpdate("ch_1", "re_2", 5_800, RefundStatus.SUCCEEDED);
        assertEquals(5_800, facts.refundedAmount());
        assertEquals(List.of(Credits.whole(-2)), credits(tenCredits.settle(facts)));
    }

    @Test
    void aRefundFailingAfterALaterOneKeepsTheLaterOneTaken() {
        // re_1 (8700) and re_2 (5800) made (cumulative 14500), then re_1 failed: 5800 stays refunded
        PaymentFacts both = PaymentFacts.unknown("pi_1").withRefund("ch_1", 14_500);
        Purchase.Settlement taken = tenCredits.settle(both);
        assertEquals(List.of(Credits.whole(-5)), credits(taken));
        Purchase.Settlement back = taken.purchase().settle(both.withRefundUpdate("ch_1", "re_1", 8_700, RefundStatus.FAILED));
        assertEquals(List.of(Credits.whole(3)), credits(back));
        assertEquals(Credits.whole(2), back.purchase().creditsRefunded());
    }

    @Test
    void aRefundFailingWhileADisputeHoldsThePurchaseStaysWithTheDisputeUntilItIsWon() {
        PaymentFacts refunded = PaymentFacts.unknown("pi_1").withRefund("ch_1", 8_700);
        Purchase.Settlement disputed = tenCredits.settle(refunded.withDispute("ch_1", "dp_1", DisputeState.OPEN));
        assertEquals(List.of(Credits.whole(-3), Credits.whole(-7)), credits(disputed));

        PaymentFacts failed = refunded.withDispute("ch_1", "dp_1", DisputeState.OPEN)
                .withRefundUpdate("ch_1", "re_1", 8_700, RefundStatus.FAILED);
        Purchase.Settlement kept = disputed.purchase().settle(failed);
        assertEquals(List.of(), credits(kept)); // the dispute would have taken those credits anyway
        assertEquals(Credits.whole(10), kept.purchase().creditsHeldByDispute());

        Purchase.Settlement won = kept.purchase().settle(failed.withDispute("ch_1", "dp_1", DisputeState.WON));
        assertEquals(List.of(Credits.whole(10)), credits(won));
    }

    @Test
    void aCanceledRefundGivesBackLikeAFailedOne() {
        PaymentFacts refunded = PaymentFacts.unknown("pi_1").withRefund("ch_1", 29_000);
        Purchase all = tenCredits.settle(refunded).purchase();
        Purchase.Settlement back = all.settle(refunded.withRefundUpdate("ch_1", "re_1", 29_000, RefundStatus.CANCELED));
        assertEquals(List.of(Credits.whole(10)), credits(back));
    }

    @Test
    void aRefundsStatusOnlyMovesForward() {
        assertEquals(RefundStatus.SUCCEEDED, RefundStatus.PENDING.then(RefundStatus.SUCCEEDED));
        assertEquals(RefundStatus.SUCCEEDED, RefundStatus.SUCCEEDED.then(RefundStatus.PENDING));
        assertEquals(RefundStatus.FAILED, RefundStatus.SUCCEEDED.then(RefundStatus.FAILED));
        assertEquals(RefundStatus.FAILED, RefundStatus.FAILED.then(RefundStatus.SUCCEEDED));
        assertEquals(RefundStatus.CANCELED, RefundStatus.PENDING.then(RefundStatus.CANCELED));
        assertEquals(RefundStatus.FAILED, RefundStatus.FAILED.then(RefundStatus.CANCELED));
    }

    private static List<Credits> credits(Purchase.Settlement s) {
        return s.movements().stream().map(Purchase.Movement::credits).toList();
    }
}
