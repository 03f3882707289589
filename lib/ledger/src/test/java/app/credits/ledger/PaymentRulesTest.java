package app.credits.ledger;

import app.credits.ledger.LedgerStore.Snapshot;
import app.credits.ledger.RecordPaymentFact.PaymentView;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static app.credits.ledger.Worlds.NOW;
import static app.credits.ledger.Worlds.ORG;
import static app.credits.ledger.Worlds.answered;
import static app.credits.ledger.Worlds.holding;
import static app.credits.ledger.Worlds.written;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Purchases and Stripe's later facts about their payments, decided from what was read. */
class PaymentRulesTest {
    private final CompletedCheckout checkout = new CompletedCheckout("cs_1", ORG, 10, Money.of(29_000, "usd"),
            Optional.of("pi_1"), Optional.of("buyer@example.com"));

    private static Snapshot purchaseSnapshot(Account account, Optional<Purchase> purchase, Optional<PaymentFacts> facts,
                                             Optional<OrgId> owner) {
        return new Snapshot(account, Optional.empty(), Optional.empty(), purchase, facts, owner);
    }

    @Test
    void aPurchaseCreditsItsCreditsAndClaimsTheSession() {
        var write = written(new CreditPurchase(checkout).decide(
                purchaseSnapshot(Account.open(ORG), Optional.empty(), Optional.empty(), Optional.empty()), NOW));
        var applied = assertInstanceOf(PaymentOutcome.Applied.class, write.whenCommitted());
        assertEquals(Credits.whole(10), applied.balance());
        assertTrue(write.changes().purchase().orElseThrow().isNew());
        assertEquals(List.of("cs_1"), Worlds.references(write.changes()));
        assertEquals(Credits.whole(10), write.changes().account().orElseThrow().lifetimePurchasedDelta());
        assertTrue(write.changes().account().orElseThrow().termsChanged(), "a first write stores the terms");
    }

    @Test
    void aRefundThatCameFirstIsAppliedWithThePurchase() {
        PaymentFacts refunded = PaymentFacts.unknown("pi_1").withRefund("ch_1", 14_500).nextVersion();
        var write = written(new CreditPurchase(checkout).decide(
                purchaseSnapshot(Account.open(ORG), Optional.empty(), Optional.of(refunded), Optional.empty()), NOW));
        assertEquals(List.of(EntryType.PURCHASE, EntryType.REFUND),
                write.changes().entries().stream().map(NewEntry::type).toList());
        assertEquals(Credits.whole(5), assertInstanceOf(PaymentOutcome.Applied.class, write.whenCommitted()).balance());
        assertEquals(2, write.changes().payment().orElseThrow().next().version());
    }

    @Test
    void aSessionCreditedToAnotherOrgIsAConflict() {
        assertInstanceOf(PaymentOutcome.Conflict.class, answered(new CreditPurchase(checkout).decide(
                purchaseSnapshot(Account.open(ORG), Optional.empty(), Optional.empty(), Optional.of(OrgId.of("org_other"))),
                NOW)));
    }

    @Test
    void aRefundBeforeItsPurchaseIsKeptForLater() {
        var refund = new RecordPaymentFact("pi_9", new RecordPaymentFact.Refund("ch_9", 100));
        var write = written(refund.decide(new PaymentView(PaymentFacts.unknown("pi_9"), Optional.empty()), NOW));
        assertInstanceOf(PaymentOutcome.RecordedForLater.class, write.whenCommitted());
        assertTrue(write.changes().account().isEmpty());
        PaymentFacts kept = write.changes().payment().orElseThrow().next();
        assertInstanceOf(PaymentOutcome.RecordedForLater.class,
                answered(refund.decide(new PaymentView(kept, Optional.empty()), NOW)), "the same fact again writes nothing");
    }

    @Test
    void aFailedRefundGivesItsCreditsBackAsAPositiveRefundThatCountsAsPurchasedAgain() {
        Purchase refunded = new Purchase(ORG, "cs_1", 10, Money.of(29_000, "usd"), Optional.of("pi_1"),
                Optional.empty(), NOW, 2_900, Credits.ONE, DisputeState.NONE, Credits.ZERO, 2);
        PaymentFacts facts = PaymentFacts.unknown("pi_1").withPurchase(ORG, "cs_1").withRefund("ch_1", 2_900)
                .nextVersion().nextVersion();
        Snapshot snap = purchaseSnapshot(holding("9"), Optional.of(refunded), Optional.of(facts), Optional.empty());
        var failed = new RecordPaymentFact("pi_1", new RecordPaymentFact.RefundUpdate("ch_1", "re_1", 2_900, RefundStatus.FAILED));
        var write = written(failed.decide(new PaymentView(facts, Optional.of(snap)), NOW));
        NewEntry back = write.changes().entries().getFirst();
        assertEquals(EntryType.REFUND, back.type());
        assertEquals(Credits.ONE, back.credits());
        assertEquals(Credits.ONE, write.changes().account().orElseThrow().lifetimePurchasedDelta());
        assertEquals(Credits.whole(10), assertInstanceOf(PaymentOutcome.Applied.class, write.whenCommitted()).balance());
    }

    @Test
    void aRefundWithANegativeAmountIsRefused() {
        assertThrows(InvalidInput.class, () -> new RecordPaymentFact.RefundUpdate("ch_1", "re_1", -1, RefundStatus.FAILED));
    }

    @Test
    void aRefundOfAPurchaseTakesBackItsShareOnce() {
        Purchase purchase = new Purchase(ORG, "cs_1", 10, Money.of(29_000, "usd"), Optional.of("pi_1"),
                Optional.empty(), NOW, 0, Credits.ZERO, DisputeState.NONE, Credits.ZERO, 1);
        PaymentFacts facts = PaymentFacts.unknown("pi_1").withPurchase(ORG, "cs_1").nextVersion();
        Snapshot snap = purchaseSnapshot(holding("10"), Optional.of(purchase), Optional.of(facts), Optional.empty());
        var refund = new RecordPaymentFact("pi_1", new RecordPaymentFact.Refund("ch_1", 2_900));
        var write = written(refund.decide(new PaymentView(facts, Optional.of(snap)), NOW));
        assertEquals(Credits.whole(-1), write.changes().entries().getFirst().credits());
        assertEquals(1, write.changes().purchase().orElseThrow().expectedVersion());
        Purchase settled = write.changes().purchase().orElseThrow().next();
        PaymentFacts learned = write.changes().payment().orElseThrow().next();
        Snapshot after = purchaseSnapshot(holding("9"), Optional.of(settled), Optional.of(learned), Optional.empty());
        assertInstanceOf(PaymentOutcome.AlreadyApplied.class,
                answered(refund.decide(new PaymentView(learned, Optional.of(after)), NOW)));
    }
}
