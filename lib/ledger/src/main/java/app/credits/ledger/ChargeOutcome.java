package app.credits.ledger;

import java.util.Optional;

/** What Stripe answered to an automatic purchase's charge, in the ledger's words (no Stripe types here). */
public sealed interface ChargeOutcome {

    /** The PaymentIntent succeeded (or is processing): its credits come with {@code payment_intent.succeeded}. */
    record Confirmed(String paymentIntentId) implements ChargeOutcome {
    }

    /** No credits: declined, refused, or the cardholder must authenticate. */
    record Failed(Optional<String> paymentIntentId, TopUpFailure failure) implements ChargeOutcome {
    }
}
