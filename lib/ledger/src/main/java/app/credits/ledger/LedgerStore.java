package app.credits.ledger;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where the ledger keeps its items. The only implementation is DynamoDB ({@code dynamo.DynamoLedgerStore});
 * this seam keeps AWS types out of the domain, not a place for test doubles.
 */
public interface LedgerStore {

    /** What one operation needs to read, all in one consistent round trip. */
    record Reads(Optional<String> recordKey, Optional<String> inviteId, Optional<String> checkoutSessionId,
                 Optional<String> paymentIntentId) {
        public static Reads accountOnly() {
            return new Reads(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        }

        public Reads record(String key) {
            return new Reads(Optional.of(key), inviteId, checkoutSessionId, paymentIntentId);
        }

        public Reads invite(Optional<String> id) {
            return new Reads(recordKey, id, checkoutSessionId, paymentIntentId);
        }

        public Reads purchase(String sessionId) {
            return new Reads(recordKey, inviteId, Optional.of(sessionId), paymentIntentId);
        }

        public Reads payment(Optional<String> intentId) {
            return new Reads(recordKey, inviteId, checkoutSessionId, intentId);
        }
    }

    /**
     * The org's account (an unopened one if never written) and whatever else was asked for. When a Checkout
     * Session was asked for, {@code sessionOwner} is the org it was credited to, whichever org that is: a session
     * is credited once across all orgs, not once per org.
     */
    record Snapshot(Account account, Optional<IdempotencyRecord> record, Optional<Invite> invite,
                    Optional<Purchase> purchase, Optional<PaymentFacts> payment, Optional<OrgId> sessionOwner) {

        public static Snapshot of(Account account) {
            return new Snapshot(account, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty());
        }

        /** This snapshot with the items a failed commit returned: a consistent view as of that commit. */
        public Snapshot refreshedWith(Fresh fresh) {
            return new Snapshot(fresh.account().orElse(account), record, fresh.invite().or(() -> invite),
                    fresh.purchase().or(() -> purchase), fresh.payment().or(() -> payment),
                    fresh.sessionOwner().or(() -> sessionOwner));
        }
    }

    /**
     * The current versions of the items whose conditions failed (DynamoDB returns them with
     * ReturnValuesOnConditionCheckFailure). {@code complete} is false when a failure came without its item:
     * then only a new read tells the truth.
     */
    record Fresh(Optional<Account> account, Optional<Invite> invite, Optional<Purchase> purchase,
                 Optional<PaymentFacts> payment, Optional<OrgId> sessionOwner, boolean complete) {
    }

    sealed interface CommitResult {
        record Committed() implements CommitResult {
        }

        /** Something the decision relied on has changed: decide again on the fresh items (or a new read). */
        record Stale(Fresh fresh) implements CommitResult {
        }

        /**
         * Another transaction was writing the same items at that moment (DynamoDB's TransactionConflict): nothing
         * is known to have changed; try again after a pause.
         */
        record Conflicted() implements CommitResult {
        }

        /** The idempotency id was taken meanwhile: here is what it holds. */
        record RecordTaken(IdempotencyRecord existing) implements CommitResult {
        }
    }

    /**
     * What an auto top-up operation reads besides {@code reads}, in the same consistent round trip: the org's
     * auto top-up state always, one attempt, and which org a Stripe Customer belongs to.
     */
    record TopUpReads(Reads reads, Optional<String> attemptId, Optional<String> customerId) {
        public static TopUpReads state() {
            return new TopUpReads(Reads.accountOnly(), Optional.empty(), Optional.empty());
        }

        public TopUpReads attempt(Optional<String> id) {
            return new TopUpReads(reads, id, customerId);
        }

        public TopUpReads customer(String id) {
            return new TopUpReads(reads, attemptId, Optional.of(id));
        }

        public TopUpReads with(Reads more) {
            return new TopUpReads(more, attemptId, customerId);
        }
    }

    /** The org's items as {@link Snapshot}, its auto top-up state (never stored: {@link AutoTopUp#none}), and the rest asked for. */
    record TopUpSnapshot(Snapshot snapshot, AutoTopUp state, Optional<TopUpAttempt> attempt,
                         Optional<OrgId> customerOwner) {
        public Account account() {
            return snapshot.account();
        }

        /** The org's items as a failed commit returned them (a failed auto top-up part is never complete: read again). */
        public TopUpSnapshot refreshedWith(Fresh fresh) {
            return new TopUpSnapshot(snapshot.refreshedWith(fresh), state, attempt, customerOwner);
        }
    }

    /** One page of orgs due for the auto top-up pass, soonest first, and where the next page starts. */
    record DueTopUps(List<AutoTopUp> due, Optional<String> next) {
    }

    TopUpSnapshot readTopUp(OrgId org, TopUpReads reads);

    /** The org a Stripe Customer was made for, if it was made by our checkout. */
    Optional<OrgId> customerOwner(String customerId);

    /** Orgs whose auto top-up is due by {@code now}, from the sparse {@code topUpDue} index. */
    DueTopUps topUpsDue(Instant now, int limit, Optional<String> after);

    /** An org's automatic purchases, newest first. */
    TopUpAttemptPage attempts(OrgId org, int limit, Optional<String> cursor);

    /** One page of pending invites past their expiry, oldest first, and where the next page starts. */
    record ExpiredInvites(List<Invite> invites, Optional<String> next) {
    }

    Snapshot read(OrgId org, Reads reads);

    /** A payment's facts alone (they live outside any org until the purchase names one). */
    Optional<PaymentFacts> paymentFacts(String paymentIntentId);

    CommitResult commit(Changes changes);

    LogPage log(OrgId org, int limit, Optional<String> cursor);

    /** The whole log, newest first, a page at a time: memory stays flat however long the log. */
    void forEachLogEntry(OrgId org, Consumer<LogEntry> consumer);

    List<UsagePeriod> usage(OrgId org, Granularity granularity, String fromPeriod, String toPeriod);

    InvitePage invites(OrgId org, Optional<InviteStatus> status, int limit, Optional<String> cursor);

    /** Pending invites whose expiry has passed, oldest first, from the sparse expiry index. */
    ExpiredInvites invitesExpiredBy(Instant now, int limit, Optional<String> after);

    /**
     * Accounts that owe a low-credit email, from the sparse index: cost grows with them, not with all orgs.
     * Ordered by org; {@code after} continues past an org already seen (a page cursor).
     */
    List<Account> accountsOwingAlert(int limit, Optional<OrgId> after);

    /** Every item of an org, for reconciliation. */
    OrgItems everything(OrgId org);

    record OrgItems(Account account, List<LogEntry> log, List<Invite> invites, List<IdempotencyRecord> records,
                    List<Purchase> purchases, List<UsagePeriod> days, List<UsagePeriod> months, AutoTopUp autoTopUp,
                    List<TopUpAttempt> attempts) {
    }
}
