package app.credits.autotopup;

import app.credits.ledger.ChargeOutcome;
import app.credits.ledger.Money;
import app.credits.ledger.TopUpFailure;

import java.util.Optional;

/** What Stripe answered to one off-session charge, or that it could not be asked. */
sealed interface ChargeResult {

    /** The payment went through: its credits come with {@code payment_intent.succeeded}. */
    record Succeeded(String paymentIntentId, Money received) implements ChargeResult {
    }

    /** Accepted, not settled yet (not a card's usual answer): its webhook decides. */
    record Processing(String paymentIntentId) implements ChargeResult {
    }

    record Failed(Optional<String> paymentIntentId, TopUpFailure failure) implements ChargeResult {
    }

    /**
     * Stripe could not be used (5xx, 429, no answer in time, our key refused): nothing is known to have happened, or
     * the charge exists and the same idempotency key finds it. Retried by a later run, never counted as a decline.
     */
    record Unavailable(String reason) implements ChargeResult {
    }

    /** What the ledger records of it; empty when Stripe could not be asked. */
    default Optional<ChargeOutcome> outcome() {
        return switch (this) {
            case Succeeded s -> Optional.of(new ChargeOutcome.Confirmed(s.paymentIntentId()));
            case Processing p -> Optional.of(new ChargeOutcome.Confirmed(p.paymentIntentId()));
            case Failed f -> Optional.of(new ChargeOutcome.Failed(f.paymentIntentId(), f.failure()));
            case Unavailable u -> Optional.empty();
        };
    }
}
