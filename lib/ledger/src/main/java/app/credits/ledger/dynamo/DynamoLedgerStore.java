package app.credits.ledger.dynamo;

import app.credits.ledger.Account;
import app.credits.ledger.AccountChange;
import app.credits.ledger.AutoTopUp;
import app.credits.ledger.Changes;
import app.credits.ledger.Granularity;
import app.credits.ledger.IdempotencyRecord;
import app.credits.ledger.InvalidInput;
import app.credits.ledger.Invite;
import app.credits.ledger.InvitePage;
import app.credits.ledger.InviteStatus;
import app.credits.ledger.LedgerStore;
import app.credits.ledger.LogEntry;
import app.credits.ledger.LogPage;
import app.credits.ledger.NewEntry;
import app.credits.ledger.OrgId;
import app.credits.ledger.PaymentFacts;
import app.credits.ledger.Purchase;
import app.credits.ledger.TopUpAttempt;
import app.credits.ledger.TopUpAttemptPage;
import app.credits.ledger.UsagePeriod;
import app.credits.ledger.VersionedWrite;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

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
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;

import static app.credits.ledger.dynamo.CreditsTable.PK;
import static app.credits.ledger.dynamo.CreditsTable.SK;

/**
 * The ledger's items in one DynamoDB table: one consistent read and one transaction per operation. Items are
 * encoded and decoded by their schemas ({@link AccountItem}, {@link LogItem}, ...). Transactions are built with the
 * low-level client because nearly every one ADDs to counters (the account's numbers, usage), which the enhanced
 * client's transactions cannot express, and an enhanced transaction cannot carry a low-level item.
 */
public final class DynamoLedgerStore implements LedgerStore {
    private static final Pattern INVITE_CURSOR = Pattern.compile("inv:[A-Za-z0-9_.:-]{1,128}");
    private static final Pattern ATTEMPT_CURSOR = Pattern.compile("atu:atu_[0-9]{16}");

    private final DynamoDbClient dynamo;
    private final String table;
    private final LogReader logReader;

    public DynamoLedgerStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
        this.logReader = new LogReader(dynamo, table);
    }

    // ---------------------------------------------------------------- one consistent read per operation

    @Override
    public Snapshot read(OrgId org, Reads reads) {
        Map<String, Map<String, AttributeValue>> keys = keysOf(org, reads);
        return snapshotOf(org, reads, batchGet(keys.values()));
    }

    /** The keys one operation reads, by "PK|SK". */
    private static Map<String, Map<String, AttributeValue>> keysOf(OrgId org, Reads reads) {
        String pk = Keys.orgPk(org);
        Map<String, Map<String, AttributeValue>> keys = new LinkedHashMap<>();
        keys.put(pk + "|" + Keys.ACCOUNT, Keys.key(pk, Keys.ACCOUNT));
        reads.recordKey().ifPresent(k -> keys.put(pk + "|" + k, Keys.key(pk, k)));
        reads.inviteId().map(Keys::inviteSk).ifPresent(sk -> keys.put(pk + "|" + sk, Keys.key(pk, sk)));
        reads.checkoutSessionId().ifPresent(id -> {
            keys.put(pk + "|" + Keys.purchaseSk(id), Keys.key(pk, Keys.purchaseSk(id)));
            keys.put(Keys.sessionPk(id) + "|" + Keys.SESSION, Keys.key(Keys.sessionPk(id), Keys.SESSION));
        });
        reads.paymentIntentId().ifPresent(pi ->
                keys.put(Keys.paymentPk(pi) + "|" + Keys.PAYMENT, Keys.key(Keys.paymentPk(pi), Keys.PAYMENT)));
        return keys;
    }

    private static Snapshot snapshotOf(OrgId org, Reads reads, Map<String, Map<String, AttributeValue>> found) {
        String pk = Keys.orgPk(org);
        Account account = Optional.ofNullable(found.get(pk + "|" + Keys.ACCOUNT)).map(AccountItem::decode)
                .orElse(Account.open(org));
        return new Snapshot(account,
                reads.recordKey().map(k -> found.get(pk + "|" + k)).map(RecordItem::decode),
                reads.inviteId().map(id -> found.get(pk + "|" + Keys.inviteSk(id))).map(InviteItem::decode),
                reads.checkoutSessionId().map(id -> found.get(pk + "|" + Keys.purchaseSk(id))).map(PurchaseItem::decode),
                reads.paymentIntentId().map(pi -> found.get(Keys.paymentPk(pi) + "|" + Keys.PAYMENT))
                        .map(PurchaseItem.PAYMENT::decode),
                reads.checkoutSessionId().map(id -> found.get(Keys.sessionPk(id) + "|" + Keys.SESSION))
                        .map(item -> PurchaseItem.CLAIM.decode(item).org()));
    }

    @Override
    public TopUpSnapshot readTopUp(OrgId org, TopUpReads reads) {
        String pk = Keys.orgPk(org);
        Map<String, Map<String, AttributeValue>> keys = keysOf(org, reads.reads());
        keys.put(pk + "|" + Keys.AUTO_TOP_UP, Keys.key(pk, Keys.AUTO_TOP_UP));
        reads.attemptId().map(Keys::topUpSk).ifPresent(sk -> keys.put(pk + "|" + sk, Keys.key(pk, sk)));
        reads.customerId().map(Keys::customerPk).ifPresent(cpk -> keys.put(cpk + "|" + Keys.CUSTOMER, Keys.key(cpk, Keys.CUSTOMER)));
        Map<String, Map<String, AttributeValue>> found = batchGet(keys.values());
        return new TopUpSnapshot(snapshotOf(org, reads.reads(), found),
                Optional.ofNullable(found.get(pk + "|" + Keys.AUTO_TOP_UP)).map(AutoTopUpItem::decode)
                        .orElse(AutoTopUp.none(org)),
                reads.attemptId().map(id -> found.get(pk + "|" + Keys.topUpSk(id))).map(AutoTopUpItem.ATTEMPT::decode),
                reads.customerId().flatMap(id -> AutoTopUpItem.ownerOf(found.get(Keys.customerPk(id) + "|" + Keys.CUSTOMER))));
    }

    @Override
    public Optional<OrgId> customerOwner(String customerId) {
        var response = dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Keys.key(Keys.customerPk(customerId), Keys.CUSTOMER)));
        return response.hasItem() ? AutoTopUpItem.ownerOf(response.item()) : Optional.empty();
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
                .key(Keys.key(Keys.paymentPk(paymentIntentId), Keys.PAYMENT)));
        return response.hasItem() && !response.item().isEmpty()
                ? Optional.of(PurchaseItem.PAYMENT.decode(response.item())) : Optional.empty();
    }

    // ---------------------------------------------------------------- one transaction per operation

    /** What each item of a transaction is, so that a cancellation reason at index i can be named. */
    private enum Part { ACCOUNT, ENTRY, RECORD, INVITE, PURCHASE, SESSION_CLAIM, PAYMENT, USAGE, TOP_UP, TOP_UP_ARMED,
        ATTEMPT, CUSTOMER_CLAIM }

    @Override
    public CommitResult commit(Changes changes) {
        List<TransactWriteItem> writes = new ArrayList<>();
        List<Part> parts = new ArrayList<>();
        // Entries, records and usage come only with an account change (Changes checks it): they are its org's.
        OrgId org = changes.org().orElse(null);
        changes.account().ifPresent(change -> {
            writes.add(AccountItem.write(table, change, changes.entries()));
            parts.add(Part.ACCOUNT);
        });
        for (NewEntry entry : changes.entries()) {
            writes.add(putNew(LogItem.encode(org, entry)));
            parts.add(Part.ENTRY);
        }
        changes.record().ifPresent(record -> {
            writes.add(putNew(RecordItem.encode(org, record)));
            parts.add(Part.RECORD);
        });
        changes.invite().ifPresent(w -> {
            writes.add(versioned(InviteItem.encode(w.next()), w));
            parts.add(Part.INVITE);
        });
        changes.purchase().ifPresent(w -> {
            writes.add(versioned(PurchaseItem.SCHEMA.encode(w.next()), w));
            parts.add(Part.PURCHASE);
            if (w.isNew()) {
                Purchase p = w.next();
                writes.add(putNew(PurchaseItem.CLAIM.encode(
                        new PurchaseItem.SessionClaim(p.checkoutSessionId(), p.org(), p.createdAt()))));
                parts.add(Part.SESSION_CLAIM);
            }
        });
        changes.payment().ifPresent(w -> {
            writes.add(versioned(PurchaseItem.PAYMENT.encode(w.next()), w));
            parts.add(Part.PAYMENT);
        });
        for (TransactWriteItem usage : UsageItem.additions(table, org, changes.entries())) {
            writes.add(usage);
            parts.add(Part.USAGE);
        }
        changes.topUp().state().ifPresent(w -> {
            writes.add(versioned(AutoTopUpItem.encode(w.next()), w));
            parts.add(Part.TOP_UP);
        });
        // A change that crosses into a top-up arms it in the same transaction (unless it writes the state itself).
        changes.account().filter(AccountChange::crossesIntoTopUp).filter(c -> changes.topUp().state().isEmpty())
                .ifPresent(c -> {
                    writes.add(AutoTopUpItem.armAtOnce(table, c.org()));
                    parts.add(Part.TOP_UP_ARMED);
                });
        changes.topUp().attempt().ifPresent(w -> {
            writes.add(versioned(AutoTopUpItem.ATTEMPT.encode(w.next()), w));
            parts.add(Part.ATTEMPT);
        });
        changes.topUp().customer().ifPresent(claim -> {
            writes.add(putNew(AutoTopUpItem.CUSTOMER_CLAIM.encode(claim)));
            parts.add(Part.CUSTOMER_CLAIM);
        });
        try {
            // The token makes the SDK's own retries of this very attempt idempotent (an answer lost in transit).
            dynamo.transactWriteItems(b -> b.transactItems(writes).clientRequestToken(UUID.randomUUID().toString()));
            return new CommitResult.Committed();
        } catch (TransactionCanceledException e) {
            return cancelled(e, parts);
        }
    }

    /** Names why a transaction was cancelled, from DynamoDB's per-item reasons (never from the message text). */
    private static CommitResult cancelled(TransactionCanceledException e, List<Part> parts) {
        List<CancellationReason> reasons = e.cancellationReasons();
        Optional<Account> account = Optional.empty();
        Optional<Invite> invite = Optional.empty();
        Optional<Purchase> purchase = Optional.empty();
        Optional<PaymentFacts> payment = Optional.empty();
        Optional<OrgId> sessionOwner = Optional.empty();
        boolean premiseFailed = false;
        boolean complete = true;
        for (int i = 0; i < reasons.size() && i < parts.size(); i++) {
            CancellationReason reason = reasons.get(i);
            String code = reason.code();
            if (code == null || "None".equals(code)) {
                continue;
            }
            switch (code) {
                case "ConditionalCheckFailed" -> premiseFailed = true;
                // Another transaction on these items at that instant, or capacity: nothing changed, try again later.
                case "TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded" -> {
                    continue;
                }
                default -> throw e; // a validation problem: not contention, don't loop on it
            }
            Map<String, AttributeValue> item = reason.hasItem() && !reason.item().isEmpty() ? reason.item() : null;
            if (item == null) {
                complete = false;
                continue;
            }
            switch (parts.get(i)) {
                case RECORD -> {
                    return new CommitResult.RecordTaken(RecordItem.decode(item));
                }
                case ACCOUNT -> account = Optional.of(AccountItem.decode(item));
                case INVITE -> invite = Optional.of(InviteItem.decode(item));
                case PURCHASE -> purchase = Optional.of(PurchaseItem.decode(item));
                case PAYMENT -> payment = Optional.of(PurchaseItem.PAYMENT.decode(item));
                case SESSION_CLAIM -> sessionOwner = Optional.of(PurchaseItem.CLAIM.decode(item).org());
                // A taken log key means the account moved on too, and its own reason carries it. Auto top-up's
                // operations read again after any lost race.
                case ENTRY, USAGE, TOP_UP, TOP_UP_ARMED, ATTEMPT, CUSTOMER_CLAIM -> complete = false;
            }
        }
        if (!premiseFailed) {
            return new CommitResult.Conflicted();
        }
        return new CommitResult.Stale(new Fresh(account, invite, purchase, payment, sessionOwner, complete));
    }

    private TransactWriteItem versioned(Map<String, AttributeValue> item, VersionedWrite<?> write) {
        if (write.isNew()) {
            return putNew(item);
        }
        return TransactWriteItem.builder().put(Put.builder().tableName(table).item(item)
                .conditionExpression("version = :expected")
                .expressionAttributeValues(Map.of(":expected", Codecs.n(write.expectedVersion())))
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

    // ---------------------------------------------------------------- queries

    @Override
    public LogPage log(OrgId org, int limit, Optional<String> cursor) {
        // Page one starts from the account's numbers; later pages carry their position in the cursor.
        LogReader.Position start = cursor.map(LogReader.Position::fromCursor)
                .orElseGet(() -> LogReader.Position.newest(read(org, Reads.accountOnly()).account()));
        return logReader.page(org, start, limit);
    }

    @Override
    public void forEachLogEntry(OrgId org, Consumer<LogEntry> consumer) {
        logReader.forEach(org, LogReader.Position.newest(read(org, Reads.accountOnly()).account()), consumer);
    }

    @Override
    public List<UsagePeriod> usage(OrgId org, Granularity granularity, String fromPeriod, String toPeriod) {
        return queryAll(QueryRequest.builder().tableName(table)
                .keyConditionExpression("PK = :pk AND SK BETWEEN :from AND :to")
                .expressionAttributeValues(Map.of(":pk", Codecs.s(Keys.orgPk(org)),
                        ":from", Codecs.s(Keys.usageSk(granularity, fromPeriod)),
                        ":to", Codecs.s(Keys.usageSk(granularity, toPeriod))))
                .build()).stream().map(UsageItem::decode).toList();
    }

    @Override
    public InvitePage invites(OrgId org, Optional<InviteStatus> status, int limit, Optional<String> cursor) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":pk", Codecs.s(Keys.orgPk(org)));
        values.put(":inv", Codecs.s(Keys.INVITE));
        status.ifPresent(st -> values.put(":status", Codecs.s(st.wireName())));
        Map<String, AttributeValue> start = cursor
                .map(c -> Keys.key(Keys.orgPk(org), Keys.inviteSk(decode(c, INVITE_CURSOR).substring(4))))
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
            response.items().stream().map(InviteItem::decode).forEach(invites::add);
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
    public ExpiredInvites invitesExpiredBy(Instant now, int limit, Optional<String> after) {
        DuePage<Invite> page = dueBy(DueIndex.INVITE_EXPIRY, now, limit, after, InviteItem::decode);
        return new ExpiredInvites(page.items(), page.next());
    }

    @Override
    public DueTopUps topUpsDue(Instant now, int limit, Optional<String> after) {
        DuePage<AutoTopUp> page = dueBy(DueIndex.TOP_UP, now, limit, after, AutoTopUpItem::decode);
        return new DueTopUps(page.items(), page.next());
    }

    /** A sparse index whose sort key starts with a fixed-width time: what is due, soonest first. */
    private record DueIndex(String name, String pkAttribute, String skAttribute, String partition) {
        static final DueIndex INVITE_EXPIRY = new DueIndex(CreditsTable.INVITE_EXPIRY_INDEX, CreditsTable.EXPIRY_PK,
                CreditsTable.EXPIRY_SK, Keys.EXPIRY_PENDING);
        static final DueIndex TOP_UP = new DueIndex(CreditsTable.TOP_UP_DUE_INDEX, CreditsTable.TOP_UP_PK,
                CreditsTable.TOP_UP_SK, Keys.TOP_UP_DUE);

        /** Where a scheduled job continues: the index's last evaluated key (an internal cursor, never a caller's). */
        String cursor(Map<String, AttributeValue> lastKey) {
            return String.join("|", lastKey.get(skAttribute).s(), lastKey.get(PK).s(), lastKey.get(SK).s());
        }

        Map<String, AttributeValue> startKey(String cursor) {
            String[] parts = cursor.split("\\|", 3);
            return Map.of(pkAttribute, Codecs.s(partition), skAttribute, Codecs.s(parts[0]),
                    PK, Codecs.s(parts[1]), SK, Codecs.s(parts[2]));
        }
    }

    private record DuePage<T>(List<T> items, Optional<String> next) {
    }

    private <T> DuePage<T> dueBy(DueIndex index, Instant now, int limit, Optional<String> after,
                                 Function<Map<String, AttributeValue>, T> decode) {
        QueryRequest.Builder query = QueryRequest.builder().tableName(table).indexName(index.name())
                .keyConditionExpression("#pk = :partition AND #sk <= :due")
                .expressionAttributeNames(Map.of("#pk", index.pkAttribute(), "#sk", index.skAttribute()))
                .expressionAttributeValues(Map.of(":partition", Codecs.s(index.partition()),
                        ":due", Codecs.s(Keys.dueBound(now))))
                .limit(limit);
        after.map(index::startKey).ifPresent(query::exclusiveStartKey);
        QueryResponse response = dynamo.query(query.build());
        Optional<String> next = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                ? Optional.of(index.cursor(response.lastEvaluatedKey())) : Optional.empty();
        return new DuePage<>(response.items().stream().map(decode).toList(), next);
    }

    @Override
    public TopUpAttemptPage attempts(OrgId org, int limit, Optional<String> cursor) {
        Map<String, AttributeValue> start = cursor
                .map(c -> Keys.key(Keys.orgPk(org), Keys.topUpSk(decode(c, ATTEMPT_CURSOR).substring(4))))
                .orElse(null);
        QueryResponse response = dynamo.query(QueryRequest.builder().tableName(table)
                .keyConditionExpression("PK = :pk AND begins_with(SK, :topUp)")
                .expressionAttributeValues(Map.of(":pk", Codecs.s(Keys.orgPk(org)), ":topUp", Codecs.s(Keys.TOP_UP)))
                .scanIndexForward(false)
                .limit(limit + 1)
                .exclusiveStartKey(start)
                .build());
        List<TopUpAttempt> attempts = new ArrayList<>(response.items().stream().map(AutoTopUpItem.ATTEMPT::decode).toList());
        Optional<String> next = Optional.empty();
        if (attempts.size() > limit) {
            attempts.subList(limit, attempts.size()).clear();
            next = Optional.of(encode("atu:" + attempts.getLast().id()));
        }
        return new TopUpAttemptPage(List.copyOf(attempts), next);
    }

    @Override
    public List<Account> accountsOwingAlert(int limit, Optional<OrgId> after) {
        // A key condition (not an ExclusiveStartKey) continues the page: the org that was "after" may have left the
        // index meanwhile, which a start key would not tolerate on real DynamoDB.
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":due", Codecs.s(Keys.LOW_CREDIT_DUE));
        after.ifPresent(org -> values.put(":after", Codecs.s(org.value())));
        return dynamo.query(b -> b.tableName(table).indexName(CreditsTable.LOW_CREDIT_INDEX)
                        .keyConditionExpression("lowCreditPK = :due" + (after.isPresent() ? " AND lowCreditSK > :after" : ""))
                        .expressionAttributeValues(values)
                        .limit(limit))
                .items().stream().map(AccountItem::decode).toList();
    }

    @Override
    public OrgItems everything(OrgId org) {
        List<Map<String, AttributeValue>> items = queryAll(QueryRequest.builder().tableName(table)
                .keyConditionExpression("PK = :pk")
                .expressionAttributeValues(Map.of(":pk", Codecs.s(Keys.orgPk(org))))
                .consistentRead(true).build());
        Account account = Account.open(org);
        List<NewEntry> entries = new ArrayList<>();
        List<Invite> invites = new ArrayList<>();
        List<IdempotencyRecord> records = new ArrayList<>();
        List<Purchase> purchases = new ArrayList<>();
        List<UsagePeriod> days = new ArrayList<>();
        List<UsagePeriod> months = new ArrayList<>();
        AutoTopUp autoTopUp = AutoTopUp.none(org);
        List<TopUpAttempt> attempts = new ArrayList<>();
        for (Map<String, AttributeValue> item : items) {
            String sk = item.get(SK).s();
            if (sk.equals(Keys.ACCOUNT)) {
                account = AccountItem.decode(item);
            } else if (sk.startsWith(Keys.LOG)) {
                entries.add(LogItem.decode(item));
            } else if (sk.startsWith(Keys.INVITE)) {
                invites.add(InviteItem.decode(item));
            } else if (sk.startsWith(Keys.PURCHASE)) {
                purchases.add(PurchaseItem.decode(item));
            } else if (sk.startsWith(Keys.USAGE_DAY)) {
                days.add(UsageItem.decode(item));
            } else if (sk.startsWith(Keys.USAGE_MONTH)) {
                months.add(UsageItem.decode(item));
            } else if (sk.equals(Keys.AUTO_TOP_UP)) {
                autoTopUp = AutoTopUpItem.decode(item);
            } else if (sk.startsWith(Keys.TOP_UP)) {
                attempts.add(AutoTopUpItem.ATTEMPT.decode(item));
            } else if (RecordItem.isRecord(sk)) {
                records.add(RecordItem.decode(item));
            } else {
                throw new IllegalStateException("an item this code does not write: " + sk);
            }
        }
        // Placed as the log shows them (from the account's numbers, newest first): reconciliation checks the
        // positions against a forward count.
        List<LogEntry> log = LogReader.placed(account, entries.reversed());
        return new OrgItems(account, log, invites, records, purchases, days, months, autoTopUp, attempts);
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
