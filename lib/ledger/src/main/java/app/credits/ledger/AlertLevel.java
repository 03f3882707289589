package app.credits.ledger;

/**
 * How urgent an org's low-credit email is. Ordered: an email is owed when the level credits left call for
 * is above the level already notified; dropping back re-arms, so each crossing is told once.
 */
public enum AlertLevel {
    NONE, LOW, ZERO;

    public static AlertLevel calledFor(Credits creditsLeft, Credits threshold) {
        if (!creditsLeft.isPositive()) {
            return ZERO;
        }
        return creditsLeft.isLessThan(threshold) ? LOW : NONE;
    }
}
