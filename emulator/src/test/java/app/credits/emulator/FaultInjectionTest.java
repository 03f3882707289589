package app.credits.emulator;

import static app.credits.emulator.Sdk.item;
import static app.credits.emulator.Sdk.n;
import static app.credits.emulator.Sdk.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;

class FaultInjectionTest {
    static DynamoDbEmulator emu;
    static DynamoDbClient ddb;
    static String table;

    @BeforeAll
    static void start() {
        emu = DynamoDbEmulator.startInMemory();
        ddb = Sdk.client(emu.endpoint());
        table = Sdk.createTable(ddb, "faults", null);
    }

    @AfterAll
    static void stop() {
        ddb.close();
        emu.close();
    }

    @AfterEach
    void clear() {
        emu.setFaultInjector(null);
    }

    static boolean exists(String pk) {
        return ddb.getItem(g -> g.tableName(table).key(item("pk", s(pk))).consistentRead(true)).hasItem();
    }

    static TransactWriteItem put(String pk) {
        return TransactWriteItem.builder().put(p -> p.tableName(table).item(item("pk", s(pk)))).build();
    }

    @Test
    void failBeforeAnswersTheAwsErrorWithoutExecuting() {
        emu.setFaultInjector((op, req) -> op.equals("PutItem")
                ? FaultInjector.failBefore("ProvisionedThroughputExceededException", 400, "slow down") : FaultInjector.proceed());
        ProvisionedThroughputExceededException e = assertThrows(ProvisionedThroughputExceededException.class,
                () -> ddb.putItem(p -> p.tableName(table).item(item("pk", s("fb")))));
        assertEquals("slow down", e.awsErrorDetails().errorMessage());
        assertFalse(exists("fb"));

        emu.setFaultInjector((op, req) -> op.equals("PutItem") ? FaultInjector.failBefore("InternalServerError", 500, null) : FaultInjector.proceed());
        DynamoDbException ise = assertThrows(DynamoDbException.class, () -> ddb.putItem(p -> p.tableName(table).item(item("pk", s("fb")))));
        assertEquals(500, ise.statusCode());
        assertEquals("InternalServerError", ise.awsErrorDetails().errorCode());

        emu.setFaultInjector((op, req) -> op.equals("PutItem") ? FaultInjector.failBefore("ServiceUnavailable", 503, "down") : FaultInjector.proceed());
        DynamoDbException su = assertThrows(DynamoDbException.class, () -> ddb.putItem(p -> p.tableName(table).item(item("pk", s("fb")))));
        assertEquals(503, su.statusCode());

        emu.setFaultInjector((op, req) -> FaultInjector.failBefore("ThrottlingException", 400, "throttled"));
        DynamoDbException th = assertThrows(DynamoDbException.class, () -> ddb.putItem(p -> p.tableName(table).item(item("pk", s("fb")))));
        assertEquals("ThrottlingException", th.awsErrorDetails().errorCode());
        assertTrue(th.isThrottlingException());
        emu.setFaultInjector(null);
        assertFalse(exists("fb"));
    }

    @Test
    void sdkRetriesRecoverFromATransientThrottle() {
        AtomicInteger calls = new AtomicInteger();
        emu.setFaultInjector((op, req) -> op.equals("PutItem") && calls.incrementAndGet() <= 2
                ? FaultInjector.failBefore(calls.get() == 1 ? "ProvisionedThroughputExceededException" : "InternalServerError",
                        calls.get() == 1 ? 400 : 500, "transient") : FaultInjector.proceed());
        try (DynamoDbClient retrying = Sdk.client(emu.endpoint(), true)) {
            retrying.putItem(p -> p.tableName(table).item(item("pk", s("retry"))));
        }
        assertEquals(3, calls.get());
        assertTrue(exists("retry"));
    }

    @Test
    void transactionConflictCancelsEveryItemWithoutExecuting() {
        emu.setFaultInjector(FaultInjector.once("TransactWriteItems", FaultInjector.transactionConflict()));
        TransactionCanceledException e = assertThrows(TransactionCanceledException.class,
                () -> ddb.transactWriteItems(t -> t.transactItems(put("tc1"), put("tc2"))));
        assertEquals(2, e.cancellationReasons().size());
        for (var r : e.cancellationReasons()) {
            assertEquals("TransactionConflict", r.code());
            assertEquals("Transaction is ongoing for the item", r.message());
        }
        assertTrue(e.getMessage().contains("[TransactionConflict, TransactionConflict]"));
        assertFalse(exists("tc1"));
        // once: the retry goes through
        ddb.transactWriteItems(t -> t.transactItems(put("tc1"), put("tc2")));
        assertTrue(exists("tc1") && exists("tc2"));
        // single-item operations see TransactionConflictException
        emu.setFaultInjector(FaultInjector.once("UpdateItem", FaultInjector.transactionConflict()));
        assertThrows(TransactionConflictException.class, () -> ddb.updateItem(u -> u.tableName(table).key(item("pk", s("tc1")))
                .updateExpression("SET v = :v").expressionAttributeValues(Map.of(":v", n(1)))));
    }

    @Test
    void failAfterCommitWritesButTheClientSeesAnError() {
        emu.setFaultInjector(FaultInjector.once("TransactWriteItems", FaultInjector.failAfterCommit("InternalServerError", 500)));
        DynamoDbException e = assertThrows(DynamoDbException.class,
                () -> ddb.transactWriteItems(t -> t.clientRequestToken("fac-1").transactItems(put("fac1"), put("fac2"))));
        assertEquals(500, e.statusCode());
        assertTrue(exists("fac1") && exists("fac2"), "the transaction was committed despite the error");
        // the safe recovery: retry with the same ClientRequestToken succeeds without applying twice
        ddb.transactWriteItems(t -> t.clientRequestToken("fac-1").transactItems(put("fac1"), put("fac2")));

        emu.setFaultInjector(FaultInjector.once("UpdateItem", FaultInjector.failAfterCommit("ProvisionedThroughputExceededException", 400)));
        assertThrows(ProvisionedThroughputExceededException.class, () -> ddb.updateItem(u -> u.tableName(table)
                .key(item("pk", s("fac3"))).updateExpression("ADD v :one").expressionAttributeValues(Map.of(":one", n(1)))));
        assertEquals("1", ddb.getItem(g -> g.tableName(table).key(item("pk", s("fac3")))).item().get("v").n());
    }

    @Test
    void delayThenProceed() {
        emu.setFaultInjector(FaultInjector.once("PutItem", FaultInjector.delay(Duration.ofMillis(300))));
        long t0 = System.nanoTime();
        ddb.putItem(p -> p.tableName(table).item(item("pk", s("slow"))));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 300, "took " + ms + " ms");
        assertTrue(exists("slow"));
    }

    @Test
    void injectorSeesOperationAndParsedRequest() {
        StringBuilder seen = new StringBuilder();
        emu.setFaultInjector((op, req) -> {
            if (op.equals("PutItem")) seen.append(req.path("Item").path("pk").path("S").asText());
            return FaultInjector.proceed();
        });
        ddb.putItem(p -> p.tableName(table).item(item("pk", s("observed"))));
        assertEquals("observed", seen.toString());
    }
}
