package app.credits.emulator;

import static app.credits.emulator.Sdk.item;
import static app.credits.emulator.Sdk.n;
import static app.credits.emulator.Sdk.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.Select;

class QueryScanTest {
    static DynamoDbEmulator emu;
    static DynamoDbClient ddb;

    @BeforeAll
    static void start() {
        emu = DynamoDbEmulator.startInMemory();
        ddb = Sdk.client(emu.endpoint());
    }

    @AfterAll
    static void stop() {
        ddb.close();
        emu.close();
    }

    static DynamoDbException validation(Runnable r) {
        DynamoDbException e = assertThrows(DynamoDbException.class, r::run);
        assertEquals("ValidationException", e.awsErrorDetails().errorCode(), e.getMessage());
        return e;
    }

    static List<String> sks(List<Map<String, AttributeValue>> items) {
        List<String> out = new ArrayList<>();
        items.forEach(i -> out.add(i.get("sk").s()));
        return out;
    }

    @Test
    void queryOrdersBySortKeyWithKeyConditionsForwardAndBackward() {
        String t = Sdk.createTable(ddb, "q", "S");
        for (String sk : List.of("b", "a", "c#2", "c#1", "d", "é", "Z")) {
            ddb.putItem(p -> p.tableName(t).item(item("pk", s("A"), "sk", s(sk))));
        }
        ddb.putItem(p -> p.tableName(t).item(item("pk", s("B"), "sk", s("a"))));
        java.util.function.BiFunction<String, Map<String, AttributeValue>, QueryResponse> q = (cond, vals) -> {
            Map<String, AttributeValue> v = new java.util.HashMap<>(vals);
            v.put(":p", s("A"));
            return ddb.query(r -> r.tableName(t).keyConditionExpression("pk = :p" + cond).expressionAttributeValues(v));
        };
        assertEquals(List.of("Z", "a", "b", "c#1", "c#2", "d", "é"), sks(q.apply("", Map.of()).items())); // UTF-8 byte order
        assertEquals(List.of("c#1", "c#2"), sks(q.apply(" AND begins_with(sk, :c)", Map.of(":c", s("c#"))).items()));
        assertEquals(List.of("b", "c#1", "c#2"), sks(q.apply(" AND sk BETWEEN :x AND :y", Map.of(":x", s("b"), ":y", s("c#2"))).items()));
        assertEquals(List.of("Z", "a"), sks(q.apply(" AND sk < :x", Map.of(":x", s("b"))).items()));
        assertEquals(List.of("Z", "a", "b"), sks(q.apply(" AND sk <= :x", Map.of(":x", s("b"))).items()));
        assertEquals(List.of("d", "é"), sks(q.apply(" AND sk > :x", Map.of(":x", s("c#2"))).items()));
        assertEquals(List.of("c#2", "d", "é"), sks(q.apply(" AND sk >= :x", Map.of(":x", s("c#2"))).items()));
        assertEquals(List.of("d"), sks(q.apply(" AND sk = :x", Map.of(":x", s("d"))).items()));
        QueryResponse back = ddb.query(r -> r.tableName(t).keyConditionExpression("pk = :p AND begins_with(sk, :c)")
                .expressionAttributeValues(Map.of(":p", s("A"), ":c", s("c#"))).scanIndexForward(false));
        assertEquals(List.of("c#2", "c#1"), sks(back.items()));
        QueryResponse count = ddb.query(r -> r.tableName(t).keyConditionExpression("pk = :p").select(Select.COUNT)
                .expressionAttributeValues(Map.of(":p", s("A"))));
        assertEquals(7, count.count());
        assertFalse(count.hasItems() && !count.items().isEmpty());
    }

    @Test
    void aStartKeyOutsideTheKeyConditionIsRefusedAsDynamoDbDoes() {
        // GIVEN a partition with sort keys a..e
        String t = Sdk.createTable(ddb, "qesk", "S");
        for (String sk : List.of("a", "b", "c", "d", "e")) ddb.putItem(p -> p.tableName(t).item(item("pk", s("A"), "sk", s(sk))));
        java.util.function.BiFunction<String, String, QueryResponse> after = (cond, start) -> ddb.query(r -> r.tableName(t)
                .keyConditionExpression("pk = :p AND " + cond).expressionAttributeValues(Map.of(":p", s("A"), ":x", s("c")))
                .exclusiveStartKey(item("pk", s("A"), "sk", s(start))));
        // WHEN a page starts after a key inside the condition THEN it continues from there
        assertEquals(List.of("b"), sks(after.apply("sk < :x", "a").items()));
        assertEquals(List.of("e"), sks(after.apply("sk >= :x", "d").items()));
        // WHEN the start key lies outside it THEN ValidationException (it used to be a 500 or a silently empty page)
        for (String[] c : List.of(new String[] {"sk < :x", "c"}, new String[] {"sk > :x", "b"}, new String[] {"begins_with(sk, :x)", "d"})) {
            assertTrue(validation(() -> after.apply(c[0], c[1])).getMessage()
                    .contains("The provided starting key does not match the range key predicate"), c[0]);
        }
    }

    @Test
    void numericSortKeysOrderNumerically() {
        String t = Sdk.createTable(ddb, "qn", "N");
        for (String v : List.of("10", "9", "-1", "2.5", "100")) ddb.putItem(p -> p.tableName(t).item(item("pk", s("A"), "sk", n(v))));
        QueryResponse r = ddb.query(q -> q.tableName(t).keyConditionExpression("pk = :p AND sk > :z")
                .expressionAttributeValues(Map.of(":p", s("A"), ":z", n(0))));
        List<String> got = new ArrayList<>();
        r.items().forEach(i -> got.add(i.get("sk").n()));
        assertEquals(List.of("2.5", "9", "10", "100"), got);
        validation(() -> ddb.query(q -> q.tableName(t).keyConditionExpression("pk = :p AND begins_with(sk, :z)")
                .expressionAttributeValues(Map.of(":p", s("A"), ":z", n(1)))));
    }

    @Test
    void limitCountsItemsEvaluatedBeforeTheFilter() {
        String t = Sdk.createTable(ddb, "ql", "N");
        for (int i = 1; i <= 10; i++) {
            int k = i;
            ddb.putItem(p -> p.tableName(t).item(item("pk", s("A"), "sk", n(k), "even", AttributeValue.fromBool(k % 2 == 0))));
        }
        QueryRequest.Builder base = QueryRequest.builder().tableName(t).keyConditionExpression("pk = :p")
                .filterExpression("even = :t").expressionAttributeValues(Map.of(":p", s("A"), ":t", AttributeValue.fromBool(true)))
                .limit(3);
        QueryResponse p1 = ddb.query(base.build());
        assertEquals(3, p1.scannedCount());
        assertEquals(1, p1.count()); // only sk=2 of 1,2,3 passes
        assertEquals(item("pk", s("A"), "sk", n(3)), p1.lastEvaluatedKey());
        // page through everything
        List<String> all = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        int pages = 0;
        do {
            QueryResponse page = ddb.query(base.exclusiveStartKey(start).build());
            page.items().forEach(i -> all.add(i.get("sk").n()));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
            pages++;
        } while (start != null);
        assertEquals(List.of("2", "4", "6", "8", "10"), all);
        assertEquals(4, pages); // 3+3+3+1
        // the filter may not use key attributes in a Query
        assertTrue(validation(() -> ddb.query(q -> q.tableName(t).keyConditionExpression("pk = :p").filterExpression("sk > :z")
                .expressionAttributeValues(Map.of(":p", s("A"), ":z", n(1))))).getMessage()
                .contains("Filter Expression can only contain non-primary key attributes"));
        // Limit must be positive
        validation(() -> ddb.query(q -> q.tableName(t).keyConditionExpression("pk = :p").limit(0)
                .expressionAttributeValues(Map.of(":p", s("A")))));
        // stats: items examined before the filter count as read
        emu.stats().reset();
        ddb.query(base.limit(null).exclusiveStartKey(null).build());
        assertEquals(10, emu.stats().itemsRead("Query"));
        assertEquals(1, emu.stats().requests("Query"));
    }

    @Test
    void sparseGsiQueryPaginatesInIndexOrderAndBackwards() {
        String t = Sdk.createTableWithGsi(ddb, "gsi", ProjectionType.ALL);
        // 7 items for owner "o1" (createdAt 1..7, two of them tied at 5), 2 for "o2", 3 without owner (sparse)
        int[] created = {3, 1, 5, 7, 2, 5, 6};
        for (int i = 0; i < created.length; i++) {
            int c = created[i];
            String sk = "s" + i;
            ddb.putItem(p -> p.tableName(t).item(item("pk", s("P" + (c % 2)), "sk", s(sk), "owner", s("o1"), "createdAt", n(c))));
        }
        ddb.putItem(p -> p.tableName(t).item(item("pk", s("X"), "sk", s("1"), "owner", s("o2"), "createdAt", n(1))));
        ddb.putItem(p -> p.tableName(t).item(item("pk", s("X"), "sk", s("2"), "owner", s("o2"), "createdAt", n(2))));
        for (int i = 0; i < 3; i++) {
            int k = i;
            ddb.putItem(p -> p.tableName(t).item(item("pk", s("N"), "sk", s("n" + k), "note", s("no owner"))));
        }
        // sparse: only the 9 items with owner+createdAt are in the index
        ScanResponse scan = ddb.scan(r -> r.tableName(t).indexName("byOwner"));
        assertEquals(9, scan.count());

        List<String> forward = pageAll(t, true);
        assertEquals(List.of("1", "2", "3", "5", "5", "6", "7"), forward);
        List<String> backward = pageAll(t, false);
        assertEquals(List.of("7", "6", "5", "5", "3", "2", "1"), backward);

        // LastEvaluatedKey of a GSI query holds the table key and the index key
        QueryResponse r = ddb.query(q -> q.tableName(t).indexName("byOwner").keyConditionExpression("#o = :o")
                .expressionAttributeNames(Map.of("#o", "owner")).expressionAttributeValues(Map.of(":o", s("o1"))).limit(2));
        assertEquals(Set.of("pk", "sk", "owner", "createdAt"), r.lastEvaluatedKey().keySet());

        // updating the index key moves the item; removing it drops it from the index
        ddb.updateItem(u -> u.tableName(t).key(item("pk", s("X"), "sk", s("1"))).updateExpression("SET createdAt = :c")
                .expressionAttributeValues(Map.of(":c", n(99))));
        ddb.updateItem(u -> u.tableName(t).key(item("pk", s("X"), "sk", s("2"))).updateExpression("REMOVE #o")
                .expressionAttributeNames(Map.of("#o", "owner")));
        QueryResponse o2 = ddb.query(q -> q.tableName(t).indexName("byOwner").keyConditionExpression("#o = :o")
                .expressionAttributeNames(Map.of("#o", "owner")).expressionAttributeValues(Map.of(":o", s("o2"))));
        assertEquals(1, o2.count());
        assertEquals("99", o2.items().getFirst().get("createdAt").n());

        // consistent reads are not supported on a GSI; wrong key types are rejected on write
        assertTrue(validation(() -> ddb.query(q -> q.tableName(t).indexName("byOwner").consistentRead(true)
                .keyConditionExpression("#o = :o").expressionAttributeNames(Map.of("#o", "owner"))
                .expressionAttributeValues(Map.of(":o", s("o2"))))).getMessage().contains("Consistent reads are not supported"));
        assertTrue(validation(() -> ddb.putItem(p -> p.tableName(t).item(item("pk", s("Y"), "sk", s("1"), "owner", n(5)))))
                .getMessage().contains("Type mismatch for Index Key owner"));
        validation(() -> ddb.query(q -> q.tableName(t).indexName("nope").keyConditionExpression("pk = :o")
                .expressionAttributeValues(Map.of(":o", s("o2")))));
    }

    private static List<String> pageAll(String t, boolean forward) {
        List<String> out = new ArrayList<>();
        Set<String> seenKeys = new HashSet<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> esk = start;
            QueryResponse page = ddb.query(q -> q.tableName(t).indexName("byOwner").keyConditionExpression("#o = :o")
                    .expressionAttributeNames(Map.of("#o", "owner")).expressionAttributeValues(Map.of(":o", s("o1")))
                    .limit(2).scanIndexForward(forward).exclusiveStartKey(esk));
            for (var i : page.items()) {
                out.add(i.get("createdAt").n());
                assertTrue(seenKeys.add(i.get("pk").s() + "/" + i.get("sk").s()), "duplicate across pages");
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return out;
    }

    @Test
    void keysOnlyIndexProjectsKeysAndRejectsAllAttributes() {
        String t = Sdk.createTableWithGsi(ddb, "gsik", ProjectionType.KEYS_ONLY);
        ddb.putItem(p -> p.tableName(t).item(item("pk", s("a"), "sk", s("1"), "owner", s("o"), "createdAt", n(1), "amount", n(5))));
        QueryResponse r = ddb.query(q -> q.tableName(t).indexName("byOwner").keyConditionExpression("#o = :o")
                .expressionAttributeNames(Map.of("#o", "owner")).expressionAttributeValues(Map.of(":o", s("o"))));
        assertEquals(item("pk", s("a"), "sk", s("1"), "owner", s("o"), "createdAt", n(1)), r.items().getFirst());
        validation(() -> ddb.query(q -> q.tableName(t).indexName("byOwner").select(Select.ALL_ATTRIBUTES)
                .keyConditionExpression("#o = :o").expressionAttributeNames(Map.of("#o", "owner"))
                .expressionAttributeValues(Map.of(":o", s("o")))));
    }

    @Test
    void keyConditionsMustUseTheKeySchema() {
        String t = Sdk.createTable(ddb, "qk", "S");
        validation(() -> ddb.query(q -> q.tableName(t).keyConditionExpression("sk = :v").expressionAttributeValues(Map.of(":v", s("x")))));
        validation(() -> ddb.query(q -> q.tableName(t).keyConditionExpression("pk = :v OR sk = :v").expressionAttributeValues(Map.of(":v", s("x")))));
        validation(() -> ddb.query(q -> q.tableName(t).keyConditionExpression("pk > :v").expressionAttributeValues(Map.of(":v", s("x")))));
        validation(() -> ddb.query(q -> q.tableName(t).keyConditionExpression("pk = :v AND other = :v").expressionAttributeValues(Map.of(":v", s("x")))));
        validation(() -> ddb.query(q -> q.tableName(t).keyConditionExpression("pk = :v").expressionAttributeValues(Map.of(":v", n(1)))));
    }

    @Test
    void scanFiltersProjectsPaginatesAndSegments() {
        String t = Sdk.createTable(ddb, "scan", "N");
        for (int h = 0; h < 10; h++) {
            for (int r = 0; r < 3; r++) {
                int hh = h, rr = r;
                ddb.putItem(p -> p.tableName(t).item(item("pk", s("h" + hh), "sk", n(rr), "v", n(hh * 10 + rr), "other", s("x"))));
            }
        }
        ScanResponse all = ddb.scan(r -> r.tableName(t).filterExpression("v >= :x").expressionAttributeValues(Map.of(":x", n(50)))
                .projectionExpression("v"));
        assertEquals(15, all.count());
        assertEquals(30, all.scannedCount());
        assertEquals(Set.of("v"), all.items().getFirst().keySet());
        assertNull(all.hasLastEvaluatedKey() ? all.lastEvaluatedKey().get("pk") : null);
        // pagination with Limit visits every item exactly once
        Set<String> seen = new HashSet<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> esk = start;
            ScanResponse page = ddb.scan(r -> r.tableName(t).limit(7).exclusiveStartKey(esk));
            page.items().forEach(i -> assertTrue(seen.add(i.get("pk").s() + i.get("sk").n())));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        assertEquals(30, seen.size());
        // parallel scan segments partition the table
        Set<String> seg = new HashSet<>();
        int total = 0;
        for (int i = 0; i < 3; i++) {
            int s = i;
            ScanResponse part = ddb.scan(r -> r.tableName(t).segment(s).totalSegments(3));
            total += part.count();
            part.items().forEach(x -> seg.add(x.get("pk").s() + x.get("sk").n()));
        }
        assertEquals(30, total);
        assertEquals(30, seg.size());
        assertEquals(30, ddb.scan(r -> r.tableName(t).select(Select.COUNT)).count());
        validation(() -> ddb.scan(r -> r.tableName(t).segment(3).totalSegments(3)));
    }

    @Test
    void pagesStopAtOneMegabyteAndCapacityIsSummedThenRounded() {
        String t = Sdk.createTable(ddb, "mb", "N");
        String payload = "x".repeat(100 * 1024);
        for (int i = 0; i < 15; i++) {
            int k = i;
            ddb.putItem(p -> p.tableName(t).item(item("pk", s("A"), "sk", n(k), "data", s(payload))));
        }
        QueryResponse p1 = ddb.query(q -> q.tableName(t).keyConditionExpression("pk = :p")
                .expressionAttributeValues(Map.of(":p", s("A"))).returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
        assertEquals(11, p1.count()); // 11 x ~100 KB crosses 1 MB
        assertTrue(p1.hasLastEvaluatedKey() && !p1.lastEvaluatedKey().isEmpty());
        // eventually consistent: ceil(11 * 102410 / 4096) / 2
        long size = 11L * (2 + 1 + 2 + 4 + payload.length() + 1 + 1 + 2);
        assertEquals(Math.ceil(size / 4096.0) / 2, p1.consumedCapacity().capacityUnits(), 1.0);
        QueryResponse p2 = ddb.query(q -> q.tableName(t).keyConditionExpression("pk = :p")
                .expressionAttributeValues(Map.of(":p", s("A"))).exclusiveStartKey(p1.lastEvaluatedKey()));
        assertEquals(4, p2.count());
        assertTrue(!p2.hasLastEvaluatedKey() || p2.lastEvaluatedKey().isEmpty());
    }
}
