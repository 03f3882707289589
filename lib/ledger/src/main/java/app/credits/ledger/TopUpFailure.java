package app.credits.ledger;

/** Why an automatic purchase brought no credits, in the words API.md uses for what follows from it. */
public sealed interface TopUpFailure {

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
