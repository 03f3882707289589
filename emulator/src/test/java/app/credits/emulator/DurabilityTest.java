package app.credits.emulator;

import static app.credits.emulator.Sdk.item;
import static app.credits.emulator.Sdk.n;
import static app.credits.emulator.Sdk.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

class DurabilityTest {

    private static DynamoDbEmulator open(Path dir) {
        return DynamoDbEmulator.start(new EmulatorOptions(0, dir));
    }

    @Test
    void writesSurviveCloseAndReopen(@TempDir Path dir) {
        String t;
        try (DynamoDbEmulator emu = open(dir); DynamoDbClient ddb = Sdk.client(emu.endpoint())) {
            t = Sdk.createTable(ddb, "durable", "S");
            ddb.putItem(p -> p.tableName(t).item(item("pk", s("a"), "sk", s("1"), "v", n("1.5"))));
            ddb.updateItem(u -> u.tableName(t).key(item("pk", s("a"), "sk", s("1"))).updateExpression("ADD v :x")
                    .expressionAttributeValues(Map.of(":x", n("0.25"))));
            ddb.transactWriteItems(x -> x.clientRequestToken("tok-1").transactItems(
                    TransactWriteItem.builder().put(p -> p.tableName(t).item(item("pk", s("a"), "sk", s("2")))).build(),
                    TransactWriteItem.builder().put(p -> p.tableName(t).item(item("pk", s("a"), "sk", s("3")))).build()));
            ddb.putItem(p -> p.tableName(t).item(item("pk", s("gone"), "sk", s("x"))));
            ddb.deleteItem(d -> d.tableName(t).key(item("pk", s("gone"), "sk", s("x"))));
            ddb.updateTimeToLive(u -> u.tableName(t).timeToLiveSpecification(s2 -> s2.enabled(true).attributeName("expiresAt")));
            String dropped = Sdk.createTable(ddb, "dropped", null);
            ddb.deleteTable(d -> d.tableName(dropped));
        }
        try (DynamoDbEmulator emu = open(dir); DynamoDbClient ddb = Sdk.client(emu.endpoint())) {
            var items = ddb.query(q -> q.tableName(t).keyConditionExpression("pk = :p").expressionAttributeValues(Map.of(":p", s("a")))).items();
            assertEquals(3, items.size());
            assertEquals("1.75", items.getFirst().get("v").n());
            assertEquals(0, ddb.scan(r -> r.tableName(t).filterExpression("pk = :g").expressionAttributeValues(Map.of(":g", s("gone")))).count());
            assertEquals("ENABLED", ddb.describeTimeToLive(d -> d.tableName(t)).timeToLiveDescription().timeToLiveStatusAsString());
            assertEquals(1, ddb.listTables().tableNames().size());
            // the idempotency token survived the restart: the replay succeeds without writing again
            ddb.transactWriteItems(x -> x.clientRequestToken("tok-1").transactItems(
                    TransactWriteItem.builder().put(p -> p.tableName(t).item(item("pk", s("a"), "sk", s("2")))).build(),
                    TransactWriteItem.builder().put(p -> p.tableName(t).item(item("pk", s("a"), "sk", s("3")))).build()));
            assertEquals(0, emu.stats().itemsWritten("TransactWriteItems"));
        }
    }

    @Test
    void tornLastJournalLineIsIgnoredAndTruncated(@TempDir Path dir) throws IOException {
        String t;
        try (DynamoDbEmulator emu = open(dir); DynamoDbClient ddb = Sdk.client(emu.endpoint())) {
            t = Sdk.createTable(ddb, "torn", null);
            ddb.putItem(p -> p.tableName(t).item(item("pk", s("kept"))));
        }
        Path journal = dir.resolve("journal.jsonl");
        long goodSize = Files.size(journal);
        // simulate kill -9 in the middle of appending a record
        Files.writeString(journal, "{\"seq\":99,\"op\":\"write\",\"w\":[{\"t\":\"" + t + "\",\"k\":{\"pk\":{\"S\":\"lo",
                StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        try (DynamoDbEmulator emu = open(dir); DynamoDbClient ddb = Sdk.client(emu.endpoint())) {
            assertEquals(1, ddb.scan(r -> r.tableName(t)).count());
            assertEquals(goodSize, Files.size(journal));
            ddb.putItem(p -> p.tableName(t).item(item("pk", s("after"))));
        }
        try (DynamoDbEmulator emu = open(dir); DynamoDbClient ddb = Sdk.client(emu.endpoint())) {
            assertEquals(2, ddb.scan(r -> r.tableName(t)).count());
        }
    }

    @Test
    void aSecondEmulatorOnTheSameDataDirIsRefused(@TempDir Path dir) {
        try (DynamoDbEmulator first = open(dir)) {
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> open(dir));
            assertInstanceOf(IOException.class, e.getCause());
            assertTrue(e.getMessage().contains("locked by another running emulator"), e.getMessage());
        }
        // released on close
        open(dir).close();
    }

    @Test
    void anUnusableDataDirIsRefusedWithAClearMessage(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> open(file));
        assertTrue(e.getMessage().contains("data dir"), e.getMessage());
    }

    @Test
    void largeJournalIsCompactedIntoASnapshotOnStart(@TempDir Path dir) throws IOException {
        long saved = Storage.compactThreshold;
        Storage.compactThreshold = 10_000;
        try {
            String t;
            try (DynamoDbEmulator emu = open(dir); DynamoDbClient ddb = Sdk.client(emu.endpoint())) {
                t = Sdk.createTable(ddb, "compact", null);
                for (int i = 0; i < 50; i++) {
                    int k = i;
                    ddb.putItem(p -> p.tableName(t).item(item("pk", s("k" + (k % 10)), "v", n(k), "pad", s("x".repeat(250)))));
                }
            }
            try (DynamoDbEmulator emu = open(dir)) {
                assertTrue(Files.exists(dir.resolve("snapshot.jsonl")));
                assertFalse(Files.exists(dir.resolve("snapshot.jsonl.tmp")));
                assertEquals(0, Files.size(dir.resolve("journal.jsonl")));
                try (DynamoDbClient ddb = Sdk.client(emu.endpoint())) {
                    ddb.putItem(p -> p.tableName(t).item(item("pk", s("new"))));
                }
            }
            try (DynamoDbEmulator emu = open(dir); DynamoDbClient ddb = Sdk.client(emu.endpoint())) {
                var items = ddb.scan(r -> r.tableName(t)).items();
                assertEquals(11, items.size());
                assertEquals("49", ddb.getItem(g -> g.tableName(t).key(item("pk", s("k9")))).item().get("v").n());
            }
        } finally {
            Storage.compactThreshold = saved;
        }
    }

    @Test
    void inMemoryEmulatorsAreIndependent() {
        try (DynamoDbEmulator a = DynamoDbEmulator.startInMemory(); DynamoDbEmulator b = DynamoDbEmulator.startInMemory();
             DynamoDbClient ca = Sdk.client(a.endpoint()); DynamoDbClient cb = Sdk.client(b.endpoint())) {
            String t = Sdk.createTable(ca, "mem", null);
            assertThrows(ResourceNotFoundException.class, () -> cb.describeTable(d -> d.tableName(t)));
        }
    }
}
