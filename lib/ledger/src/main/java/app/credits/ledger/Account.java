package app.credits.ledger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An org's numbers as of one version. Immutable: every change returns the next version, so the store can
 * write it with a condition on the version it was computed from (no lost updates).
 */
public record Account(
        OrgId org,
        long version,
        long lastSeq,
        Credits balance,
        Credits reserved,
        int invitesPending,
        Credits used,
        Credits lifetimePurchased,
        Plan plan,
        Settings settings,
        List<String> buyerEmails,
        AlertLevel alertNotified,
        Instant updatedAt) {

    /** Buyer emails kept as default recipients, most recent last. */
    public static final int MAX_BUYER_EMAILS = 5;

    public Account {
        buyerEmails = List.copyOf(buyerEmails);
    }

    /** An org that never had a movement: all zeros, standard package. Version 0 means "not stored yet". */
    public static Account open(OrgId org) {
        return new Account(org, 0, 0, Credits.ZERO, Credits.ZERO, 0, Credits.ZERO, Credits.ZERO,
                Plan.DEFAULT, Settings.DEFAULT, List.of(), AlertLevel.NONE, Instant.EPOCH);
    }

    public Credits creditsLeft() {
        return balance.minus(reserved);
    }

    public Credits submissionCost() {
        return plan.creditPackage().submissionCost();
    }

    public boolean submissionsBlocked() {
        return creditsLeft().isLessThan(submissionCost());
    }

    public boolean covers(Credits cost) {
        return !creditsLeft().isLessThan(cost);
    }

    /** Explicit recipients if an admin set them, else the emails of the org's Stripe buyers. */
    public List<String> lowCreditRecipients() {
        return settings.notificationEmails().isEmpty() ? buyerEmails : settings.notificationEmails();
    }

    public AlertLevel alertCalledFor() {
        return AlertLevel.calledFor(creditsLeft(), settings.lowCreditThreshold());
    }

    /** The email the scheduled check owes this org, if any. */
    public Optional<AlertLevel> alertOwed() {
        AlertLevel called = alertCalledFor();
        boolean owed = settings.lowCreditEmails()
                && !lowCreditRecipients().isEmpty()
                && called.compareTo(alertNotified) > 0;
        return owed ? Optional.of(called) : Optional.empty();
    }

    // ---- transitions: each returns the next version ----

    /** A balance movement: the next log sequence number is {@code lastSeq() + 1} of the result. */
    public Account move(EntryType type, Credits credits, Instant at) {
        Credits newUsed = credits.isNegative() ? used.plus(credits.negate()) : used;
        Credits newLifetime = type.countsTowardLifetimePurchased() ? lifetimePurchased.plus(credits) : lifetimePurchased;
        return new Account(org, version, lastSeq + 1, balance.plus(credits), reserved, invitesPending, newUsed,
                newLifetime, plan, settings, buyerEmails, alertNotified, at).rearmed();
    }

    public Account reserve(Credits credits, Instant at) {
        return withReservations(reserved.plus(credits), invitesPending + 1, at);
    }

    public Account release(Credits credits, Instant at) {
        return withReservations(reserved.minus(credits), invitesPending - 1, at);
    }

    public Account withPlan(Plan newPlan, Instant at) {
        return new Account(org, version, lastSeq, balance, reserved, invitesPending, used, lifetimePurchased,
                newPlan, settings, buyerEmails, alertNotified, at).rearmed();
    }

    public Account withSettings(Settings newSettings, Instant at) {
        return new Account(org, version, lastSeq, balance, reserved, invitesPending, used, lifetimePurchased,
                plan, newSettings, buyerEmails, alertNotified, at).rearmed();
    }

    public Account withBuyerEmail(String email, Instant at) {
        if (email == null || buyerEmails.contains(email)) {
            return this;
        }
        List<String> emails = new ArrayList<>(buyerEmails);
        emails.add(email);
        while (emails.size() > MAX_BUYER_EMAILS) {
            emails.removeFirst();
        }
        return new Account(org, version, lastSeq, balance, reserved, invitesPending, used, lifetimePurchased,
                plan, settings, emails, alertNotified, at);
    }

    public Account notified(AlertLevel level, Instant at) {
        return new Account(org, version, lastSeq, balance, reserved, invitesPending, used, lifetimePurchased,
                plan, settings, buyerEmails, level, at);
    }

    private Account withReservations(Credits newReserved, int newPending, Instant at) {
        return new Account(org, version, lastSeq, balance, newReserved, newPending, used, lifetimePurchased,
                plan, settings, buyerEmails, alertNotified, at).rearmed();
    }

    /** Once credits left rise back above a level already told, that level may be told again. */
    private Account rearmed() {
        AlertLevel called = alertCalledFor();
        return called.compareTo(alertNotified) < 0 ? notified(called, updatedAt) : this;
    }
}
