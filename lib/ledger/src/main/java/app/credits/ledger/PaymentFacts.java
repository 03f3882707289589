package app.credits.ledger;

import java.util.Optional;

/**
 * What Stripe has told us about one payment (keyed by its PaymentIntent), whatever order the events came in.
 * Refund amounts only grow ({@code amount_refunded} is cumulative) and dispute states only move forward, so
 * applying the same or an older event again changes nothing.
 */
public record PaymentFacts(
        String paymentIntentId,
        Optional<OrgId> org,
        Optional<String> checkoutSessionId,
        Optional<String> chargeId,
        long amountRefunded,
        DisputeState dispute,
        Optional<String> disputeId,
        long version) implements Versioned {

    public static PaymentFacts unknown(String paymentIntentId) {
        return new PaymentFacts(paymentIntentId, Optional.empty(), Optional.empty(), Optional.empty(), 0,
                DisputeState.NONE, Optional.empty(), 0);
    }

    /** These facts as the next version to store. */
    public PaymentFacts nextVersion() {
        return new PaymentFacts(paymentIntentId, org, checkoutSessionId, chargeId, amountRefunded, dispute, disputeId,
                version + 1);
    }

    /** The same facts, whatever version each was stored at. */
    public boolean sameFactsAs(PaymentFacts other) {
        return equals(new PaymentFacts(other.paymentIntentId, other.org, other.checkoutSessionId, other.chargeId,
                other.amountRefunded, other.dispute, other.disputeId, version));
    }

    public PaymentFacts withPurchase(OrgId purchaseOrg, String sessionId) {
        return new PaymentFacts(paymentIntentId, Optional.of(purchaseOrg), Optional.of(sessionId), chargeId,
                amountRefunded, dispute, disputeId, version);
    }

    public PaymentFacts withRefund(String charge, long cumulativeAmountRefunded) {
        return new PaymentFacts(paymentIntentId, org, checkoutSessionId, Optional.of(charge),
                Math.max(amountRefunded, cumulativeAmountRefunded), dispute, disputeId, version);
    }

    public PaymentFacts withDispute(String charge, String id, DisputeState state) {
        return new PaymentFacts(paymentIntentId, org, checkoutSessionId, Optional.of(charge), amountRefunded,
                dispute.then(state), disputeId.or(() -> Optional.of(id)), version);
    }

}
