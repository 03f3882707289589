package app.credits.ledger;

/** Where a charge's dispute stands. WON and LOST are final: a late "created" event never reopens them. */
public enum DisputeState {
    NONE, OPEN, WON, LOST;

    public DisputeState then(DisputeState next) {
        return this == WON || this == LOST ? this : (next.ordinal() > ordinal() ? next : this);
    }
}
