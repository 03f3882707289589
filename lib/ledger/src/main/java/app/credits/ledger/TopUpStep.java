package app.credits.ledger;

/** What the scheduled pass is to do next for one org (see {@link NextTopUpStep}). */
public sealed interface TopUpStep {

    /**
     * Charge {@code attempt} off-session to the saved card of {@code state}: a new claim, or one resumed after its
     * lease ran out ({@code resumed}: the charge may already exist; the same idempotency key finds it).
     */
    record Charge(TopUpAttempt attempt, AutoTopUp state, Account account, boolean resumed) implements TopUpStep {
    }

    /** Email the org's recipients about {@code attempt}'s failure, then mark it sent. */
    record Notify(TopUpAttempt attempt, AutoTopUp state, Account account) implements TopUpStep {
    }

    /** Nothing to do now; {@code reason} says why (for the log). */
    record Idle(String reason) implements TopUpStep {
    }
}
