package app.credits.ledger;

import java.util.Optional;

/**
 * How urgent an org's low-credit email is. Ordered: an email is owed when the level credits left call for
 * is above the level already notified; credits rising back re-arm it, so each crossing is told once.
 */
public enum AlertLevel {
    NONE, LOW, ZERO;

    private static final Credits SMALLEST = Credits.ofHundredths(1);

    public static AlertLevel calledFor(Credits creditsLeft, Credits threshold) {
        if (!creditsLeft.isPositive()) {
            return ZERO;
        }
        return creditsLeft.isLessThan(threshold) ? LOW : NONE;
    }

    /** Exactly the credits left that call for {@code level} under {@code threshold} (the inverse of calledFor). */
    public static CreditsRange rangeCalling(AlertLevel level, Credits threshold) {
        Credits lowFrom = SMALLEST;
        Credits noneFrom = threshold.isLessThan(SMALLEST) ? SMALLEST : threshold;
        return switch (level) {
            case ZERO -> CreditsRange.between(Optional.empty(), Optional.of(lowFrom));
            case LOW -> CreditsRange.between(Optional.of(lowFrom), Optional.of(noneFrom));
            case NONE -> CreditsRange.between(Optional.of(noneFrom), Optional.empty());
        };
    }
}
