package app.credits.ledger;

import app.credits.ledger.LedgerStore.Snapshot;

import java.time.Instant;
import java.util.Optional;

/**
 * Learning a fact Stripe told about a payment (a refund, a dispute), in whatever order the events come: kept on
 * the payment until its purchase arrives, applied to the purchase once it has. Applying an old or repeated fact
 * changes nothing.
 */
public record RecordPaymentFact(String paymentIntentId, Fact fact) {

    /** What Stripe said. */
    public sealed interface Fact {
        PaymentFacts applyTo(PaymentFacts known);
    }

    /** {@code amountRefunded} is Stripe's cumulative figure for the charge. */
    public record Refund(String chargeId, long amountRefunded) implements Fact {
        public Refund {
            Ids.require("charge", chargeId);
        }

        @Override
        public PaymentFacts applyTo(PaymentFacts known) {
            return known.withRefund(chargeId, amountRefunded);
        }
    }

    /**
     * One refund as Stripe described it ({@code refund.created}, {@code refund.updated}, {@code refund.failed},
     * {@code charge.refund.updated}): a refund that failed or was canceled gives back what it took.
     */
    public record RefundUpdate(String chargeId, String refundId, long amount, RefundStatus status) implements Fact {
        public RefundUpdate {
            Ids.require("charge", chargeId);
            Ids.require("refund", refundId);
            if (amount < 0) {
                throw new InvalidInput("refund " + refundId + " has a negative amount");
            }
        }

        @Override
        public PaymentFacts applyTo(PaymentFacts known) {
            return known.withRefundUpdate(chargeId, refundId, amount, status);
        }
    }

    public record Dispute(String chargeId, String disputeId, DisputeState state) implements Fact {
        public Dispute {
            Ids.require("charge", chargeId);
            Ids.require("dispute", disputeId);
        }

        @Override
        public PaymentFacts applyTo(PaymentFacts known) {
            return known.withDispute(chargeId, disputeId, state);
        }
    }

    public RecordPaymentFact {
        Ids.require("payment_intent", paymentIntentId);
    }

    /** A payment's facts and, once its purchase has arrived, the org's items that purchase lives with. */
    public record PaymentView(PaymentFacts facts, Optional<Snapshot> purchase) {
    }

    public Decision<PaymentOutcome> decide(PaymentView view, Instant now) {
        PaymentFacts known = view.facts();
        PaymentFacts learned = fact.applyTo(known);
        boolean stored = known.version() > 0;
        if (view.purchase().isEmpty()) {
            // The purchase has not arrived: keep the fact; crediting the purchase will apply it.
            if (learned.sameFactsAs(known) && stored) {
                return Decision.answer(new PaymentOutcome.RecordedForLater(paymentIntentId));
            }
            return Decision.write(Changes.NONE.writingPayment(learned.nextVersion()),
                    new PaymentOutcome.RecordedForLater(paymentIntentId));
        }
        Snapshot snap = view.purchase().get();
        Purchase purchase = snap.purchase().orElseThrow();
        OrgId org = purchase.org();
        Purchase.Settlement settlement = purchase.settle(learned);
        if (settlement.movements().isEmpty() && learned.sameFactsAs(known)
                && sameState(settlement.purchase(), purchase)) {
            return Decision.answer(new PaymentOutcome.AlreadyApplied(org));
        }
        Account account = snap.account();
        Account.Moved moved = account.moveAll(settlement.movements(), now);
        Changes changes = Changes.NONE.writingPurchase(settlement.purchase()).writingPayment(learned.nextVersion());
        if (!moved.entries().isEmpty()) {
            changes = changes.changingAccount(AccountChange.of(account, moved.account())).appending(moved.entries());
        }
        return Decision.write(changes, moved.entries().isEmpty()
                ? new PaymentOutcome.AlreadyApplied(org)
                : new PaymentOutcome.Applied(org, moved.entries(), moved.account().balance()));
    }

    private static boolean sameState(Purchase settled, Purchase stored) {
        return settled.amountRefunded() == stored.amountRefunded()
                && settled.creditsRefunded().equals(stored.creditsRefunded())
                && settled.dispute() == stored.dispute()
                && settled.creditsHeldByDispute().equals(stored.creditsHeldByDispute());
    }
}
