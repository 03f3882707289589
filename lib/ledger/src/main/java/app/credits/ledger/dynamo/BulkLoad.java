package app.credits.ledger.dynamo;

import app.credits.ledger.Account;
import app.credits.ledger.EntryType;
import app.credits.ledger.NewEntry;
import app.credits.ledger.OrgId;
import app.credits.ledger.Purchase;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Loading many orgs, or one very long log, in bulk: 25 items per BatchWriteItem instead of one transaction per
 * movement, through the same item schemas as the store, leaving books that reconcile. For benchmarks, scale tests
 * and a migration of existing balances; only for orgs that nothing else writes meanwhile (no conditions are
 * checked). Only bonuses and adjustments, the movements that need no other items (a purchase needs its Stripe
 * facts, a submission its idempotency record).
 */
public final class BulkLoad {
    private final DynamoDbClient dynamo;
    private final String table;
    private final List<WriteRequest> batch = new ArrayList<>(25);

    public BulkLoad(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    /** Writes a never-written org with these movements at {@code at}; returns its account. Call {@link #flush()} at the end. */
    public Account org(OrgId org, List<Purchase.Movement> movements, Instant at) {
        for (Purchase.Movement m : movements) {
            if (m.type() != EntryType.BONUS && m.type() != EntryType.ADJUSTMENT) {
                throw new IllegalArgumentException("bulk loads bonuses and adjustments, not " + m.type());
            }
        }
        Account open = Account.open(org);
        Account.Moved moved = open.moveAll(movements, at);
        for (NewEntry entry : moved.entries()) {
            add(LogItem.encode(org, entry));
        }
        // What a transaction would have added to counters that were zero.
        for (UsageItem.Totals totals : UsageItem.totals(moved.entries())) {
            add(UsageItem.item(org, totals));
        }
        Account stored = moved.account().atTermsVersion(1); // a first write stores the terms' first version
        add(AccountItem.SCHEMA.encode(stored));
        return stored;
    }

    public void flush() {
        while (!batch.isEmpty()) {
            Map<String, List<WriteRequest>> pending = Map.of(table, List.copyOf(batch));
            batch.clear();
            while (!pending.getOrDefault(table, List.of()).isEmpty()) {
                Map<String, List<WriteRequest>> current = pending;
                BatchWriteItemResponse response = dynamo.batchWriteItem(b -> b.requestItems(current));
                pending = response.hasUnprocessedItems() ? response.unprocessedItems() : Map.of();
            }
        }
    }

    private void add(Map<String, AttributeValue> item) {
        batch.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
        if (batch.size() == 25) {
            flush();
        }
    }
}
