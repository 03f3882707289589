package app.credits.ledger.dynamo;

import app.credits.ledger.Account;
import app.credits.ledger.Credits;
import app.credits.ledger.EntryType;
import app.credits.ledger.LogEntry;
import app.credits.ledger.OrgId;
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
 * Benchmark seeding only: writes healthy orgs (an account and its one bonus log entry) 25 items per
 * BatchWriteItem, through the ledger's own item mapping (package-private, hence this package), because seeding
 * 100,000 orgs one ledger transaction at a time takes many minutes. Never used by the product or its tests.
 */
public final class BulkAccounts {
    private BulkAccounts() {
    }

    public static void writeHealthy(DynamoDbClient dynamo, String table, List<OrgId> orgs, Credits credits, Instant at) {
        List<WriteRequest> batch = new ArrayList<>(25);
        for (OrgId org : orgs) {
            Account account = Account.open(org).move(EntryType.BONUS, credits, at);
            LogEntry entry = new LogEntry(account.lastSeq(), EntryType.BONUS, credits, account.balance(), at,
                    "benchmark seed", "seed-" + org.value());
            batch.add(put(Items.account(account)));
            batch.add(put(Items.entry(org, entry)));
            if (batch.size() >= 24) {
                write(dynamo, table, batch);
                batch = new ArrayList<>(25);
            }
        }
        if (!batch.isEmpty()) {
            write(dynamo, table, batch);
        }
    }

    private static WriteRequest put(Map<String, AttributeValue> item) {
        return WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build();
    }

    private static void write(DynamoDbClient dynamo, String table, List<WriteRequest> requests) {
        Map<String, List<WriteRequest>> pending = Map.of(table, requests);
        while (!pending.isEmpty() && !pending.getOrDefault(table, List.of()).isEmpty()) {
            Map<String, List<WriteRequest>> current = pending;
            BatchWriteItemResponse response = dynamo.batchWriteItem(b -> b.requestItems(current));
            pending = response.hasUnprocessedItems() ? response.unprocessedItems() : Map.of();
        }
    }
}
