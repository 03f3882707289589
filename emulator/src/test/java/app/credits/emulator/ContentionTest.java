package app.credits.emulator;

import static app.credits.emulator.Sdk.item;
import static app.credits.emulator.Sdk.n;
import static app.credits.emulator.Sdk.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;
import software.amazon.awssdk.services.dynamodb.model.TransactionInProgressException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Contention mode: a TransactWriteItems holds its items while in flight. The tests keep a transaction in flight with
 * the emulator's hold hook (no latency, no timing): what overlaps it is decided by order, not by the clock.
 */
class ContentionTest {

    /** Conflicts without latency: a transaction is in flight only while the hold hook keeps it. */
    private static DynamoDbEmulator startWithConflicts(Duration latency, Duration jitter) {
        return DynamoDbEmulator.start(EmulatorOptions.inMemory().withContention(Contention.of(latency, jitter)));
    }

    private static TransactWriteItem increment(String table, String pk) {
        return TransactWriteItem.builder().update(u -> u.tableName(table).key(item("pk", s(pk)))
                .updateExpression("SET v = v + :one").expressionAttributeValues(Map.of(":one", n(1)))).build();
    }

    private static TransactGetItem read(String table, String pk) {
        return TransactGetItem.builder().get(g -> g.tableName(table).key(item("pk", s(pk)))).build();
    }

    private static String value(DynamoDbClient ddb, String table, String pk) {
        return ddb.getItem(g -> g.tableName(table).key(item("pk", s(pk))).consistentRead(true)).item().get("v").n();
    }

    private static List<String> codes(TransactionCanceledException e) {
        return e.cancellationReasons().stream().map(CancellationReason::code).toList();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aTransactionInFlightHoldsItsItemsAgainstWritersWhileReadersSeeTheLastCommit() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (DynamoDbEmulator emu = startWithConflicts(Duration.ZERO, Duration.ZERO); DynamoDbClient ddb = Sdk.client(emu.endpoint())) {
            String t = Sdk.createTable(ddb, "held", null);
            ddb.putItem(p -> p.tableName(t).item(item("pk", s("held"), "v", n(0))));
            ddb.putItem(p -> p.tableName(t).item(item("pk", s("free"), "v", n(0))));
            CountDownLatch held = new CountDownLatch(1), release = new CountDownLatch(1);
            AtomicBoolean first = new AtomicBoolean(true);
            emu.setTransactionHoldHook(() -> {
                if (!first.compareAndSet(true, false)) return;
                held.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            // GIVEN a transaction incrementing "held", kept in flight
            TransactWriteItemsRequest inFlight = TransactWriteItemsRequest.builder().clientRequestToken("in-flight")
                    .transactItems(increment(t, "held")).build();
            Future<?> firstTransaction = pool.submit(() -> ddb.transactWriteItems(inFlight));
            assertTrue(held.await(30, TimeUnit.SECONDS));

            // WHEN another transaction touches the held item THEN it is cancelled: TransactionConflict there, None elsewhere
            TransactionCanceledException cancelled = assertThrows(TransactionCanceledException.class,
                    () -> ddb.transactWriteItems(x -> x.transactItems(increment(t, "free"), increment(t, "held"))));
            assertEquals(List.of("None", "TransactionConflict"), codes(cancelled));
            assertEquals("Transaction is ongoing for the item", cancelled.cancellationReasons().get(1).message());
            assertTrue(cancelled.getMessage().contains("[None, TransactionConflict]"), cancelled.getMessage());
            // AND a transaction on other items goes through
            ddb.transactWriteItems(x -> x.transactItems(increment(t, "free")));
            // AND single-item writes of the held item fail with TransactionConflictException, a batch as a whole
            assertThrows(TransactionConflictException.class, () -> ddb.putItem(p -> p.tableName(t).item(item("pk", s("held"), "v", n(9)))));
            assertThrows(TransactionConflictException.class, () -> ddb.updateItem(u -> u.tableName(t).key(item("pk", s("held")))
                    .updateExpression("SET v = :v").expressionAttributeValues(Map.of(":v", n(9)))));
            assertThrows(TransactionConflictException.class, () -> ddb.deleteItem(d -> d.tableName(t).key(item("pk", s("held")))));
            assertThrows(TransactionConflictException.class, () -> ddb.batchWriteItem(b -> b.requestItems(Map.of(t, List.of(
                    WriteRequest.builder().putRequest(PutRequest.builder().item(item("pk", s("other"))).build()).build(),
                    WriteRequest.builder().putRequest(PutRequest.builder().item(item("pk", s("held"), "v", n(9))).build()).build())))));
            // AND a TransactGetItems including it is cancelled the same way
            TransactionCanceledException readCancelled = assertThrows(TransactionCanceledException.class,
                    () -> ddb.transactGetItems(x -> x.transactItems(read(t, "free"), read(t, "held"))));
            assertEquals(List.of("None", "TransactionConflict"), codes(readCancelled));
            // AND a retry of the transaction in flight (same ClientRequestToken) is told it is in progress
            assertThrows(TransactionInProgressException.class, () -> ddb.transactWriteItems(inFlight));
            // AND reads see the last committed state
            assertEquals("0", value(ddb, t, "held"));
            assertFalse(ddb.getItem(g -> g.tableName(t).key(item("pk", s("other"))).consistentRead(true)).hasItem());

            // WHEN the transaction in flight is let go THEN it commits, and nothing refused was written
            release.countDown();
            firstTransaction.get(30, TimeUnit.SECONDS);
            assertEquals("1", value(ddb, t, "held"));
            assertEquals("1", value(ddb, t, "free"));
            EmulatorStats stats = emu.stats();
            for (String op : List.of("TransactWriteItems", "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactGetItems")) {
                assertEquals(1, stats.transactionConflicts(op), op);
            }
            assertEquals(6, stats.totalTransactionConflicts());
            // the retry of the same request after the commit is the idempotent replay, not a second increment
            ddb.transactWriteItems(inFlight);
            assertEquals("1", value(ddb, t, "held"));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void withContentionOffATransactionNeverGoesInFlight() {
        try (DynamoDbEmulator emu = DynamoDbEmulator.startInMemory(); DynamoDbClient ddb = Sdk.client(emu.endpoint())) {
            AtomicInteger hookCalls = new AtomicInteger();
            emu.setTransactionHoldHook(hookCalls::incrementAndGet);
            String t = Sdk.createTable(ddb, "off", null);
            ddb.putItem(p -> p.tableName(t).item(item("pk", s("a"), "v", n(0))));
            ddb.transactWriteItems(x -> x.transactItems(increment(t, "a")));
            assertEquals(Contention.off(), emu.contention());
            assertEquals(0, hookCalls.get());
            assertEquals(0, emu.stats().totalTransactionConflicts());
            assertEquals("1", value(ddb, t, "a"));
        }
    }

    /**
     * N callers increment one counter in transactions (each with a log item of its own), retrying on
     * TransactionConflict. The first transaction is kept in flight until every other caller has been refused once,
     * so conflicts are certain; every increment must still land exactly once.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void concurrentTransactionsOnOneItemAllCommitWhenRetriedWithoutALostUpdate() throws Exception {
        int callers = 8, incrementsEach = 5;
        try (DynamoDbEmulator emu = startWithConflicts(Duration.ofMillis(1), Duration.ofMillis(2));
             DynamoDbClient ddb = Sdk.client(emu.endpoint())) {
            String t = Sdk.createTable(ddb, "hot", null);
            ddb.putItem(p -> p.tableName(t).item(item("pk", s("counter"), "v", n(0))));
            CountDownLatch everyOtherCallerRefused = new CountDownLatch(callers - 1);
            AtomicBoolean first = new AtomicBoolean(true), waitedInVain = new AtomicBoolean();
            emu.setTransactionHoldHook(() -> {
                if (!first.compareAndSet(true, false)) return;
                try {
                    if (!everyOtherCallerRefused.await(30, TimeUnit.SECONDS)) waitedInVain.set(true);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            AtomicLong refusals = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(callers);
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                String caller = "c" + c;
                futures.add(pool.submit(() -> {
                    boolean refusedBefore = false;
                    for (int i = 0; i < incrementsEach; i++) {
                        String log = "log-" + caller + "-" + i;
                        while (true) {
                            try {
                                ddb.transactWriteItems(x -> x.transactItems(increment(t, "counter"),
                                        TransactWriteItem.builder().put(p -> p.tableName(t).item(item("pk", s(log)))
                                                .conditionExpression("attribute_not_exists(pk)")).build()));
                                break;
                            } catch (TransactionCanceledException e) {
                                assertEquals(List.of("TransactionConflict", "None"), codes(e));
                                refusals.incrementAndGet();
                                if (!refusedBefore) everyOtherCallerRefused.countDown();
                                refusedBefore = true;
                                Thread.sleep(ThreadLocalRandom.current().nextLong(4));
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) f.get();
            pool.shutdown();
            assertFalse(waitedInVain.get(), "every other caller should have met the transaction in flight");
            assertEquals(String.valueOf(callers * incrementsEach), value(ddb, t, "counter"));
            Set<String> logs = new java.util.HashSet<>();
            ddb.scan(r -> r.tableName(t).consistentRead(true)).items().forEach(it -> logs.add(it.get("pk").s()));
            logs.remove("counter");
            assertEquals(callers * incrementsEach, logs.size());
            assertTrue(refusals.get() >= callers - 1, "refusals: " + refusals);
            assertEquals(refusals.get(), emu.stats().transactionConflicts("TransactWriteItems"));
            assertEquals(callers * incrementsEach * 2L, emu.stats().itemsWritten("TransactWriteItems"));
        }
    }

    @Test
    void theModeIsChosenByOptionsOrOnTheCommandLine() {
        assertEquals(Contention.off(), EmulatorOptions.inMemory().contention());
        assertEquals(Contention.off(), new EmulatorOptions(0, null).contention());
        assertEquals(Contention.of(Duration.ofMillis(5), Duration.ofMillis(3)), Contention.parse("5ms+3ms"));
        assertEquals(Contention.of(Duration.ZERO, Duration.ZERO), Contention.parse("0ms"));
        assertEquals(Contention.dynamoDbLike(), Contention.parse("dynamodb"));
        assertEquals(Contention.off(), Contention.parse("off"));
        assertThrows(IllegalArgumentException.class, () -> Contention.parse("fast"));
        EmulatorOptions cli = DynamoDbEmulator.parseArguments(new String[] {"--port", "0", "--contention", "dynamodb"});
        assertEquals(Contention.dynamoDbLike(), cli.contention());
        assertEquals(Contention.off(), DynamoDbEmulator.parseArguments(new String[] {"--in-memory"}).contention());
        assertThrows(IllegalArgumentException.class, () -> DynamoDbEmulator.parseArguments(new String[] {"--contention"}));
        assertThrows(IllegalArgumentException.class, () -> DynamoDbEmulator.parseArguments(new String[] {"--port", "x"}));
    }
}
