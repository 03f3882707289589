package app.credits.ledger;

/**
 * What an admin chose for automatic purchases (docs/api.md, {@code /auto-top-up}): when credits left drop below
 * {@code threshold}, buy {@code topUpCredits} with the saved card, at most {@code monthlyLimit} times a UTC month.
 * Part of the account's terms: it changes only when an admin saves it, and the account's writes need the threshold
 * to know when credits left cross it.
 */
public record AutoTopUpSettings(boolean enabled, Credits threshold, long topUpCredits, int monthlyLimit) {
    public static final AutoTopUpSettings DEFAULT = new AutoTopUpSettings(false, Credits.whole(5), 20, 3);
    public static final int MAX_MONTHLY_LIMIT = 31;

    public AutoTopUpSettings {
        if (threshold.isNegative() || Credits.LIMIT.isLessThan(threshold)) {
            throw new InvalidInput("thresholdCredits must be between 0 and 1000000");
        }
        if (topUpCredits < 1 || topUpCredits > Pricing.MAX_CREDITS_PER_ORDER) {
            throw new InvalidInput("topUpCredits must be a whole number from 1 to " + Pricing.MAX_CREDITS_PER_ORDER);
        }
        if (monthlyLimit < 1 || monthlyLimit > MAX_MONTHLY_LIMIT) {
            throw new InvalidInput("monthlyLimit must be a whole number from 1 to " + MAX_MONTHLY_LIMIT);
        }
    }

    /** Whether credits left this low call for a top-up: on, and below the threshold. */
    public boolean calledForAt(Credits creditsLeft) {
        return enabled && creditsLeft.isLessThan(threshold);
    }

    /**
     * The credits left on the same side of the threshold as {@code creditsLeft} (any value when off): what a write
     * relies on when it decides whether it crosses the threshold.
     */
    public CreditsRange sideOf(Credits creditsLeft) {
        if (!enabled) {
            return CreditsRange.ANY;
        }
        return creditsLeft.isLessThan(threshold)
                ? CreditsRange.between(java.util.Optional.empty(), java.util.Optional.of(threshold))
                : CreditsRange.between(java.util.Optional.of(threshold), java.util.Optional.empty());
    }
}
