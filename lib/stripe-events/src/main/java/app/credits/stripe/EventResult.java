package app.credits.stripe;

import app.credits.ledger.Credits;

/**
 * What applying one Stripe event did to the ledger, whoever applied it (the webhook or the reconciliation with
 * Stripe).
 *
 * @param outcome          the named outcome; its {@link Outcome#wireName()} is the word logs and the webhook answer use
 * @param detail           one line for the logs: ids and numbers only
 * @param creditsPurchased credits this event newly bought (the CreditsPurchased metric), else zero
 */
public record EventResult(String eventId, String eventType, Outcome outcome, String detail, Credits creditsPurchased) {

    public enum Outcome {
        /** A purchase newly credited. */
        CREDITED("credited"),
        /** Credits moved: a refund, a dispute, or its reversal. */
        APPLIED("applied"),
        /** The ledger already held this fact (a repeat, an older event): nothing moved. */
        DUPLICATE("duplicate"),
        /** A refund or dispute whose purchase has not arrived: kept, applied with the purchase. */
        RECORDED_FOR_LATER("recorded_for_later"),
        /** A checkout completed unpaid (a delayed payment method): credited when its payment succeeds. */
        AWAITING_PAYMENT("awaiting_payment"),
        /** A delayed payment failed: nothing to credit. */
        PAYMENT_FAILED("payment_failed"),
        /**
         * A fact that moves no credits, recorded: an automatic purchase's failure, a card saved for auto top-up.
         */
        RECORDED("recorded"),
        /** A type this library does not act on. */
        IGNORED("ignored"),
        /** A paid session that is not one of our sales (see {@link SaleCheck}): nothing credited, an operator must look. */
        SALE_MISMATCH("sale_mismatch"),
        /** A genuine event that can never be applied (bad metadata, a conflicting session): an operator must look. */
        UNPROCESSABLE("unprocessable"),
        /** The ledger was too contended or DynamoDB failed: nothing was applied; apply it again later. */
        RETRY_LATER("retry_later");

        private final String wireName;

        Outcome(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        /** Acknowledged but never applied: logged at ERROR and counted, so that someone fixes it by hand. */
        public boolean loud() {
            return this == SALE_MISMATCH || this == UNPROCESSABLE;
        }
    }

    static EventResult of(StripeEvent event, Outcome outcome, String detail) {
        return new EventResult(event.eventId(), event.type(), outcome, detail, Credits.ZERO);
    }

    /** Credits moved because of this event, here and now: nobody had applied it before. */
    public boolean movedCredits() {
        return outcome == Outcome.CREDITED || outcome == Outcome.APPLIED;
    }
}
