package app.credits.ledger;

/** What a staff adjustment or bonus came to. */
public sealed interface AdjustmentOutcome {

    record Adjusted(String id, Credits credits, Credits balance, Credits creditsLeft) implements AdjustmentOutcome {
    }

    record AlreadyAdjusted(Adjusted original) implements AdjustmentOutcome {
    }

    record InsufficientCredits(Credits creditsLeft, Credits credits) implements AdjustmentOutcome {
    }

    /** The key was used before for an adjustment with another {@code field} (kind, credits or reason). */
    record IdempotencyConflict(String idempotencyKey, String field) implements AdjustmentOutcome {
    }
}
