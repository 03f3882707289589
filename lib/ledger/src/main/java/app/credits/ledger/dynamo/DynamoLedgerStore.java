package app.credits.ledger.dynamo;

import app.credits.ledger.Account;
import app.credits.ledger.AlertLevel;
import app.credits.ledger.Credits;
import app.credits.ledger.Granularity;
import app.credits.ledger.InvalidInput;
import app.credits.ledger.Invite;
import app.credits.ledger.InvitePage;
import app.credits.ledger.InviteStatus;
import app.credits.ledger.LedgerStore;
import app.credits.ledger.LedgerStore.Fresh;
import app.credits.ledger.LogEntry;
import app.credits.ledger.LogPage;
import app.credits.ledger.Marker;
import app.credits.ledger.OrgId;
import app.credits.ledger.PaymentFacts;
import app.credits.ledger.Purchase;
import app.credits.ledger.Times;
import app.credits.ledger.UsagePeriod;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import static app.credits.ledger.dynamo.Attrs.credits;
import static app.credits.ledger.dynamo.Attrs.n;
import static app.credits.ledger.dynamo.Attrs.s;
import static app.credits.ledger.dynamo.CreditsTable.PK;
import static app.credits.ledger.dynamo.CreditsTable.SK;

/** The ledger's items in one DynamoDB table: one consistent read and one transaction per operation. */
public final class DynamoLedgerStore implements LedgerStore {
    private static final Pattern LOG_CURSOR = Pattern.compile("log:[0-9]{1,12}");
    private static final Pattern INVITE_CURSOR = Pattern.compile("inv:[A-Za-z0-9_.:-]{1,128}");

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoLedgerStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public Snapshot read(OrgId org, Reads reads) {
        String pk = Items.orgPk(org);
        Map<String, Map<String, AttributeValue>> keys = new LinkedHashMap<>();
        keys.put(pk + "|" + Items.ACCOUNT, Items.key(pk, Items.ACCOUNT));
        reads.markerKey().ifPresent(k -> keys.put(pk + "|" + k, Items.key(pk, k)));
        reads.inviteId().ifPresent(id -> keys.put(pk + "|" + Items.INVITE + id, Items.key(pk, Items.INVITE + id)));
        reads.checkoutSessionId().ifPresent(id ->
                keys.put(pk + "|" + Items.PURCHASE + id, Items.key(pk, Items.PURCHASE + id)));
        reads.checkoutSessionId().ifPresent(id -> keys.put(Items.sessionPk(id) + "|" + Items.SESSION,
                Items.key(Items.sessionPk(id), Items.SESSION)));
        reads.paymentIntentId().ifPresent(pi ->
                keys.put(Items.paymentPk(pi) + "|" + Items.PAYMENT, Items.key(Items.paymentPk(pi), Items.PAYMENT)));

        Map<String, Map<String, AttributeValue>> found = batchGet(keys.values());
        Account account = Optional.ofNullable(found.get(pk + "|" + Items.ACCOUNT)).map(Items::account)
                .orElse(Account.open(org));
        return new Snapshot(account,
                reads.markerKey().map(k -> found.get(pk + "|" + k)).map(Items::marker),
                reads.inviteId().map(id -> found.get(pk + "|" + Items.INVITE + id)).map(Items::invite),
                reads.checkoutSessionId().map(id -> found.get(pk + "|" + Items.PURCHASE + id)).map(Items::purchase),
                reads.paymentIntentId().map(pi -> found.get(Items.paymentPk(pi) + "|" + Items.PAYMENT))
                        .map(Items::payment),
                reads.checkoutSessionId().map(id -> found.get(Items.sessionPk(id) + "|" + Items.SESSION))
                        .map(item -> OrgId.of(Attrs.str(item, "org"))));
    }

    private Map<String, Map<String, AttributeValue>> batchGet(Iterable<Map<String, AttributeValue>> keys) {
        List<Map<String, AttributeValue>> pending = new ArrayList<>();
        keys.forEach(pending::add);
        Map<String, Map<String, AttributeValue>> found = new HashMap<>();
        while (!pending.isEmpty()) {
            BatchGetItemResponse response = dynamo.batchGetItem(b -> b.requestItems(Map.of(table,
                    KeysAndAttributes.builder().keys(pending).consistentRead(true).build())));
            for (Map<String, AttributeValue> item : response.responses().getOrDefault(table, List.of())) {
                found.put(item.get(PK).s() + "|" + item.get(SK).s(), item);
            }
            pending.clear();
            KeysAndAttributes unprocessed = response.unprocessedKeys().get(table);
            if (unprocessed != null) {
                pending.addAll(unprocessed.keys());
            }
        }
        return found;
    }

    @Override
    public Optional<PaymentFacts> paymentFacts(String paymentIntentId) {
        var response = dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Items.key(Items.paymentPk(paymentIntentId), Items.PAYMENT)));
        return response.hasItem() && !response.item().isEmpty() ? Optional.of(Items.payment(response.item()))
                : Optional.empty();
    }

    @Override
    public CommitResult commit(Commit commit) {
        List<TransactWriteItem> writes = new ArrayList<>();
        int markerIndex = -1;
        OrgId org = commit.accountAfter().map(Account::org)
                .or(() -> commit.purchase().map(w -> w.item().org())).orElse(null);

        if (commit.accountAfter().isPresent()) {
            Account before = commit.accountBefore().orElseThrow();
            writes.add(versioned(Items.account(commit.accountAfter().get()), before.version() == 0, before.version()));
        }
        for (LogEntry entry : commit.entries()) {
            writes.add(putNew(Items.entry(org, entry)));
        }
        if (commit.newMarker().isPresent()) {
            markerIndex = writes.size();
            writes.add(putNew(Items.marker(org, commit.newMarker().get())));
        }
        commit.invite().ifPresent(w -> writes.add(versioned(Items.invite(w.item()), w.isNew(), w.item().version())));
        commit.purchase().ifPresent(w -> {
            writes.add(versioned(Items.purchase(w.item()), w.isNew(), w.item().version()));
            if (w.isNew()) {
                writes.add(putNew(Items.sessionClaim(w.item())));
            }
        });
        commit.payment().ifPresent(w -> writes.add(versioned(Items.payment(w.item()), w.isNew(), w.item().version())));
        usageCounters(org, commit.entries()).forEach(writes::add);

        try {
            // The token makes the SDK's own retries of this very attempt idempotent (an answer lost in transit).
            dynamo.transactWriteItems(b -> b.transactItems(writes).clientRequestToken(UUID.randomUUID().toString()));
            return new CommitResult.Committed();
        } catch (TransactionCanceledException e) {
            return cancelled(e, markerIndex);
        }
    }

    /** Names why a transaction was cancelled, from DynamoDB's per-item reasons (never from the message text). */
    private static CommitResult cancelled(TransactionCanceledException e, int markerIndex) {
        List<CancellationReason> reasons = e.cancellationReasons();
        if (markerIndex >= 0 && markerIndex < reasons.size()) {
            CancellationReason reason = reasons.get(markerIndex);
            if ("ConditionalCheckFailed".equals(reason.code()) && reason.hasItem() && !reason.item().isEmpty()) {
                return new CommitResult.MarkerTaken(Items.marker(reason.item()));
            }
        }
        Optional<Account> account = Optional.empty();
        Optional<Invite> invite = Optional.empty();
        Optional<Purchase> purchase = Optional.empty();
        Optional<PaymentFacts> payment = Optional.empty();
        Optional<OrgId> sessionOwner = Optional.empty();
        boolean complete = true;
        for (CancellationReason reason : reasons) {
            String code = reason.code();
            if (code == null || "None".equals(code)) {
                continue;
            }
            if (!"ConditionalCheckFailed".equals(code)) {
                if (!"TransactionConflict".equals(code)) {
                    throw e; // a validation or capacity problem: not contention, don't loop on it
                }
                complete = false;
                continue;
            }
            if (!reason.hasItem() || reason.item().isEmpty()) {
                complete = false;
                continue;
            }
            Map<String, AttributeValue> item = reason.item();
            String sk = item.get(SK).s();
            if (sk.equals(Items.ACCOUNT)) {
                account = Optional.of(Items.account(item));
            } else if (sk.startsWith(Items.INVITE)) {
                invite = Optional.of(Items.invite(item));
            } else if (sk.startsWith(Items.PURCHASE)) {
                purchase = Optional.of(Items.purchase(item));
            } else if (sk.equals(Items.PAYMENT)) {
                payment = Optional.of(Items.payment(item));
            } else if (sk.equals(Items.SESSION)) {
                sessionOwner = Optional.of(OrgId.of(Attrs.str(item, "org")));
            } else if (!sk.startsWith(Items.LOG)) {
                // (A log entry's seq is taken only when the account moved on, and the account's reason carries that.)
                complete = false;
            }
        }
        return new CommitResult.Contended(new Fresh(account, invite, purchase, payment, sessionOwner, complete));
    }

    private TransactWriteItem versioned(Map<String, AttributeValue> item, boolean isNew, long readVersion) {
        if (isNew) {
            return putNew(item);
        }
        return TransactWriteItem.builder().put(Put.builder().tableName(table).item(item)
                .conditionExpression("version = :read")
                .expressionAttributeValues(Map.of(":read", n(readVersion)))
                // A lost race hands back the winner's version: the retry decides on it without reading again.
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build()).build();
    }

    private TransactWriteItem putNew(Map<String, AttributeValue> item) {
        return TransactWriteItem.builder().put(Put.builder().tableName(table).item(item)
                .conditionExpression("attribute_not_exists(PK)")
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build()).build();
    }

    /** One ADD per touched day and month: a transaction may not name the same item twice. */
    private List<TransactWriteItem> usageCounters(OrgId org, List<LogEntry> entries) {
        Map<String, Credits[]> deltas = new LinkedHashMap<>();
        for (LogEntry e : entries) {
            for (String sk : List.of(Items.USAGE_DAY + Times.day(e.createdAt()),
                    Items.USAGE_MONTH + Times.month(e.createdAt()))) {
                Credits[] d = deltas.computeIfAbsent(sk, k -> new Credits[]{Credits.ZERO, Credits.ZERO});
                if (e.type() == app.credits.ledger.EntryType.PURCHASE) {
                    d[0] = d[0].plus(e.credits());
                }
                if (e.credits().isNegative()) {
                    d[1] = d[1].plus(e.credits().negate());
                }
            }
        }
        List<TransactWriteItem> writes = new ArrayList<>();
        deltas.forEach((sk, d) -> writes.add(TransactWriteItem.builder().update(Update.builder().tableName(table)
                .key(Items.key(Items.orgPk(org), sk))
                .updateExpression("ADD purchased :p, used :u")
                .expressionAttributeValues(Map.of(":p", credits(d[0]), ":u", credits(d[1])))
                .build()).build()));
        return writes;
    }

    @Override
    public LogPage log(OrgId org, int limit, Optional<String> cursor) {
        QueryRequest.Builder query = QueryRequest.builder().tableName(table)
                .keyConditionExpression("PK = :pk AND begins_with(SK, :log)")
                .expressionAttributeValues(Map.of(":pk", s(Items.orgPk(org)), ":log", s(Items.LOG)))
                .scanIndexForward(false)
                .limit(limit + 1); // one more than asked tells whether there is a next page
        cursor.ifPresent(c -> query.exclusiveStartKey(
                Items.key(Items.orgPk(org), Items.logSk(Long.parseLong(decode(c, LOG_CURSOR).substring(4))))));
        List<LogEntry> entries = dynamo.query(query.build()).items().stream().map(Items::entry)
                .collect(java.util.stream.Collectors.toCollection(ArrayList::new));
        Optional<String> next = Optional.empty();
        if (entries.size() > limit) {
            entries.removeLast();
            next = Optional.of(encode("log:" + entries.getLast().seq()));
        }
        return new LogPage(List.copyOf(entries), next);
    }

    @Override
    public List<UsagePeriod> usage(OrgId org, Granularity granularity, String fromPeriod, String toPeriod) {
        String prefix = granularity == Granularity.DAY ? Items.USAGE_DAY : Items.USAGE_MONTH;
        return queryAll(QueryRequest.builder().tableName(table)
                .keyConditionExpression("PK = :pk AND SK BETWEEN :from AND :to")
                .expressionAttributeValues(Map.of(":pk", s(Items.orgPk(org)),
                        ":from", s(prefix + fromPeriod), ":to", s(prefix + toPeriod)))
                .build()).stream().map(Items::usage).toList();
    }

    @Override
    public InvitePage invites(OrgId org, Optional<InviteStatus> status, int limit, Optional<String> cursor) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":pk", s(Items.orgPk(org)));
        values.put(":inv", s(Items.INVITE));
        status.ifPresent(st -> values.put(":status", s(st.wireName())));
        Map<String, AttributeValue> start = cursor
                .map(c -> Items.key(Items.orgPk(org), Items.INVITE + decode(c, INVITE_CURSOR).substring(4)))
                .orElse(null);
        List<Invite> invites = new ArrayList<>();
        do {
            QueryRequest.Builder query = QueryRequest.builder().tableName(table)
                    .keyConditionExpression("PK = :pk AND begins_with(SK, :inv)")
                    .expressionAttributeValues(values)
                    .limit(limit + 1)
                    .exclusiveStartKey(start);
            status.ifPresent(st -> query.filterExpression("#status = :status")
                    .expressionAttributeNames(Map.of("#status", "status")));
            QueryResponse response = dynamo.query(query.build());
            response.items().stream().map(Items::invite).forEach(invites::add);
            start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                    ? response.lastEvaluatedKey() : null;
        } while (invites.size() <= limit && start != null);
        Optional<String> next = Optional.empty();
        if (invites.size() > limit) {
            invites.subList(limit, invites.size()).clear();
            next = Optional.of(encode("inv:" + invites.getLast().inviteId()));
        }
        return new InvitePage(List.copyOf(invites), next);
    }

    @Override
    public List<Invite> invitesExpiredBy(Instant now, int limit) {
        return dynamo.query(b -> b.tableName(table).indexName(CreditsTable.INVITE_EXPIRY_INDEX)
                        .keyConditionExpression("expiryPK = :pending AND expirySK <= :now")
                        .expressionAttributeValues(Map.of(":pending", s(Items.EXPIRY_PENDING),
                                ":now", s(Times.format(now) + "#~")))
                        .limit(limit))
                .items().stream().map(Items::invite).toList();
    }

    @Override
    public List<Account> accountsOwingAlert(int limit, Optional<OrgId> after) {
        // A key condition (not an ExclusiveStartKey) continues the page: the org that was "after" may have left the
        // index meanwhile, which a start key would not tolerate on real DynamoDB.
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":due", s(Items.LOW_CREDIT_DUE));
        after.ifPresent(org -> values.put(":after", s(org.value())));
        return dynamo.query(b -> b.tableName(table).indexName(CreditsTable.LOW_CREDIT_INDEX)
                        .keyConditionExpression("lowCreditPK = :due" + (after.isPresent() ? " AND lowCreditSK > :after" : ""))
                        .expressionAttributeValues(values)
                        .limit(limit))
                .items().stream().map(Items::account).toList();
    }

    @Override
    public boolean markNotified(OrgId org, AlertLevel level, Instant at) {
        try {
            dynamo.updateItem(b -> b.tableName(table).key(Items.key(Items.orgPk(org), Items.ACCOUNT))
                    .conditionExpression("alertOwed = :level")
                    // Bumping the version makes any write computed before this one retry on fresh numbers.
                    .updateExpression("SET alertNotified = :level, updatedAt = :at ADD version :one "
                            + "REMOVE lowCreditPK, lowCreditSK, alertOwed")
                    .expressionAttributeValues(Map.of(":level", s(level.name()), ":at", s(Times.format(at)),
                            ":one", n(1))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public OrgItems everything(OrgId org) {
        List<Map<String, AttributeValue>> items = queryAll(QueryRequest.builder().tableName(table)
                .keyConditionExpression("PK = :pk")
                .expressionAttributeValues(Map.of(":pk", s(Items.orgPk(org))))
                .consistentRead(true).build());
        Account account = Account.open(org);
        List<LogEntry> log = new ArrayList<>();
        List<Invite> invites = new ArrayList<>();
        List<Marker> markers = new ArrayList<>();
        List<Purchase> purchases = new ArrayList<>();
        List<UsagePeriod> days = new ArrayList<>();
        List<UsagePeriod> months = new ArrayList<>();
        for (Map<String, AttributeValue> item : items) {
            String sk = item.get(SK).s();
            if (sk.equals(Items.ACCOUNT)) {
                account = Items.account(item);
            } else if (sk.startsWith(Items.LOG)) {
                log.add(Items.entry(item));
            } else if (sk.startsWith(Items.INVITE)) {
                invites.add(Items.invite(item));
            } else if (sk.startsWith(Items.PURCHASE)) {
                purchases.add(Items.purchase(item));
            } else if (sk.startsWith(Items.USAGE_DAY)) {
                days.add(Items.usage(item));
            } else if (sk.startsWith(Items.USAGE_MONTH)) {
                months.add(Items.usage(item));
            } else {
                markers.add(Items.marker(item));
            }
        }
        return new OrgItems(account, log, invites, markers, purchases, days, months);
    }

    private List<Map<String, AttributeValue>> queryAll(QueryRequest request) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        dynamo.queryPaginator(request).items().forEach(items::add);
        return items;
    }

    private static String encode(String cursor) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(cursor.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String cursor, Pattern shape) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (shape.matcher(text).matches()) {
                return text;
            }
        } catch (IllegalArgumentException e) {
            // falls through to the same answer as any other forged cursor
        }
        throw new InvalidInput("cursor is not one this API returned");
    }
}
