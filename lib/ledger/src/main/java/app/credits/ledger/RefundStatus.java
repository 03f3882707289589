package app.credits.ledger;

/**
 * Where one Stripe refund stands. A refund moves forward only: pending (or needing the customer's action) to
 * succeeded, and any of those to failed or canceled, which are final. So a late event about an earlier status never
 * undoes a later one, whatever order Stripe delivers them in.
 */
public enum RefundStatus {
    PENDING, SUCCEEDED, FAILED, CANCELED;

    public RefundStatus then(RefundStatus next) {
        return isFinal() || next.ordinal() <= ordinal() ? this : next;
    }

    public boolean isFinal() {
        return this == FAILED || this == CANCELED;
    }

    /** The buyer gets (or got) this refund's money; a failed or canceled one returned it to us. */
    public boolean returnsMoney() {
        return !isFinal();
    }
}
