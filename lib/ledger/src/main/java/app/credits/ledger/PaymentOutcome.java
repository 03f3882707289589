package app.credits.ledger;

import java.util.List;

/** What a Stripe payment event (purchase, refund, dispute) did to the ledger. */
public sealed interface PaymentOutcome {

    /** Credits moved; {@code entries} are the log entries written (a purchase may carry a refund that came first). */
    record Applied(OrgId org, List<NewEntry> entries, Credits balance) implements PaymentOutcome {
    }

    /** This fact was already applied (a duplicate or an older event): nothing moved. */
    record AlreadyApplied(OrgId org) implements PaymentOutcome {
    }

    /** A refund or dispute for a payment whose purchase has not arrived yet: kept, applied when it does. */
    record RecordedForLater(String paymentIntentId) implements PaymentOutcome {
    }

    /** The same Checkout Session arrived with other credits or another org: nothing written. */
    record Conflict(String checkoutSessionId, String reason) implements PaymentOutcome {
    }
}
