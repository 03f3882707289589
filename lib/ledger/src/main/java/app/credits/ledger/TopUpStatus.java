package app.credits.ledger;

import java.util.Locale;

/** Where one automatic purchase stands (docs/api.md, {@code /auto-top-up/attempts}). */
public enum TopUpStatus {
    /** Claimed, charged or being charged; its credits come with Stripe's {@code payment_intent.succeeded}. */
    PENDING,
    SUCCEEDED,
    /** Declined, or refused by Stripe: no credits. */
    FAILED,
    /** The bank wants the cardholder to authenticate: no credits, and no retry of this crossing. */
    REQUIRES_ACTION;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
