package app.credits.ledger;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What Stripe has told us about one payment (keyed by its PaymentIntent), whatever order the events came in. Each
 * fact only moves forward, so applying the same or an older event again changes nothing: Stripe's cumulative
 * {@code amount_refunded} is kept at its highest, each refund known by id keeps its amount and its latest status
 * (a failed or canceled refund is final), and dispute states only move forward.
 *
 * @param amountRefunded the highest cumulative {@code amount_refunded} of {@code charge.refunded} events
 * @param refunds        the refunds known by id ({@code refund.*} and {@code charge.refund.updated} events)
 */
public record PaymentFacts(
        String paymentIntentId,
        Optional<OrgId> org,
        Optional<String> checkoutSessionId,
        Optional<String> chargeId,
        long amountRefunded,
        Map<String, KnownRefund> refunds,
        DisputeState dispute,
        Optional<String> disputeId,
        long version) implements Versioned {

    /** One refund as Stripe last described it. */
    public record KnownRefund(long amount, RefundStatus status) {
        KnownRefund then(KnownRefund later) {
            return new KnownRefund(Math.max(amount, later.amount), status.then(later.status));
        }
    }

    public PaymentFacts {
        refunds = java.util.Collections.unmodifiableMap(new TreeMap<>(refunds));
    }

    public static PaymentFacts unknown(String paymentIntentId) {
        return new PaymentFacts(paymentIntentId, Optional.empty(), Optional.empty(), Optional.empty(), 0, Map.of(),
                DisputeState.NONE, Optional.empty(), 0);
    }

    /**
     * How much of the payment is refunded now, by the larger of two lower bounds: Stripe's highest cumulative figure
     * less every refund known to have failed (a failed refund's amount leaves {@code amount_refunded}), and the sum
     * of the refunds known by id that still return money. Once every refund's own event has arrived the second is
     * exact; neither ever counts more than Stripe's current figure (see docs/stripe.md, "Refunds that fail").
     */
    public long refundedAmount() {
        long failed = 0;
        long returning = 0;
        for (KnownRefund refund : refunds.values()) {
            if (refund.status().returnsMoney()) {
                returning = Math.addExact(returning, refund.amount());
            } else {
                failed = Math.addExact(failed, refund.amount());
            }
        }
        return Math.max(0, Math.max(amountRefunded - failed, returning));
    }

    /** These facts as the next version to store. */
    public PaymentFacts nextVersion() {
        return new PaymentFacts(paymentIntentId, org, checkoutSessionId, chargeId, amountRefunded, refunds, dispute,
                disputeId, version + 1);
    }

    /** The same facts, whatever version each was stored at. */
    public boolean sameFactsAs(PaymentFacts other) {
        return equals(new PaymentFacts(other.paymentIntentId, other.org, other.checkoutSessionId, other.chargeId,
                other.amountRefunded, other.refunds, other.dispute, other.disputeId, version));
    }

    public PaymentFacts withPurchase(OrgId purchaseOrg, String sessionId) {
        return new PaymentFacts(paymentIntentId, Optional.of(purchaseOrg), Optional.of(sessionId), chargeId,
                amountRefunded, refunds, dispute, disputeId, version);
    }

    public PaymentFacts withRefund(String charge, long cumulativeAmountRefunded) {
        return new PaymentFacts(paymentIntentId, org, checkoutSessionId, Optional.of(charge),
                Math.max(amountRefunded, cumulativeAmountRefunded), refunds, dispute, disputeId, version);
    }

    /** One refund as an event described it; merged with what is known of it, so any order ends the same. */
    public PaymentFacts withRefundUpdate(String charge, String refundId, long amount, RefundStatus status) {
        Map<String, KnownRefund> updated = new TreeMap<>(refunds);
        updated.merge(refundId, new KnownRefund(amount, status), KnownRefund::then);
        return new PaymentFacts(paymentIntentId, org, checkoutSessionId, Optional.of(charge), amountRefunded, updated,
                dispute, disputeId, version);
    }

    public PaymentFacts withDispute(String charge, String id, DisputeState state) {
        return new PaymentFacts(paymentIntentId, org, checkoutSessionId, Optional.of(charge), amountRefunded, refunds,
                dispute.then(state), disputeId.or(() -> Optional.of(id)), version);
    }

}
