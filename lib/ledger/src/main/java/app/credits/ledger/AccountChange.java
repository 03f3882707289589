package app.credits.ledger;

import java.util.Optional;

/**
 * How a decision changes an org's account: {@code before} is what it decided on, {@code after} what it computed,
 * {@code premise} the credits left the decision holds for. The store adds the difference of the numbers (so
 * concurrent changes add up instead of overwriting each other), replaces the terms when they changed, and makes
 * the write conditional on the terms still being at {@link #expectedTermsVersion()} and credits left being in the
 * premise.
 */
public record AccountChange(Account before, Account after, CreditsRange premise) {

    public AccountChange {
        if (!before.org().equals(after.org())) {
            throw new IllegalArgumentException("an account change stays within one org");
        }
        if (before.termsVersion() != after.termsVersion()) {
            throw new IllegalArgumentException("the terms version is the store's to advance, from expectedTermsVersion");
        }
    }

    /** The change from {@code before} to {@code after}, which needed credits left to cover {@code mustCover}. */
    public static AccountChange of(Account before, Account after, Optional<Credits> mustCover) {
        return new AccountChange(before, after, before.premiseFor(after, mustCover));
    }

    public static AccountChange of(Account before, Account after) {
        return of(before, after, Optional.empty());
    }

    public OrgId org() {
        return before.org();
    }

    /** The terms version the stored account must still have (0: it must not exist yet). */
    public long expectedTermsVersion() {
        return before.termsVersion();
    }

    /** The first write of an account stores its terms; later ones only when they changed. */
    public boolean termsChanged() {
        return !before.isStored() || !before.terms().equals(after.terms());
    }

    public long newTermsVersion() {
        return termsChanged() ? before.termsVersion() + 1 : before.termsVersion();
    }

    /**
     * Whether this change makes credits left call for an automatic purchase when they did not (they drop below the
     * threshold, or auto top-up is turned on or its threshold raised above them): a new crossing, which arms one
     * top-up (see {@link AutoTopUp#armedAtOnce}).
     */
    public boolean crossesIntoTopUp() {
        return !before.callsForTopUp() && after.callsForTopUp();
    }

    /** Nothing to write: the decision only relies on the account (its premise is checked, the item is untouched). */
    public boolean writesNothing() {
        return before.isStored() && !termsChanged() && balanceDelta().isZero() && reservedDelta().isZero()
                && invitesPendingDelta() == 0 && usedDelta().isZero() && lifetimePurchasedDelta().isZero()
                && entryCountDelta() == 0 && before.alertOwed().equals(after.alertOwed());
    }

    public Credits balanceDelta() {
        return after.balance().minus(before.balance());
    }

    public Credits reservedDelta() {
        return after.reserved().minus(before.reserved());
    }

    public Credits creditsLeftDelta() {
        return after.creditsLeft().minus(before.creditsLeft());
    }

    public int invitesPendingDelta() {
        return after.invitesPending() - before.invitesPending();
    }

    public Credits usedDelta() {
        return after.used().minus(before.used());
    }

    public Credits lifetimePurchasedDelta() {
        return after.lifetimePurchased().minus(before.lifetimePurchased());
    }

    public long entryCountDelta() {
        return after.entryCount() - before.entryCount();
    }
}
