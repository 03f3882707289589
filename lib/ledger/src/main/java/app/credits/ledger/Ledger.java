package app.credits.ledger;

import app.credits.ledger.LedgerStore.Commit;
import app.credits.ledger.LedgerStore.CommitResult;
import app.credits.ledger.LedgerStore.Fresh;
import app.credits.ledger.LedgerStore.Reads;
import app.credits.ledger.LedgerStore.Snapshot;
import app.credits.ledger.LedgerStore.Written;

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
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The credits ledger: every operation of the contract. Each write reads what it needs in one consistent
 * round trip, decides with the pure rules of {@link Account}, {@link Invite} and {@link Purchase}, and commits
 * in one transaction conditioned on what it read. A lost race is read again and decided again; the caller's
 * id makes every write idempotent.
 */
public final class Ledger {
    /** The contract's cap on periods in one usage answer. */
    public static final int MAX_USAGE_PERIODS = 400;

    private final LedgerStore store;
    private final Clock clock;
    private final Duration retryBudget;

    public Ledger(LedgerStore store, Clock clock) {
        // Leaves room, inside a function's 15 s timeout, for the DynamoDB call in flight when the budget runs out.
        this(store, clock, Duration.ofSeconds(8));
    }

    public Ledger(LedgerStore store, Clock clock, Duration retryBudget) {
        this.store = store;
        this.clock = clock;
        this.retryBudget = retryBudget;
    }

    // ---------------------------------------------------------------- reads

    public Account account(OrgId org) {
        return store.read(org, Reads.accountOnly()).account();
    }

    public LogPage log(OrgId org, int limit, Optional<String> cursor) {
        requireLimit(limit);
        return store.log(org, limit, cursor);
    }

    /** The whole log, newest first (CSV export). */
    public List<LogEntry> fullLog(OrgId org) {
        List<LogEntry> all = new ArrayList<>();
        Optional<String> cursor = Optional.empty();
        do {
            LogPage page = store.log(org, 100, cursor);
            all.addAll(page.entries());
            cursor = page.nextCursor();
        } while (cursor.isPresent());
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

    // ---------------------------------------------------------------- submissions

    public SubmissionOutcome chargeSubmission(OrgId org, String submissionId, String memberId, Optional<String> inviteId) {
        Ids.require("submissionId", submissionId);
        Ids.require("memberId", memberId);
        inviteId.ifPresent(id -> Ids.require("inviteId", id));
        String markerKey = Marker.submissionKey(submissionId);
        String fingerprint = "member=" + memberId + ";invite=" + inviteId.orElse("");

        return decideAndCommit("submission " + submissionId + " for " + org,
                () -> store.read(org, Reads.accountOnly().marker(markerKey).invite(inviteId)),
                snap -> {
                    if (snap.marker().isPresent()) {
                        return answer(replaySubmission(snap.marker().get(), fingerprint, submissionId));
                    }
                    Instant now = now();
                    Account account = snap.account();
                    Credits cost;
                    Account after;
                    Optional<Written<Invite>> inviteWrite = Optional.empty();
                    if (inviteId.isPresent()) {
                        if (snap.invite().isEmpty()) {
                            return answer(new SubmissionOutcome.InviteNotFound(inviteId.get()));
                        }
                        Invite invite = snap.invite().get();
                        if (!invite.isPending() || invite.isExpiredAt(now)) {
                            InviteStatus status = invite.isPending() ? InviteStatus.EXPIRED : invite.status();
                            return answer(new SubmissionOutcome.InviteNotPending(invite.inviteId(), status));
                        }
                        // The invite held the price of one submission when it was created: that is what is charged.
                        cost = invite.reserved();
                        after = account.release(cost, now).move(EntryType.SUBMISSION, cost.negate(), now);
                        inviteWrite = Optional.of(new Written<>(
                                invite.resolved(InviteStatus.COMPLETED, now, Optional.of(submissionId)), false));
                    } else {
                        cost = account.submissionCost();
                        if (!account.covers(cost)) {
                            return answer(new SubmissionOutcome.InsufficientCredits(account.creditsLeft(), cost));
                        }
                        after = account.move(EntryType.SUBMISSION, cost.negate(), now);
                    }
                    LogEntry entry = new LogEntry(after.lastSeq(), EntryType.SUBMISSION, cost.negate(), after.balance(),
                            now, "Submission by " + memberId + inviteId.map(id -> " (invite " + id + ")").orElse(""),
                            submissionId);
                    var charged = new SubmissionOutcome.Charged(submissionId, cost, after.creditsLeft(), inviteId.isPresent());
                    Marker marker = new Marker(markerKey, fingerprint, Map.of(
                            "creditsCharged", cost.toString(),
                            "creditsLeft", after.creditsLeft().toString(),
                            "fromReservation", Boolean.toString(charged.fromReservation()),
                            "seq", Long.toString(entry.seq())), now);
                    return new Decision.Write<>(new Commit(Optional.of(account), Optional.of(after), List.of(entry),
                            Optional.of(marker), inviteWrite, Optional.empty(), Optional.empty()),
                            charged, taken -> replaySubmission(taken, fingerprint, submissionId));
                });
    }

    private static SubmissionOutcome replaySubmission(Marker marker, String fingerprint, String submissionId) {
        if (!marker.fingerprint().equals(fingerprint)) {
            return new SubmissionOutcome.IdempotencyConflict(submissionId);
        }
        return new SubmissionOutcome.AlreadyCharged(new SubmissionOutcome.Charged(submissionId,
                Credits.parse(marker.result().get("creditsCharged")),
                Credits.parse(marker.result().get("creditsLeft")),
                Boolean.parseBoolean(marker.result().get("fromReservation"))));
    }

    // ---------------------------------------------------------------- invites

    public InviteOutcome reserveInvite(OrgId org, String inviteId, String email, Optional<Instant> expiresAt) {
        Ids.require("inviteId", inviteId);
        Settings.requireEmail("email", email);
        return decideAndCommit("invite " + inviteId + " for " + org,
                () -> store.read(org, Reads.accountOnly().invite(Optional.of(inviteId))),
                snap -> {
                    if (snap.invite().isPresent()) {
                        return answer(replayInvite(snap.invite().get(), email, expiresAt));
                    }
                    Instant now = now();
                    if (expiresAt.isPresent() && !expiresAt.get().isAfter(now)) {
                        throw new InvalidInput("expiresAt must be in the future");
                    }
                    Account account = snap.account();
                    Credits cost = account.submissionCost();
                    if (!account.covers(cost)) {
                        return answer(new InviteOutcome.InsufficientCredits(account.creditsLeft(), cost));
                    }
                    Account after = account.reserve(cost, now);
                    Invite invite = new Invite(org, inviteId, email, InviteStatus.PENDING, cost, now, expiresAt,
                            Optional.empty(), Optional.empty(), after.creditsLeft(), 0);
                    return write(new Commit(Optional.of(account), Optional.of(after), List.of(), Optional.empty(),
                                    Optional.of(new Written<>(invite, true)), Optional.empty(), Optional.empty()),
                            new InviteOutcome.Reserved(invite, after.creditsLeft()));
                });
    }

    private static InviteOutcome replayInvite(Invite existing, String email, Optional<Instant> expiresAt) {
        if (!existing.email().equals(email) || !existing.expiresAt().equals(expiresAt)) {
            return new InviteOutcome.IdempotencyConflict(existing.inviteId());
        }
        Invite asCreated = new Invite(existing.org(), existing.inviteId(), existing.email(), InviteStatus.PENDING,
                existing.reserved(), existing.createdAt(), existing.expiresAt(), Optional.empty(), Optional.empty(),
                existing.creditsLeftWhenReserved(), existing.version());
        return new InviteOutcome.AlreadyReserved(new InviteOutcome.Reserved(asCreated, existing.creditsLeftWhenReserved()));
    }

    public ReleaseOutcome revokeInvite(OrgId org, String inviteId) {
        Ids.require("inviteId", inviteId);
        return release(org, inviteId, InviteStatus.REVOKED);
    }

    /** Releases one invite past its expiry (the scheduled check). */
    public ReleaseOutcome expireInvite(OrgId org, String inviteId) {
        return release(org, inviteId, InviteStatus.EXPIRED);
    }

    /** Releases every invite past its expiry, up to {@code max}; each exactly once, however many jobs race. */
    public List<ReleaseOutcome> expireDueInvites(int max) {
        return store.invitesExpiredBy(now(), max).stream()
                .map(invite -> expireInvite(invite.org(), invite.inviteId()))
                .toList();
    }

    private ReleaseOutcome release(OrgId org, String inviteId, InviteStatus finalStatus) {
        return decideAndCommit("release " + inviteId + " for " + org,
                () -> store.read(org, Reads.accountOnly().invite(Optional.of(inviteId))),
                snap -> {
                    if (snap.invite().isEmpty()) {
                        return answer(new ReleaseOutcome.InviteNotFound(inviteId));
                    }
                    Invite invite = snap.invite().get();
                    Account account = snap.account();
                    if (invite.status() == finalStatus) {
                        return answer(new ReleaseOutcome.AlreadyReleased(invite, account.creditsLeft()));
                    }
                    if (!invite.isPending()) {
                        return answer(new ReleaseOutcome.InviteNotPending(inviteId, invite.status()));
                    }
                    Instant now = now();
                    if (finalStatus == InviteStatus.EXPIRED && !invite.isExpiredAt(now)) {
                        return answer(new ReleaseOutcome.NotDue(inviteId));
                    }
                    Account after = account.release(invite.reserved(), now);
                    Invite released = invite.resolved(finalStatus, now, Optional.empty());
                    return write(new Commit(Optional.of(account), Optional.of(after), List.of(), Optional.empty(),
                                    Optional.of(new Written<>(released, false)), Optional.empty(), Optional.empty()),
                            new ReleaseOutcome.Released(released, after.creditsLeft()));
                });
    }

    // ---------------------------------------------------------------- adjustments

    /** A staff correction ({@code ADJUSTMENT}, either sign) or promotional credits ({@code BONUS}, positive). */
    public AdjustmentOutcome adjust(OrgId org, String idempotencyKey, EntryType kind, Credits credits, String reason) {
        Ids.require("Idempotency-Key", idempotencyKey);
        if (kind != EntryType.ADJUSTMENT && kind != EntryType.BONUS) {
            throw new InvalidInput("kind must be \"adjustment\" or \"bonus\"");
        }
        if (credits.isZero()) {
            throw new InvalidInput("credits must not be zero");
        }
        if (kind == EntryType.BONUS && credits.isNegative()) {
            throw new InvalidInput("bonus credits must be positive");
        }
        if (reason == null || reason.isBlank() || reason.length() > 500) {
            throw new InvalidInput("reason must be 1-500 characters");
        }
        String markerKey = Marker.adjustmentKey(idempotencyKey);
        String fingerprint = "kind=" + kind.wireName() + ";credits=" + credits + ";reason=" + reason;
        return decideAndCommit("adjustment " + idempotencyKey + " for " + org,
                () -> store.read(org, Reads.accountOnly().marker(markerKey)),
                snap -> {
                    if (snap.marker().isPresent()) {
                        return answer(replayAdjustment(snap.marker().get(), fingerprint, idempotencyKey));
                    }
                    Account account = snap.account();
                    if (credits.isNegative() && !account.covers(credits.negate())) {
                        return answer(new AdjustmentOutcome.InsufficientCredits(account.creditsLeft(), credits));
                    }
                    Instant now = now();
                    Account after = account.move(kind, credits, now);
                    LogEntry entry = new LogEntry(after.lastSeq(), kind, credits, after.balance(), now, reason, idempotencyKey);
                    var adjusted = new AdjustmentOutcome.Adjusted(idempotencyKey, credits, after.balance(), after.creditsLeft());
                    Marker marker = new Marker(markerKey, fingerprint, Map.of("credits", credits.toString(),
                            "balance", after.balance().toString(), "creditsLeft", after.creditsLeft().toString()), now);
                    return new Decision.Write<>(new Commit(Optional.of(account), Optional.of(after), List.of(entry),
                            Optional.of(marker), Optional.empty(), Optional.empty(), Optional.empty()),
                            adjusted, taken -> replayAdjustment(taken, fingerprint, idempotencyKey));
                });
    }

    private static AdjustmentOutcome replayAdjustment(Marker marker, String fingerprint, String key) {
        if (!marker.fingerprint().equals(fingerprint)) {
            return new AdjustmentOutcome.IdempotencyConflict(key);
        }
        return new AdjustmentOutcome.AlreadyAdjusted(new AdjustmentOutcome.Adjusted(key,
                Credits.parse(marker.result().get("credits")), Credits.parse(marker.result().get("balance")),
                Credits.parse(marker.result().get("creditsLeft"))));
    }

    // ---------------------------------------------------------------- settings and plan

    public Account updateSettings(OrgId org, Settings settings) {
        return updateSettings(org, current -> settings);
    }

    /** A partial update: {@code change} sees the settings as stored at each attempt, so no concurrent write is lost. */
    public Account updateSettings(OrgId org, java.util.function.UnaryOperator<Settings> change) {
        return updateAccount(org, (account, now) -> account.withSettings(change.apply(account.settings()), now));
    }

    public Account updatePlan(OrgId org, Plan plan) {
        return updateAccount(org, (account, now) -> account.withPlan(plan, now));
    }

    private Account updateAccount(OrgId org, java.util.function.BiFunction<Account, Instant, Account> change) {
        return decideAndCommit("account update for " + org,
                () -> store.read(org, Reads.accountOnly()),
                snap -> {
                    Account after = change.apply(snap.account(), now());
                    return write(new Commit(Optional.of(snap.account()), Optional.of(after), List.of(),
                            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()), after);
                });
    }

    // ---------------------------------------------------------------- low-credit emails

    public List<Account> accountsOwingAlert(int limit) {
        return accountsOwingAlert(limit, Optional.empty());
    }

    /** The next page of accounts owing an email, in org order, after {@code after}. */
    public List<Account> accountsOwingAlert(int limit, Optional<OrgId> after) {
        return store.accountsOwingAlert(limit, after);
    }

    /** After the email went out: false if the account no longer owes that email (credits moved meanwhile). */
    public boolean markNotified(OrgId org, AlertLevel level) {
        return store.markNotified(org, level, now());
    }

    // ---------------------------------------------------------------- Stripe payments

    /** Credits a paid Checkout Session exactly once, with any refund or dispute that arrived before it. */
    public PaymentOutcome creditPurchase(CompletedCheckout checkout) {
        OrgId org = checkout.org();
        String session = checkout.checkoutSessionId();
        return decideAndCommit("purchase " + session + " for " + org,
                () -> store.read(org, Reads.accountOnly().purchase(session).payment(checkout.paymentIntentId())),
                snap -> {
                    if (snap.purchase().isPresent()) {
                        Purchase existing = snap.purchase().get();
                        return answer(existing.credits() == checkout.credits()
                                ? new PaymentOutcome.AlreadyApplied(org)
                                : new PaymentOutcome.Conflict(session, "already credited with " + existing.credits() + " credits"));
                    }
                    if (snap.sessionOwner().isPresent() && !snap.sessionOwner().get().equals(org)) {
                        return answer(new PaymentOutcome.Conflict(session, "already credited to another org"));
                    }
                    PaymentFacts facts = snap.payment()
                            .orElseGet(() -> PaymentFacts.unknown(checkout.paymentIntentId().orElse(session)));
                    if (facts.checkoutSessionId().isPresent() && !facts.checkoutSessionId().get().equals(session)) {
                        return answer(new PaymentOutcome.Conflict(session,
                                "payment belongs to session " + facts.checkoutSessionId().get()));
                    }
                    if (facts.org().isPresent() && !facts.org().get().equals(org)) {
                        return answer(new PaymentOutcome.Conflict(session, "payment belongs to another org"));
                    }
                    Instant now = now();
                    Purchase purchase = new Purchase(org, session, checkout.credits(), checkout.amountPaid(),
                            checkout.paymentIntentId(), checkout.buyerEmail(), now, 0, Credits.ZERO, DisputeState.NONE,
                            Credits.ZERO, 0);
                    Account account = snap.account();
                    List<Purchase.Movement> movements = new ArrayList<>();
                    movements.add(new Purchase.Movement(EntryType.PURCHASE, purchase.creditsBought(), session,
                            "Purchase of " + checkout.credits() + " credits"));
                    // Refunds or disputes that arrived before this event are applied with it.
                    Purchase.Settlement settlement = purchase.settle(facts);
                    movements.addAll(settlement.movements());
                    Applied applied = apply(account.withBuyerEmail(checkout.buyerEmail().orElse(null), now), movements, now);
                    Optional<Written<PaymentFacts>> paymentWrite = checkout.paymentIntentId()
                            .map(pi -> new Written<>(facts.withPurchase(org, session), facts.version() == 0));
                    return write(new Commit(Optional.of(account), Optional.of(applied.account()), applied.entries(),
                                    Optional.empty(), Optional.empty(),
                                    Optional.of(new Written<>(settlement.purchase(), true)), paymentWrite),
                            new PaymentOutcome.Applied(org, applied.entries(), applied.account().balance()));
                });
    }

    /** {@code amountRefunded} is Stripe's cumulative figure for the charge: replays and old events add nothing. */
    public PaymentOutcome recordRefund(String paymentIntentId, String chargeId, long amountRefunded) {
        Ids.require("payment_intent", paymentIntentId);
        Ids.require("charge", chargeId);
        return recordPaymentFact(paymentIntentId, facts -> facts.withRefund(chargeId, amountRefunded));
    }

    public PaymentOutcome recordDispute(String paymentIntentId, String chargeId, String disputeId, DisputeState state) {
        Ids.require("payment_intent", paymentIntentId);
        Ids.require("charge", chargeId);
        Ids.require("dispute", disputeId);
        return recordPaymentFact(paymentIntentId, facts -> facts.withDispute(chargeId, disputeId, state));
    }

    private PaymentOutcome recordPaymentFact(String paymentIntentId, java.util.function.UnaryOperator<PaymentFacts> learn) {
        return decideAndCommit("payment " + paymentIntentId, () -> readPayment(paymentIntentId),
                (view, fresh) -> Optional.empty(), view -> {
            PaymentFacts known = view.facts();
            PaymentFacts learned = learn.apply(known);
            boolean isNew = known.version() == 0;
            if (view.purchase().isEmpty()) {
                // The purchase has not arrived: keep the fact; crediting the purchase will apply it.
                if (learned.equals(known) && !isNew) {
                    return answer(new PaymentOutcome.RecordedForLater(paymentIntentId));
                }
                return write(new Commit(Optional.empty(), Optional.empty(), List.of(), Optional.empty(),
                                Optional.empty(), Optional.empty(), Optional.of(new Written<>(learned, isNew))),
                        new PaymentOutcome.RecordedForLater(paymentIntentId));
            }
            Snapshot snap = view.purchase().get();
            Purchase purchase = snap.purchase().orElseThrow();
            OrgId org = purchase.org();
            Purchase.Settlement settlement = purchase.settle(learned);
            if (settlement.purchase().equals(purchase) && learned.equals(known)) {
                return answer(new PaymentOutcome.AlreadyApplied(org));
            }
            Applied applied = apply(snap.account(), settlement.movements(), now());
            return write(new Commit(Optional.of(snap.account()), Optional.of(applied.account()), applied.entries(),
                            Optional.empty(), Optional.empty(), Optional.of(new Written<>(settlement.purchase(), false)),
                            Optional.of(new Written<>(learned, false))),
                    applied.entries().isEmpty()
                            ? new PaymentOutcome.AlreadyApplied(org)
                            : new PaymentOutcome.Applied(org, applied.entries(), applied.account().balance()));
        });
    }

    /** A payment's facts and, once its purchase has arrived, the org's items that purchase lives with. */
    private record PaymentView(PaymentFacts facts, Optional<Snapshot> purchase) {
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

    private record Applied(Account account, List<LogEntry> entries) {
    }

    private static Applied apply(Account account, List<Purchase.Movement> movements, Instant now) {
        List<LogEntry> entries = new ArrayList<>();
        Account current = account;
        for (Purchase.Movement m : movements) {
            current = current.move(m.type(), m.credits(), now);
            entries.add(new LogEntry(current.lastSeq(), m.type(), m.credits(), current.balance(), now,
                    m.description(), m.reference()));
        }
        return new Applied(current, entries);
    }

    // ---------------------------------------------------------------- plumbing

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private static void requireLimit(int limit) {
        if (limit < 1 || limit > 100) {
            throw new InvalidInput("limit must be from 1 to 100");
        }
    }

    /** What an operation decided from a snapshot: an answer without writing, or one atomic write. */
    private sealed interface Decision<T> {
        record Answer<T>(T outcome) implements Decision<T> {
        }

        /** {@code whenMarkerTaken}: the idempotency id was used meanwhile; answer from what it holds. */
        record Write<T>(Commit commit, T whenCommitted, Function<Marker, T> whenMarkerTaken) implements Decision<T> {
        }
    }

    private static <T> Decision<T> answer(T outcome) {
        return new Decision.Answer<>(outcome);
    }

    private static <T> Decision<T> write(Commit commit, T whenCommitted) {
        return new Decision.Write<>(commit, whenCommitted, marker -> {
            throw new IllegalStateException("a commit without a marker reported its marker taken");
        });
    }

    /**
     * Optimistic concurrency: read, decide, commit on the condition that nothing read has changed. A lost race
     * returns the winner's items, so the next decision needs no new read; jittered backoff keeps a hot org from
     * stampeding. Gives up with {@link LedgerBusy} (503, safe to retry) after the retry budget.
     */
    private <T> T decideAndCommit(String what, Supplier<Snapshot> read, Function<Snapshot, Decision<T>> decide) {
        return decideAndCommit(what, read, (snap, fresh) -> Optional.of(snap.refreshedWith(fresh)), decide);
    }

    /**
     * @param refresh the view updated with a lost race's items, or empty when they cannot refresh it (read again)
     */
    private <S, T> T decideAndCommit(String what, Supplier<S> read, BiFunction<S, Fresh, Optional<S>> refresh,
                                     Function<S, Decision<T>> decide) {
        long deadline = System.nanoTime() + retryBudget.toNanos();
        S view = read.get();
        for (int round = 0; ; round++) {
            Decision<T> decision = decide.apply(view);
            if (decision instanceof Decision.Answer<T>(T outcome)) {
                return outcome;
            }
            Decision.Write<T> write = (Decision.Write<T>) decision;
            switch (store.commit(write.commit())) {
                case CommitResult.Committed c -> {
                    return write.whenCommitted();
                }
                case CommitResult.MarkerTaken taken -> {
                    return write.whenMarkerTaken().apply(taken.existing());
                }
                case CommitResult.Contended contended -> {
                    if (System.nanoTime() > deadline) {
                        throw new LedgerBusy(what + " lost " + (round + 1) + " races in a row; retry with the same id");
                    }
                    // After the first lost race the winner's items are current: decide again at once on them (the
                    // common case, two writers colliding, costs one more request, not two). A caller that keeps
                    // losing is in a crowd: it backs off, and after a pause only a new read is current.
                    S current = view;
                    Optional<S> refreshed = round > 0 ? Optional.empty()
                            : Optional.of(contended.fresh()).filter(Fresh::complete)
                                    .flatMap(fresh -> refresh.apply(current, fresh));
                    if (refreshed.isEmpty()) {
                        backoff(round, what);
                    }
                    view = refreshed.orElseGet(read);
                }
            }
        }
    }

    private static void backoff(int attempt, String what) {
        // Exponential backoff with full jitter: under heavy contention the losers spread out instead of
        // re-colliding, so commits keep flowing (capped so one caller's wait stays well within the budget).
        int ceilingMillis = Math.min(1_000, 5 << Math.min(attempt, 8));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextInt(ceilingMillis + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LedgerBusy(what + " was interrupted");
        }
    }
}
