package app.credits.emulator;

import static app.credits.emulator.Sdk.item;
import static app.credits.emulator.Sdk.n;
import static app.credits.emulator.Sdk.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

class ConcurrencyTest {

    /**
     * 100 client threads each perform 20 increments with the classic optimistic loop: read the item (with its version),
     * then write value+1 / version+1 conditioned on the version read, retrying on ConditionalCheckFailed with jittered
     * backoff. Threads are spread over 25 hot counters (4 contenders each) so the serial chains of successes can
     * proceed in parallel on a 2-core machine; every counter must end exact (no lost or doubled update).
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void hundredThreadsTimesTwentyOptimisticIncrementsEndExact() throws Exception {
        try (DynamoDbEmulator emu = DynamoDbEmulator.startInMemory(); DynamoDbClient ddb = Sdk.client(emu.endpoint())) {
            String t = Sdk.createTable(ddb, "counter", null);
            int threads = 100, increments = 20, counters = 25;
            for (int c = 0; c < counters; c++) {
                int k = c;
                ddb.putItem(p -> p.tableName(t).item(item("pk", s("c" + k), "value", n(0), "version", n(0))));
            }
            AtomicLong conflicts = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> futures = new ArrayList<>();
            for (int th = 0; th < threads; th++) {
                Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> key = item("pk", s("c" + th % counters));
                futures.add(pool.submit(() -> {
                    java.util.concurrent.ThreadLocalRandom rnd = java.util.concurrent.ThreadLocalRandom.current();
                    for (int i = 0; i < increments; i++) {
                        // read the current version, then write conditioned on it; on a conflict DynamoDB hands back
                        // the current item (ReturnValuesOnConditionCheckFailure=ALL_OLD), which is the next read
                        var cur = ddb.getItem(g -> g.tableName(t).key(key).consistentRead(true)).item();
                        for (int attempt = 0; ; attempt++) {
                            long version = Long.parseLong(cur.get("version").n());
                            long value = Long.parseLong(cur.get("value").n());
                            try {
                                ddb.updateItem(u -> u.tableName(t).key(key)
                                        .updateExpression("SET #v = :nv, version = :nver")
                                        .conditionExpression("version = :ver")
                                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                                        .expressionAttributeNames(Map.of("#v", "value"))
                                        .expressionAttributeValues(Map.of(":nv", n(value + 1), ":nver", n(version + 1), ":ver", n(version))));
                                break;
                            } catch (ConditionalCheckFailedException e) {
                                conflicts.incrementAndGet();
                                cur = e.item();
                                // what a real client does: backoff with full jitter
                                Thread.sleep(rnd.nextLong(1 + Math.min(16, 1L << Math.min(attempt, 4))));
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) f.get();
            pool.shutdown();
            long total = 0;
            for (int c = 0; c < counters; c++) {
                int k = c;
                var end = ddb.getItem(g -> g.tableName(t).key(item("pk", s("c" + k))).consistentRead(true)).item();
                assertEquals(String.valueOf(threads * increments / counters), end.get("value").n());
                assertEquals(end.get("value"), end.get("version"));
                total += Long.parseLong(end.get("value").n());
            }
            assertEquals(threads * increments, total);
            assertTrue(conflicts.get() > 0, "expected some optimistic-lock conflicts");
            System.out.println("conflicts=" + conflicts + " " + emu.stats());
            assertEquals(threads * increments, emu.stats().itemsWritten("UpdateItem"));
            assertEquals(conflicts.get(), emu.stats().errors("UpdateItem"));
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void concurrentTransfersConserveTheTotal() throws Exception {
        try (DynamoDbEmulator emu = DynamoDbEmulator.startInMemory(); DynamoDbClient ddb = Sdk.client(emu.endpoint())) {
            String t = Sdk.createTable(ddb, "bank", null);
            for (int a = 0; a < 4; a++) {
                int k = a;
                ddb.putItem(p -> p.tableName(t).item(item("pk", s("a" + k), "balance", n(1000))));
            }
            ExecutorService pool = Executors.newFixedThreadPool(16);
            List<Future<?>> futures = new ArrayList<>();
            for (int th = 0; th < 16; th++) {
                int seed = th;
                futures.add(pool.submit(() -> {
                    java.util.Random rnd = new java.util.Random(seed);
                    for (int i = 0; i < 25; i++) {
                        int from = rnd.nextInt(4), to = (from + 1 + rnd.nextInt(3)) % 4;
                        long amt = 1 + rnd.nextInt(50);
                        try {
                            ddb.transactWriteItems(x -> x.transactItems(
                                    TransactWriteItem.builder().update(u -> u.tableName(t).key(item("pk", s("a" + from)))
                                            .updateExpression("SET balance = balance - :a").conditionExpression("balance >= :a")
                                            .expressionAttributeValues(Map.of(":a", n(amt)))).build(),
                                    TransactWriteItem.builder().update(u -> u.tableName(t).key(item("pk", s("a" + to)))
                                            .updateExpression("ADD balance :a").expressionAttributeValues(Map.of(":a", n(amt)))).build()));
                        } catch (TransactionCanceledException e) {
                            // insufficient funds: nothing applied
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) f.get();
            pool.shutdown();
            long total = 0;
            for (var it : ddb.scan(r -> r.tableName(t).consistentRead(true)).items()) {
                long b = Long.parseLong(it.get("balance").n());
                assertTrue(b >= 0);
                total += b;
            }
            assertEquals(4000, total);
        }
    }
}
