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

    private static List<Credits> credits(Purchase.Settlement s) {
        return s.movements().stream().map(Purchase.Movement::credits).toList();
    }
}
