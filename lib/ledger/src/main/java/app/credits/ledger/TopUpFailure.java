package app.credits.ledger;

/** Why an automatic purchase brought no credits, in the words docs/api.md uses for what follows from it. */
public sealed interface TopUpFailure {

    /**
     * A card error as Stripe reports it (in an API error or a PaymentIntent's {@code last_payment_error}), in these
     * words: authentication wanted, else a decline named by its decline code when it has one, else by its code.
     */
    static TopUpFailure ofCardError(String code, String declineCode) {
        if ("authentication_required".equals(code)) {
            return new NeedsAuthentication();
        }
        return new Declined(declineCode != null ? declineCode : code != null ? code : "card_declined");
    }

    /** The attempt's {@code failureCode}. */
    String code();

    TopUpStatus status();

    /** The bank declined the card ({@code code}: Stripe's decline code, else its error code). */
    record Declined(String code) implements TopUpFailure {
        @Override
        public TopUpStatus status() {
            return TopUpStatus.FAILED;
        }
    }

    /** The bank wants the cardholder to authenticate ({@code authentication_required}). */
    record NeedsAuthentication() implements TopUpFailure {
        @Override
        public String code() {
            return "authentication_required";
        }

        @Override
        public TopUpStatus status() {
            return TopUpStatus.REQUIRES_ACTION;
        }
    }

    /** Stripe refused the charge request itself (the card was removed, the amount is too small): retrying cannot help. */
    record Refused(String code) implements TopUpFailure {
        @Override
        public TopUpStatus status() {
            return TopUpStatus.FAILED;
        }
    }
}
