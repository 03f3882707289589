package app.credits.ledger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Credits bought through one Checkout Session, or one automatic top-up, and how much of them Stripe has since taken
 * back. Keyed by the session ({@code checkoutSessionId}), or for an automatic top-up by its PaymentIntent, which
 * Stripe's refunds and disputes name either way: a purchase is credited exactly once.
 */
public record Purchase(
        OrgId org,
        String checkoutSessionId,
        long credits,
        Money amountPaid,
        Optional<String> paymentIntentId,
        Optional<String> buyerEmail,
        Instant createdAt,
        long amountRefunded,
        Credits creditsRefunded,
        DisputeState dispute,
        Credits creditsHeldByDispute,
        long version) implements Versioned {

    /** A balance movement this purchase owes the ledger after learning new facts. */
    public record Movement(EntryType type, Credits credits, String reference, String description) {
    }

    /**
     * The purchase after applying {@code facts} (as its next version), and the movements that brings. Pure;
     * applying the same facts twice moves nothing the second time.
     */
    public record Settlement(Purchase purchase, List<Movement> movements) {
    }

    public Credits creditsBought() {
        return Credits.whole(credits);
    }

    /**
     * This purchase arriving: its credits as a {@code purchase} entry (referenced by the purchase's key), then
     * whatever refunds or disputes of its payment arrived before it.
     */
    public Settlement arrive(String description, PaymentFacts facts) {
        List<Movement> movements = new ArrayList<>();
        movements.add(new Movement(EntryType.PURCHASE, creditsBought(), checkoutSessionId, description));
        Settlement settlement = settle(facts);
        movements.addAll(settlement.movements());
        return new Settlement(settlement.purchase(), movements);
    }

    public Settlement settle(PaymentFacts facts) {
        List<Movement> movements = new ArrayList<>();
        long refunded = amountRefunded;
        Credits refundedCredits = creditsRefunded;
        DisputeState state = dispute;
        Credits held = creditsHeldByDispute;
        String charge = facts.chargeId().orElse(paymentIntentId.orElse(checkoutSessionId));

        long nowRefunded = facts.refundedAmount();
        if (nowRefunded != refunded && amountPaid.amount() > 0) {
            // Proportional to the amount refunded now, rounded down to hundredths; a full refund is exactly all.
            long target = Math.min(creditsBought().hundredths(),
                    Math.multiplyExact(creditsBought().hundredths(), Math.min(nowRefunded, amountPaid.amount()))
                            / amountPaid.amount());
            Credits targetCredits = Credits.ofHundredths(target);
            if (refundedCredits.isLessThan(targetCredits)) {
                Credits due = targetCredits.minus(refundedCredits);
                Credits outstanding = creditsBought().minus(refundedCredits).minus(held);
                Credits take = Credits.min(due, outstanding);
                // What an open dispute already took back is refunded from the dispute's hold, not taken twice: a won
                // dispute then gives back only what was not refunded meanwhile.
                Credits fromHold = Credits.min(due.minus(take), held);
                if (take.isPositive()) {
                    movements.add(new Movement(EntryType.REFUND, take.negate(), charge,
                            "Refund of " + targetCredits + " of " + credits + " credits (" + nowRefunded + " "
                                    + amountPaid.currency() + " refunded)"));
                }
                refundedCredits = refundedCredits.plus(take).plus(fromHold);
                held = held.minus(fromHold);
            } else if (targetCredits.isLessThan(refundedCredits)) {
                // A refund failed (or was canceled): what it took comes back once. While a dispute holds the rest
                // of the purchase, the dispute keeps these credits too; it gives them back if it is won.
                Credits release = refundedCredits.minus(targetCredits);
                refundedCredits = targetCredits;
                if (state == DisputeState.OPEN || state == DisputeState.LOST) {
                    held = held.plus(release);
                } else {
                    movements.add(new Movement(EntryType.REFUND, release, charge,
                            "Refund failed: " + release + " of " + credits + " credits given back (" + nowRefunded
                                    + " " + amountPaid.currency() + " refunded now)"));
                }
            }
            refunded = nowRefunded;
        }
        DisputeState next = state.then(facts.dispute());
        String disputeRef = facts.disputeId().orElse(charge);
        if (next != state) {
            if (state == DisputeState.NONE && (next == DisputeState.OPEN || next == DisputeState.LOST)) {
                Credits take = creditsBought().minus(refundedCredits).minus(held);
                if (take.isPositive()) {
                    movements.add(new Movement(EntryType.DISPUTE, take.negate(), disputeRef, "Payment disputed"));
                    held = held.plus(take);
                }
            } else if (next == DisputeState.WON && held.isPositive()) {
                movements.add(new Movement(EntryType.DISPUTE_REVERSAL, held, disputeRef, "Dispute won"));
                held = Credits.ZERO;
            }
            state = next;
        }
        Purchase settled = new Purchase(org, checkoutSessionId, credits, amountPaid, paymentIntentId, buyerEmail,
                createdAt, refunded, refundedCredits, state, held, version + 1);
        return new Settlement(settled, movements);
    }

}
