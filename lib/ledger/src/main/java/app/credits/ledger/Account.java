package app.credits.ledger;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An org's numbers and terms as of one read. Immutable: a transition returns the account after it.
 * <p>
 * The numbers (balance, reserved, used, ...) are stored as counters that commits add to, so concurrent commits
 * don't invalidate each other; what a decision relied on is checked instead (see {@link #premiseFor}). The terms
 * (plan, settings, alert state) change rarely and as a whole: {@code termsVersion} counts their changes, 0 meaning
 * the account was never stored.
 */
public record Account(
        OrgId org,
        long termsVersion,
        long entryCount,
        EntryKey lastEntryKey,
        Credits balance,
        Credits reserved,
        int invitesPending,
        Credits used,
        Credits lifetimePurchased,
        Terms terms) {

    /** Buyer emails kept as default recipients, most recent last. */
    public static final int MAX_BUYER_EMAILS = 5;
    /**
     * The most credits an org's balance and lifetime purchases may reach (either sign): far beyond any real org,
     * and far within exact arithmetic (hundredths in a long reach 9.2 x 10^16 credits). See docs/ledger.md.
     */
    public static final Credits MAX_HELD = Credits.whole(1_000_000_000_000L);
    /** Low-credit emails an org gets in one UTC day, whatever happens (docs/api.md, settings). */
    public static final int MAX_ALERTS_PER_DAY = 3;

    /**
     * What only changes as a whole: the plan staff set, the settings admins set, who bought, and where the
     * low-credit emails stand (the last level told, how many went out on which day, who unsubscribed).
     */
    public record Terms(Plan plan, Settings settings, List<String> buyerEmails, AlertLevel alertNotified,
                        Optional<LocalDate> alertsDay, int alertsThatDay, List<String> unsubscribed,
                        AutoTopUpSettings autoTopUp) {
        public static final Terms DEFAULT = new Terms(Plan.DEFAULT, Settings.DEFAULT, List.of(), AlertLevel.NONE,
                Optional.empty(), 0, List.of(), AutoTopUpSettings.DEFAULT);

        public Terms {
            buyerEmails = List.copyOf(buyerEmails);
            unsubscribed = List.copyOf(unsubscribed);
            if (alertsThatDay < 0 || alertsThatDay > 0 && alertsDay.isEmpty()) {
                throw new IllegalArgumentException("alerts counted without a day");
            }
        }

        Terms withPlan(Plan p) {
            return new Terms(p, settings, buyerEmails, alertNotified, alertsDay, alertsThatDay, unsubscribed, autoTopUp);
        }

        Terms withSettings(Settings s) {
            return new Terms(plan, s, buyerEmails, alertNotified, alertsDay, alertsThatDay, unsubscribed, autoTopUp);
        }

        Terms withBuyerEmails(List<String> emails) {
            return new Terms(plan, settings, emails, alertNotified, alertsDay, alertsThatDay, unsubscribed, autoTopUp);
        }

        Terms withAlertNotified(AlertLevel level) {
            return new Terms(plan, settings, buyerEmails, level, alertsDay, alertsThatDay, unsubscribed, autoTopUp);
        }

        Terms withAlertSent(AlertLevel level, LocalDate day) {
            int sameDay = alertsDay.filter(day::equals).isPresent() ? alertsThatDay : 0;
            return new Terms(plan, settings, buyerEmails, level, Optional.of(day), sameDay + 1, unsubscribed, autoTopUp);
        }

        Terms withUnsubscribed(List<String> emails) {
            return new Terms(plan, settings, buyerEmails, alertNotified, alertsDay, alertsThatDay, emails, autoTopUp);
        }

        Terms withAutoTopUp(AutoTopUpSettings a) {
            return new Terms(plan, settings, buyerEmails, alertNotified, alertsDay, alertsThatDay, unsubscribed, a);
        }
    }

    public Account {
        if (reserved.isNegative() || invitesPending < 0) {
            throw new IllegalStateException(org + ": reserved " + reserved + " for " + invitesPending
                    + " invites is impossible; a reservation was released twice");
        }
        if (entryCount < 0 || termsVersion < 0 || used.isNegative()) {
            throw new IllegalStateException(org + ": counters below zero");
        }
    }

    /** An org that never had a movement: all zeros, standard package, never stored. */
    public static Account open(OrgId org) {
        return new Account(org, 0, 0, EntryKey.NONE, Credits.ZERO, Credits.ZERO, 0, Credits.ZERO, Credits.ZERO,
                Terms.DEFAULT);
    }

    public boolean isStored() {
        return termsVersion > 0;
    }

    /** This account as stored with its terms at {@code version} (the store's view of a committed change). */
    public Account atTermsVersion(long version) {
        return new Account(org, version, entryCount, lastEntryKey, balance, reserved, invitesPending, used,
                lifetimePurchased, terms);
    }

    public Plan plan() {
        return terms.plan();
    }

    public Settings settings() {
        return terms.settings();
    }

    public List<String> buyerEmails() {
        return terms.buyerEmails();
    }

    public AlertLevel alertNotified() {
        return terms.alertNotified();
    }

    public AutoTopUpSettings autoTopUp() {
        return terms.autoTopUp();
    }

    /** Whether credits left call for an automatic purchase now (on, and below its threshold). */
    public boolean callsForTopUp() {
        return autoTopUp().calledForAt(creditsLeft());
    }

    public Credits creditsLeft() {
        return balance.minus(reserved);
    }

    public Credits submissionCost() {
        return plan().creditPackage().submissionCost();
    }

    public boolean submissionsBlocked() {
        return creditsLeft().isLessThan(submissionCost());
    }

    public boolean covers(Credits cost) {
        return !creditsLeft().isLessThan(cost);
    }

    /** Explicit recipients if an admin set them, else the emails of the org's Stripe buyers; never who unsubscribed. */
    public List<String> lowCreditRecipients() {
        List<String> chosen = settings().notificationEmails().isEmpty() ? buyerEmails() : settings().notificationEmails();
        return chosen.stream().filter(email -> !terms.unsubscribed().contains(email)).toList();
    }

    public AlertLevel alertCalledFor() {
        return AlertLevel.calledFor(creditsLeft(), settings().lowCreditThreshold());
    }

    /** The email the scheduled check owes this org, if any (the daily cap is the sender's to apply: see {@link #mayEmailOn}). */
    public Optional<AlertLevel> alertOwed() {
        AlertLevel called = alertCalledFor();
        boolean owed = settings().lowCreditEmails()
                && !lowCreditRecipients().isEmpty()
                && called.compareTo(alertNotified()) > 0;
        return owed ? Optional.of(called) : Optional.empty();
    }

    /** Whether another low-credit email may go out on {@code day} (UTC) under the daily cap. */
    public boolean mayEmailOn(LocalDate day) {
        return terms.alertsDay().filter(day::equals).isEmpty() || terms.alertsThatDay() < MAX_ALERTS_PER_DAY;
    }

    /** Whether another low-credit email may go out at {@code at}: its UTC day, as {@link #notified} counts it. */
    public boolean mayEmailAt(Instant at) {
        return mayEmailOn(LocalDate.ofInstant(at, ZoneOffset.UTC));
    }

    // ---- transitions: each returns the account after it ----

    /** A balance movement: the entry it writes gets {@code lastEntryKey()} of the result. */
    public Account move(EntryType type, Credits credits, Instant at) {
        Credits newUsed = credits.isNegative() ? used.plus(credits.negate()) : used;
        Credits newLifetime = type.countsTowardLifetimePurchased() ? lifetimePurchased.plus(credits) : lifetimePurchased;
        Credits newBalance = balance.plus(credits);
        if (MAX_HELD.isLessThan(newBalance.abs()) || MAX_HELD.isLessThan(newLifetime.abs())) {
            throw new InvalidInput("this would take the org past " + MAX_HELD + " credits, the most the ledger holds");
        }
        Account after = new Account(org, termsVersion, entryCount + 1, EntryKey.after(lastEntryKey, at),
                newBalance, reserved, invitesPending, newUsed, newLifetime, terms);
        return credits.isPositive() ? after.rearmed() : after;
    }

    /** Several movements in order (a purchase may bring refunds that arrived before it), and their entries. */
    public Moved moveAll(List<Purchase.Movement> movements, Instant at) {
        Account current = this;
        List<NewEntry> entries = new ArrayList<>();
        for (Purchase.Movement m : movements) {
            current = current.move(m.type(), m.credits(), at);
            entries.add(new NewEntry(current.lastEntryKey(), m.type(), m.credits(), m.description(), m.reference()));
        }
        return new Moved(current, entries);
    }

    /** The account after some movements, and the entries they append. */
    public record Moved(Account account, List<NewEntry> entries) {
        public Moved {
            entries = List.copyOf(entries);
        }
    }

    public Account reserve(Credits credits) {
        requirePositive(credits);
        return new Account(org, termsVersion, entryCount, lastEntryKey, balance, reserved.plus(credits),
                invitesPending + 1, used, lifetimePurchased, terms);
    }

    /** Ends one reservation (the constructor refuses a second release of the same credits). */
    public Account release(Credits credits) {
        requirePositive(credits);
        return new Account(org, termsVersion, entryCount, lastEntryKey, balance, reserved.minus(credits),
                invitesPending - 1, used, lifetimePurchased, terms).rearmed();
    }

    /**
     * A submission paid from an invite's reservation: the reservation ends and the balance pays it, so credits
     * left do not move (and nothing is re-armed by the release in between).
     */
    public Account spendReservation(Credits credits, Instant at) {
        requirePositive(credits);
        return new Account(org, termsVersion, entryCount + 1, EntryKey.after(lastEntryKey, at),
                balance.minus(credits), reserved.minus(credits), invitesPending - 1, used.plus(credits),
                lifetimePurchased, terms);
    }

    /** A new plan; like any change of terms, it never re-arms a low-credit email already sent. */
    public Account withPlan(Plan newPlan) {
        return withTerms(terms.withPlan(newPlan));
    }

    /** New settings; they never re-arm the email for the current crossing (only credits rising do). */
    public Account withSettings(Settings newSettings) {
        return withTerms(terms.withSettings(newSettings));
    }

    /** New auto top-up settings (saved by an admin; whether a card is saved is the caller's to check). */
    public Account withAutoTopUp(AutoTopUpSettings settings) {
        return withTerms(terms.withAutoTopUp(settings));
    }

    public Account withBuyerEmail(String email) {
        if (email == null || buyerEmails().contains(email)) {
            return this;
        }
        List<String> emails = new ArrayList<>(buyerEmails());
        emails.add(email);
        while (emails.size() > MAX_BUYER_EMAILS) {
            emails.removeFirst();
        }
        return withTerms(terms.withBuyerEmails(emails));
    }

    /** {@code level} was emailed at {@code at}: counted against that day's cap. */
    public Account notified(AlertLevel level, Instant at) {
        return withTerms(terms.withAlertSent(level, LocalDate.ofInstant(at, ZoneOffset.UTC)));
    }

    /** {@code email} asked for no more low-credit emails: it stays out of the recipients whoever set them. */
    public Account unsubscribed(String email) {
        if (terms.unsubscribed().contains(email)) {
            return this;
        }
        List<String> emails = new ArrayList<>(terms.unsubscribed());
        emails.add(email);
        return withTerms(terms.withUnsubscribed(emails));
    }

    private Account withTerms(Terms newTerms) {
        return new Account(org, termsVersion, entryCount, lastEntryKey, balance, reserved, invitesPending, used,
                lifetimePurchased, newTerms);
    }

    /** Once credits left rise back above a level already told, that level may be told again. */
    private Account rearmed() {
        AlertLevel called = alertCalledFor();
        return called.compareTo(alertNotified()) < 0 ? withTerms(terms.withAlertNotified(called)) : this;
    }

    // ---- what a decision relied on ----

    /**
     * The values of this account's credits left for which deciding {@code after} from it stays right: the
     * low-credit level {@code after} calls for must not change (it decides the alert index and a re-arm), nor the
     * side of the auto top-up threshold before and after (it decides whether a top-up is armed), and, when the
     * decision needed credits left to cover {@code cost}, that too.
     */
    public CreditsRange premiseFor(Account after, Optional<Credits> mustCover) {
        Credits shift = creditsLeft().minus(after.creditsLeft());
        CreditsRange sameAlert = AlertLevel.rangeCalling(after.alertCalledFor(), after.settings().lowCreditThreshold())
                .shiftedBy(shift);
        // Whether this write crosses below the auto top-up threshold (and so arms a top-up) depends on the side of
        // it that credits left are on before and after.
        CreditsRange premise = sameAlert.intersect(autoTopUp().sideOf(creditsLeft()))
                .intersect(after.autoTopUp().sideOf(after.creditsLeft()).shiftedBy(shift));
        return mustCover.map(premise::atLeast).orElse(premise);
    }

    private static void requirePositive(Credits credits) {
        if (!credits.isPositive()) {
            throw new IllegalArgumentException("a reservation holds a positive amount, not " + credits);
        }
    }
}
