package app.credits.ledger;

import app.credits.ledger.LedgerStore.CommitResult;
import app.credits.ledger.LedgerStore.Fresh;
import app.credits.ledger.LedgerStore.Reads;
import app.credits.ledger.LedgerStore.Snapshot;
import app.credits.ledger.RecordPaymentFact.PaymentView;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The credits ledger: every operation of the contract, as a thin coordinator. Each write reads what its
 * operation needs in one consistent round trip, lets the operation decide (a pure function of what was read
 * and the time), and commits the decision in one transaction conditioned on what it relied on. A commit that
 * finds a premise changed decides again on the fresh items the failure returned; one that met another
 * transaction in flight pauses and tries again. The caller's id makes every write idempotent.
 */
public final class Ledger {
    /** The contract's cap on periods in one usage answer. */
    public static final int MAX_USAGE_PERIODS = 400;
    /**
     * How a write keeps trying on a contended org: for at most {@code budget}, then 503 (safe to retry with the same
     * id); after a TransactionConflict it pauses a random time up to a ceiling that doubles from {@code firstPause}
     * to {@code longestPause} (exponential backoff with full jitter), so that a crowd spreads out instead of
     * colliding again. See docs/PERFORMANCE.md, "A hot org", for the measurements behind the defaults.
     */
    public record RetryPolicy(Duration budget, Duration firstPause, Duration longestPause) {
        /**
         * The functions time out at 15 s and API Gateway at 30 s: a 10 s budget leaves room for the DynamoDB call in
         * flight when it runs out and for the response.
         */
        public static final RetryPolicy DEFAULT = new RetryPolicy(Duration.ofSeconds(10), Duration.ofMillis(2),
                Duration.ofMillis(200));

        public RetryPolicy withBudget(Duration newBudget) {
            return new RetryPolicy(newBudget, firstPause, longestPause);
        }

        long pauseCeilingMillis(int attempt) {
            long ceiling = firstPause.toMillis() << Math.min(attempt - 1, 20);
            return Math.min(longestPause.toMillis(), ceiling);
        }
    }

    private final LedgerStore store;
    private final Clock clock;
    private final RetryPolicy retry;

    public Ledger(LedgerStore store, Clock clock) {
        this(store, clock, RetryPolicy.DEFAULT);
    }

    public Ledger(LedgerStore store, Clock clock, Duration retryBudget) {
        this(store, clock, RetryPolicy.DEFAULT.withBudget(retryBudget));
    }

    public Ledger(LedgerStore store, Clock clock, RetryPolicy retry) {
        this.store = store;
        this.clock = clock;
        this.retry = retry;
    }

    // ---------------------------------------------------------------- reads

    public Account account(OrgId org) {
        return store.read(org, Reads.accountOnly()).account();
    }

    public LogPage log(OrgId org, int limit, Optional<String> cursor) {
        requireLimit(limit);
        return store.log(org, limit, cursor);
    }

    /** The whole log, newest first, a page at a time (the CSV export of a log of any length). */
    public void forEachLogEntry(OrgId org, Consumer<LogEntry> consumer) {
        store.forEachLogEntry(org, consumer);
    }

    /** The whole log in memory, newest first: for small logs and tests. */
    public List<LogEntry> fullLog(OrgId org) {
        List<LogEntry> all = new ArrayList<>();
        store.forEachLogEntry(org, all::add);
        return all;
    }

    public List<UsagePeriod> usage(OrgId org, LocalDate from, LocalDate to, Granularity granularity) {
        if (to.isBefore(from)) {
            throw new InvalidInput("to must not be before from");
        }
        List<String> periods = new ArrayList<>();
        if (granularity == Granularity.DAY) {
            if (ChronoUnit.DAYS.between(from, to) >= MAX_USAGE_PERIODS) {
                throw new InvalidInput("at most " + MAX_USAGE_PERIODS + " periods per request");
            }
            for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
                periods.add(d.toString());
            }
        } else {
            YearMonth first = YearMonth.from(from);
            YearMonth last = YearMonth.from(to);
            if (ChronoUnit.MONTHS.between(first, last) >= MAX_USAGE_PERIODS) {
                throw new InvalidInput("at most " + MAX_USAGE_PERIODS + " periods per request");
            }
            for (YearMonth m = first; !m.isAfter(last); m = m.plusMonths(1)) {
                periods.add(m.toString());
            }
        }
        Map<String, UsagePeriod> stored = new HashMap<>();
        store.usage(org, granularity, periods.getFirst(), periods.getLast()).forEach(p -> stored.put(p.period(), p));
        return periods.stream()
                .map(p -> stored.getOrDefault(p, new UsagePeriod(p, Credits.ZERO, Credits.ZERO)))
                .toList();
    }

    public InvitePage invites(OrgId org, Optional<InviteStatus> status, int limit, Optional<String> cursor) {
        requireLimit(limit);
        return store.invites(org, status, limit, cursor);
    }

    public Reconciliation reconcile(OrgId org) {
        return Reconciler.check(store.everything(org));
    }

    // ---------------------------------------------------------------- writes

    public SubmissionOutcome chargeSubmission(OrgId org, String submissionId, String memberId, Optional<String> inviteId) {
        return chargeSubmission(new ChargeSubmission(org, submissionId, memberId, inviteId, Optional.empty()));
    }

    public SubmissionOutcome chargeSubmission(ChargeSubmission submission) {
        return run("submission " + submission.submissionId() + " for " + submission.org(),
                () -> store.read(submission.org(), submission.reads()), submission::decide);
    }

    public InviteOutcome reserveInvite(OrgId org, String inviteId, String email, Optional<Instant> expiresAt) {
        ReserveInvite reserve = new ReserveInvite(org, inviteId, email, expiresAt);
        return run("invite " + inviteId + " for " + org, () -> store.read(org, reserve.reads()), reserve::decide);
    }

    public ReleaseOutcome revokeInvite(OrgId org, String inviteId) {
        return release(new ReleaseInvite(org, inviteId, InviteStatus.REVOKED));
    }

    /** Releases one invite past its expiry (the scheduled check). */
    public ReleaseOutcome expireInvite(OrgId org, String inviteId) {
        return release(new ReleaseInvite(org, inviteId, InviteStatus.EXPIRED));
    }

    /**
     * Releases invites past their expiry, up to {@code max}, oldest first; each exactly once, however many jobs
     * race. Pages past any it cannot release (resolved meanwhile, or not due after all) instead of stopping there.
     */
    public List<ReleaseOutcome> expireDueInvites(int max) {
        List<ReleaseOutcome> outcomes = new ArrayList<>();
        Instant now = now().truncatedTo(ChronoUnit.MILLIS);
        Optional<String> page = Optional.empty();
        int released = 0;
        do {
            LedgerStore.ExpiredInvites due = store.invitesExpiredBy(now, Math.min(100, max), page);
            for (Invite invite : due.invites()) {
                if (released >= max) {
                    return outcomes;
                }
                ReleaseOutcome outcome = expireInvite(invite.org(), invite.inviteId());
                outcomes.add(outcome);
                if (outcome instanceof ReleaseOutcome.Released) {
                    released++;
                }
            }
            page = due.next();
        } while (page.isPresent() && released < max);
        return outcomes;
    }

    private ReleaseOutcome release(ReleaseInvite release) {
        return run("release " + release.inviteId() + " for " + release.org(),
                () -> store.read(release.org(), release.reads()), release::decide);
    }

    /** A staff correction ({@code ADJUSTMENT}, either sign) or promotional credits ({@code BONUS}, positive). */
    public AdjustmentOutcome adjust(OrgId org, String idempotencyKey, EntryType kind, Credits credits, String reason) {
        AdjustCredits adjust = new AdjustCredits(org, idempotencyKey, kind, credits, reason);
        return run("adjustment " + idempotencyKey + " for " + org, () -> store.read(org, adjust.reads()), adjust::decide);
    }

    public Account updateSettings(OrgId org, Settings settings) {
        return updateSettings(org, current -> settings);
    }

    /** A partial update: {@code change} sees the settings as stored at each attempt, so no concurrent write is lost. */
    public Account updateSettings(OrgId org, UnaryOperator<Settings> change) {
        return changeTerms(new ChangeTerms(org, account -> account.withSettings(change.apply(account.settings()))));
    }

    public Account updatePlan(OrgId org, Plan plan) {
        return changeTerms(new ChangeTerms(org, account -> account.withPlan(plan)));
    }

    /** {@code email} no longer gets this org's low-credit emails, whoever set the recipients. */
    public Account unsubscribe(OrgId org, String email) {
        return changeTerms(new ChangeTerms(org, account -> account.unsubscribed(email)));
    }

    private Account changeTerms(ChangeTerms change) {
        return run("terms of " + change.org(), () -> store.read(change.org(), Reads.accountOnly()), change::decide);
    }

    // ---------------------------------------------------------------- low-credit emails

    public List<Account> accountsOwingAlert(int limit) {
        return accountsOwingAlert(limit, Optional.empty());
    }

    /** The next page of accounts owing an email, in org order, after {@code after}. */
    public List<Account> accountsOwingAlert(int limit, Optional<OrgId> after) {
        return store.accountsOwingAlert(limit, after);
    }

    /**
     * After the email went out: false if the account no longer owes that email (credits moved meanwhile).
     * {@code asSeen} is the account as the index showed it: the commit's conditions check it is still current,
     * so the common case costs one request.
     */
    public boolean markNotified(Account asSeen, AlertLevel level) {
        RecordLowCreditEmail record = new RecordLowCreditEmail(asSeen.org(), level);
        return run("low-credit email for " + asSeen.org(), () -> Snapshot.of(asSeen),
                (snap, fresh) -> Optional.of(snap.refreshedWith(fresh)),
                () -> store.read(asSeen.org(), Reads.accountOnly()), record::decide);
    }

    public boolean markNotified(OrgId org, AlertLevel level) {
        return markNotified(account(org), level);
    }

    // ---------------------------------------------------------------- Stripe payments

    /** Credits a paid Checkout Session exactly once, with any refund or dispute that arrived before it. */
    public PaymentOutcome creditPurchase(CompletedCheckout checkout) {
        CreditPurchase purchase = new CreditPurchase(checkout);
        // Read with the org's auto top-up state: a successful purchase re-arms a paused one in its transaction.
        Supplier<LedgerStore.TopUpSnapshot> read =
                () -> store.readTopUp(checkout.org(), LedgerStore.TopUpReads.state().with(purchase.reads()));
        return run("purchase " + checkout.checkoutSessionId() + " for " + checkout.org(), read,
                (view, fresh) -> Optional.of(view.refreshedWith(fresh)), read, purchase::decide);
    }

    /** {@code amountRefunded} is Stripe's cumulative figure for the charge: replays and old events add nothing. */
    public PaymentOutcome recordRefund(String paymentIntentId, String chargeId, long amountRefunded) {
        return recordPaymentFact(new RecordPaymentFact(paymentIntentId,
                new RecordPaymentFact.Refund(chargeId, amountRefunded)));
    }

    /** One refund's amount and status: a refund that failed or was canceled gives back what it took, once. */
    public PaymentOutcome recordRefundUpdate(String paymentIntentId, String chargeId, String refundId, long amount,
                                             RefundStatus status) {
        return recordPaymentFact(new RecordPaymentFact(paymentIntentId,
                new RecordPaymentFact.RefundUpdate(chargeId, refundId, amount, status)));
    }

    public PaymentOutcome recordDispute(String paymentIntentId, String chargeId, String disputeId, DisputeState state) {
        return recordPaymentFact(new RecordPaymentFact(paymentIntentId,
                new RecordPaymentFact.Dispute(chargeId, disputeId, state)));
    }

    private PaymentOutcome recordPaymentFact(RecordPaymentFact fact) {
        Supplier<PaymentView> read = () -> readPayment(fact.paymentIntentId());
        // The view spans two reads (the facts name the org): after a lost race only a new read is consistent.
        return run("payment " + fact.paymentIntentId(), read, (view, fresh) -> Optional.empty(), read, fact::decide);
    }

    /** Two reads: the facts name the org (if the purchase has arrived), then the org's items. */
    private PaymentView readPayment(String paymentIntentId) {
        PaymentFacts known = store.paymentFacts(paymentIntentId).orElseGet(() -> PaymentFacts.unknown(paymentIntentId));
        if (known.checkoutSessionId().isEmpty() || known.org().isEmpty()) {
            return new PaymentView(known, Optional.empty());
        }
        Snapshot snap = store.read(known.org().get(), Reads.accountOnly().purchase(known.checkoutSessionId().get())
                .payment(Optional.of(paymentIntentId)));
        if (snap.purchase().isEmpty()) {
            throw new IllegalStateException("payment " + paymentIntentId + " names a purchase that is not stored");
        }
        return new PaymentView(snap.payment().orElse(known), Optional.of(snap));
    }

    // ---------------------------------------------------------------- automatic purchases

    /** Auto top-up: its settings, saved card, the scheduled pass's steps and the webhook's payments. */
    public AutoTopUps autoTopUps() {
        return new AutoTopUps(this, store, clock);
    }

    // ---------------------------------------------------------------- the decide-and-commit loop

    private <T> T run(String what, Supplier<Snapshot> read, BiFunction<Snapshot, Instant, Decision<T>> decide) {
        return run(what, read, (snap, fresh) -> Optional.of(snap.refreshedWith(fresh)), read, decide);
    }

    /**
     * Read, decide, commit. The commit's conditions are the decision's premises, so:
     * <ul>
     * <li>a premise that changed ({@code Stale}) returns the current items: decide again on them at once (the
     * first two times; after that the org is busy and a short pause spreads the retries);</li>
     * <li>another transaction on the same items in that instant ({@code Conflicted}, DynamoDB's
     * TransactionConflict) says nothing changed: pause with jitter, decide again on the same view (a new time,
     * hence a new log key), and try again.</li>
     * </ul>
     * Gives up with {@link LedgerBusy} (503, safe to retry with the same id) after the retry budget.
     *
     * @param refresh the view updated with a failed commit's fresh items, or empty when they cannot refresh it
     * @param reread  a new consistent read, when the fresh items are not enough
     */
    <S, T> T run(String what, Supplier<S> read, BiFunction<S, Fresh, Optional<S>> refresh, Supplier<S> reread,
                 BiFunction<S, Instant, Decision<T>> decide) {
        long deadline = System.nanoTime() + retry.budget().toNanos();
        S view = read.get();
        int stale = 0;
        int conflicted = 0;
        while (true) {
            Decision<T> decision = decide.apply(view, now());
            if (decision instanceof Decision.Answer<T>(T outcome)) {
                return outcome;
            }
            Decision.Write<T> write = (Decision.Write<T>) decision;
            CommitResult result = store.commit(write.changes());
            switch (result) {
                case CommitResult.Committed c -> {
                    return write.whenCommitted();
                }
                case CommitResult.RecordTaken taken -> {
                    return write.whenRecordTaken().apply(taken.existing());
                }
                case CommitResult.Stale(Fresh fresh) -> {
                    giveUpAfter(deadline, what, stale + conflicted);
                    if (++stale > 2) {
                        pause(stale - 2, what);
                    }
                    S current = view;
                    view = Optional.of(fresh).filter(Fresh::complete).flatMap(f -> refresh.apply(current, f))
                            .orElseGet(reread);
                }
                case CommitResult.Conflicted c -> {
                    giveUpAfter(deadline, what, stale + conflicted);
                    pause(++conflicted, what);
                }
            }
        }
    }

    private static void giveUpAfter(long deadline, String what, int attempts) {
        if (System.nanoTime() > deadline) {
            throw new LedgerBusy(what + " was contended " + (attempts + 1) + " times in a row; retry with the same id");
        }
    }

    /** A random pause up to the policy's ceiling for this attempt (full jitter). */
    private void pause(int attempt, String what) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(retry.pauseCeilingMillis(attempt) + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LedgerBusy(what + " was interrupted");
        }
    }

    /** The clock's full precision: log keys are microseconds; times shown and stored are milliseconds. */
    private Instant now() {
        return clock.instant();
    }

    private static void requireLimit(int limit) {
        if (limit < 1 || limit > 100) {
            throw new InvalidInput("limit must be from 1 to 100");
        }
    }
}
