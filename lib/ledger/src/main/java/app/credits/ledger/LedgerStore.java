package app.credits.ledger;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where the ledger keeps its items. The only implementation is DynamoDB ({@code dynamo.DynamoLedgerStore});
 * this seam keeps AWS types out of the domain, not a place for test doubles.
 */
public interface LedgerStore {

    /** What one operation needs to read, all in one consistent round trip. */
    record Reads(Optional<String> markerKey, Optional<String> inviteId, Optional<String> checkoutSessionId,
                 Optional<String> paymentIntentId) {
        public static Reads accountOnly() {
            return new Reads(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        }

        public Reads marker(String key) {
            return new Reads(Optional.of(key), inviteId, checkoutSessionId, paymentIntentId);
        }

        public Reads invite(Optional<String> id) {
            return new Reads(markerKey, id, checkoutSessionId, paymentIntentId);
        }

        public Reads purchase(String sessionId) {
            return new Reads(markerKey, inviteId, Optional.of(sessionId), paymentIntentId);
        }

        public Reads payment(Optional<String> intentId) {
            return new Reads(markerKey, inviteId, checkoutSessionId, intentId);
        }
    }

    /**
     * The org's account (an unopened one if never written) and whatever else was asked for. When a Checkout
     * Session was asked for, {@code sessionOwner} is the org it was credited to, whichever org that is: a session
     * is credited once across all orgs, not once per org.
     */
    record Snapshot(Account account, Optional<Marker> marker, Optional<Invite> invite, Optional<Purchase> purchase,
                    Optional<PaymentFacts> payment, Optional<OrgId> sessionOwner) {

        /** This snapshot with the items a lost race returned: a consistent view as of that race. */
        public Snapshot refreshedWith(Fresh fresh) {
            return new Snapshot(fresh.account().orElse(account), marker, fresh.invite().or(() -> invite),
                    fresh.purchase().or(() -> purchase), fresh.payment().or(() -> payment),
                    fresh.sessionOwner().or(() -> sessionOwner));
        }
    }

    /**
     * The current versions of the items whose conditions failed (DynamoDB returns them with
     * ReturnValuesOnConditionCheckFailure). {@code complete} is false when a failure came without its item
     * (e.g. a TransactionConflict): then only a new read tells the truth.
     */
    record Fresh(Optional<Account> account, Optional<Invite> invite, Optional<Purchase> purchase,
                 Optional<PaymentFacts> payment, Optional<OrgId> sessionOwner, boolean complete) {
        public static Fresh unknown() {
            return new Fresh(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    false);
        }
    }

    /**
     * One atomic write. Each item is written on a condition that it is still the version it was read at
     * (or absent, when new); new markers on the condition that the id was never used.
     */
    record Commit(Optional<Account> accountBefore, Optional<Account> accountAfter, List<LogEntry> entries,
                  Optional<Marker> newMarker, Optional<Written<Invite>> invite, Optional<Written<Purchase>> purchase,
                  Optional<Written<PaymentFacts>> payment) {
        public Commit {
            entries = List.copyOf(entries);
        }
    }

    /** An item to write, and whether it must be new (else: must still hold {@code version - 1}). */
    record Written<T>(T item, boolean isNew) {
    }

    sealed interface CommitResult {
        record Committed() implements CommitResult {
        }

        /** Something read has changed since: decide again on the fresh items (or a new read). */
        record Contended(Fresh fresh) implements CommitResult {
        }

        /** The idempotency id was taken meanwhile: here is what it holds. */
        record MarkerTaken(Marker existing) implements CommitResult {
        }
    }

    Snapshot read(OrgId org, Reads reads);

    /** A payment's facts alone (they live outside any org until the purchase names one). */
    Optional<PaymentFacts> paymentFacts(String paymentIntentId);

    CommitResult commit(Commit commit);

    LogPage log(OrgId org, int limit, Optional<String> cursor);

    List<UsagePeriod> usage(OrgId org, Granularity granularity, String fromPeriod, String toPeriod);

    InvitePage invites(OrgId org, Optional<InviteStatus> status, int limit, Optional<String> cursor);

    /** Pending invites whose expiry has passed, oldest first, from the sparse expiry index. */
    List<Invite> invitesExpiredBy(Instant now, int limit);

    /**
     * Accounts that owe a low-credit email, from the sparse index: cost grows with them, not with all orgs.
     * Ordered by org; {@code after} continues past an org already seen (a page cursor).
     */
    List<Account> accountsOwingAlert(int limit, Optional<OrgId> after);

    /** Records that {@code level} was emailed, unless the account no longer owes exactly that email. */
    boolean markNotified(OrgId org, AlertLevel level, Instant at);

    /** Every item of an org, for reconciliation. */
    OrgItems everything(OrgId org);

    record OrgItems(Account account, List<LogEntry> log, List<Invite> invites, List<Marker> markers,
                    List<Purchase> purchases, List<UsagePeriod> days, List<UsagePeriod> months) {
    }
}
