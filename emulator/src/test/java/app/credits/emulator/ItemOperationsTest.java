package app.credits.emulator;

import static app.credits.emulator.Sdk.b;
import static app.credits.emulator.Sdk.bool;
import static app.credits.emulator.Sdk.item;
import static app.credits.emulator.Sdk.l;
import static app.credits.emulator.Sdk.m;
import static app.credits.emulator.Sdk.n;
import static app.credits.emulator.Sdk.ns;
import static app.credits.emulator.Sdk.s;
import static app.credits.emulator.Sdk.ss;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

class ItemOperationsTest {
    static DynamoDbEmulator emu;
    static DynamoDbClient ddb;
    static String table;

    @BeforeAll
    static void start() {
        emu = DynamoDbEmulator.startInMemory();
        ddb = Sdk.client(emu.endpoint());
        table = Sdk.createTable(ddb, "items", null);
    }

    @AfterAll
    static void stop() {
        ddb.close();
        emu.close();
    }

    static Map<String, AttributeValue> key(String pk) {
        return item("pk", s(pk));
    }

    static Map<String, AttributeValue> get(String pk) {
        GetItemResponse r = ddb.getItem(g -> g.tableName(table).key(key(pk)).consistentRead(true));
        return r.hasItem() ? r.item() : null;
    }

    static Map<String, AttributeValue> update(String pk, String expr, Map<String, AttributeValue> values) {
        return ddb.updateItem(u -> {
            u.tableName(table).key(key(pk)).updateExpression(expr).returnValues(ReturnValue.ALL_NEW);
            if (values != null) u.expressionAttributeValues(values);
        }).attributes();
    }

    static DynamoDbException validation(Runnable r) {
        DynamoDbException e = assertThrows(DynamoDbException.class, r::run);
        assertEquals("ValidationException", e.awsErrorDetails().errorCode(), e.getMessage());
        assertEquals(400, e.statusCode());
        return e;
    }

    @Test
    void putThenGetRoundTripsEveryAttributeType() {
        Map<String, AttributeValue> it = item("pk", s("types"), "s", s("héllo"), "empty", s(""), "n", n("-12.5"),
                "b", b((byte) 0, (byte) 255), "t", bool(true), "nul", AttributeValue.fromNul(true),
                "m", m("x", n(1), "y", l(s("a"), n(2))), "l", l(s("q"), bool(false)), "ss", ss("a", "b"),
                "ns", ns("1", "2.5"), "bs", AttributeValue.fromBs(List.of(software.amazon.awssdk.core.SdkBytes.fromByteArray(new byte[] {1}))));
        ddb.putItem(p -> p.tableName(table).item(it));
        assertEquals(it, get("types"));
    }

    @Test
    void getItemOfMissingItemHasNoItemAndProjectionSelectsPaths() {
        assertNull(get("nope"));
        ddb.putItem(p -> p.tableName(table).item(item("pk", s("proj"), "a", n(1), "b", m("c", s("x"), "d", s("y")), "l", l(n(0), n(1), n(2)))));
        var r = ddb.getItem(g -> g.tableName(table).key(key("proj")).projectionExpression("#b.c, l[2], pk")
                .expressionAttributeNames(Map.of("#b", "b")));
        assertEquals(item("pk", s("proj"), "b", m("c", s("x")), "l", l(n(2))), r.item());
    }

    @Test
    void conditionalPutSucceedsOnlyWhenItemIsAbsentAndReturnsOldItemOnFailure() {
        ddb.putItem(p -> p.tableName(table).item(item("pk", s("cp"), "v", n(1)))
                .conditionExpression("attribute_not_exists(pk)"));
        ConditionalCheckFailedException e = assertThrows(ConditionalCheckFailedException.class, () ->
                ddb.putItem(p -> p.tableName(table).item(item("pk", s("cp"), "v", n(2)))
                        .conditionExpression("attribute_not_exists(pk)")
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)));
        assertEquals(item("pk", s("cp"), "v", n(1)), e.item());
        assertEquals("The conditional request failed", e.awsErrorDetails().errorMessage());
        // without ALL_OLD no item is returned
        ConditionalCheckFailedException e2 = assertThrows(ConditionalCheckFailedException.class, () ->
                ddb.putItem(p -> p.tableName(table).item(item("pk", s("cp"), "v", n(2))).conditionExpression("attribute_not_exists(pk)")));
        assertFalse(e2.hasItem());
        assertEquals(item("pk", s("cp"), "v", n(1)), get("cp"));
        PutItemResponse old = ddb.putItem(p -> p.tableName(table).item(item("pk", s("cp"), "v", n(3)))
                .conditionExpression("v = :one").expressionAttributeValues(Map.of(":one", n(1))).returnValues(ReturnValue.ALL_OLD));
        assertEquals(item("pk", s("cp"), "v", n(1)), old.attributes());
    }

    @Test
    void conditionalUpdateAndDeleteCheckVersions() {
        ddb.putItem(p -> p.tableName(table).item(item("pk", s("cu"), "version", n(1), "balance", n(100))));
        UpdateItemResponse r = ddb.updateItem(u -> u.tableName(table).key(key("cu"))
                .updateExpression("SET balance = balance - :amt, version = version + :one")
                .conditionExpression("version = :v AND balance >= :amt")
                .expressionAttributeValues(Map.of(":amt", n(30), ":one", n(1), ":v", n(1)))
                .returnValues(ReturnValue.UPDATED_NEW));
        assertEquals(item("balance", n(70), "version", n(2)), r.attributes());
        ConditionalCheckFailedException e = assertThrows(ConditionalCheckFailedException.class, () ->
                ddb.updateItem(u -> u.tableName(table).key(key("cu")).updateExpression("SET balance = balance - :amt")
                        .conditionExpression("balance >= :amt").expressionAttributeValues(Map.of(":amt", n(1000)))
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)));
        assertEquals(n(70), e.item().get("balance"));
        assertThrows(ConditionalCheckFailedException.class, () -> ddb.deleteItem(d -> d.tableName(table).key(key("cu"))
                .conditionExpression("version = :v").expressionAttributeValues(Map.of(":v", n(1)))));
        var del = ddb.deleteItem(d -> d.tableName(table).key(key("cu")).conditionExpression("version = :v")
                .expressionAttributeValues(Map.of(":v", n(2))).returnValues(ReturnValue.ALL_OLD));
        assertEquals(n(70), del.attributes().get("balance"));
        assertNull(get("cu"));
        // a condition on a missing item sees no attributes
        assertThrows(ConditionalCheckFailedException.class, () -> ddb.updateItem(u -> u.tableName(table).key(key("cu"))
                .updateExpression("SET a = :one").conditionExpression("attribute_exists(pk)")
                .expressionAttributeValues(Map.of(":one", n(1)))));
        assertNull(get("cu"));
    }

    @Test
    void conditionExpressionOperatorsAndFunctions() {
        ddb.putItem(p -> p.tableName(table).item(item("pk", s("ops"), "name", s("alice"), "n", n(5), "tags", ss("x", "y"),
                "lst", l(s("a"), n(1)), "nested", m("deep", m("v", n(7))))));
        Map<String, AttributeValue> vals = Map.of(":a", s("al"), ":five", n(5), ":x", s("x"), ":t", s("SS"), ":three", n(3),
                ":ten", n(10), ":one", n(1), ":seven", n(7), ":z", s("zzz"));
        String[] truths = {
            "begins_with(#nm, :a)", "n BETWEEN :three AND :ten", "n IN (:one, :five)", "contains(tags, :x)",
            "attribute_type(tags, :t)", "size(tags) < :three", "size(#nm) = :five", "nested.deep.v = :seven",
            "lst[1] = :one", "NOT n = :one", "n = :one OR n = :five AND #nm <> :z", "(n = :one OR n = :five) AND NOT #nm = :z",
            "absent <> :one", "attribute_not_exists(absent)", "contains(lst, :one)", "#nm > :a", "n >= :five AND n <= :five",
        };
        for (String cond : truths) {
            ddb.updateItem(u -> u.tableName(table).key(key("ops")).updateExpression("SET #c = :one")
                    .conditionExpression(cond).expressionAttributeNames(namesFor(cond))
                    .expressionAttributeValues(valuesFor(cond, vals)));
        }
        String[] falsehoods = {
            "absent = :one", "absent < :one", "#nm < :one", "n = :x", "begins_with(n, :a)", "n BETWEEN :seven AND :ten",
            "NOT (n = :five)", "contains(tags, :z)", "attribute_exists(nested.deep.nope)", "lst[5] = :one",
        };
        for (String cond : falsehoods) {
            assertThrows(ConditionalCheckFailedException.class, () -> ddb.updateItem(u -> u.tableName(table).key(key("ops"))
                    .updateExpression("SET #c = :one").conditionExpression(cond).expressionAttributeNames(namesFor(cond))
                    .expressionAttributeValues(valuesFor(cond, vals))), cond);
        }
    }

    private static Map<String, String> namesFor(String cond) {
        return cond.contains("#nm") ? Map.of("#c", "counter", "#nm", "name") : Map.of("#c", "counter");
    }

    private static Map<String, AttributeValue> valuesFor(String cond, Map<String, AttributeValue> all) {
        Map<String, AttributeValue> out = new java.util.HashMap<>();
        out.put(":one", all.get(":one"));
        all.forEach((k, v) -> {
            if (java.util.regex.Pattern.compile(k + "\\b").matcher(cond).find()) out.put(k, v);
        });
        return out;
    }

    @Test
    void everyUpdateExpressionForm() {
        ddb.putItem(p -> p.tableName(table).item(item("pk", s("upd"), "a", n(10), "lst", l(n(1)), "tags", ss("x", "y"),
                "gone", s("bye"), "m", m("qty", n(1), "drop", s("d")), "arr", l(s("p"), s("q"), s("r")), "nums", ns("1", "2"))));
        Map<String, AttributeValue> r = ddb.updateItem(u -> u.tableName(table).key(key("upd"))
                .updateExpression("SET a = a + :five, b = :five - a, c = if_not_exists(c, :zero), lst = list_append(lst, :more), "
                        + "m.qty = m.qty + :five, front = list_append(:more, #l2), arr[1] = :q2, arr[9] = :tail "
                        + "REMOVE gone, m.#d ADD cnt :five, tags :newTags DELETE nums :delNums")
                .expressionAttributeNames(Map.of("#d", "drop", "#l2", "lst"))
                .expressionAttributeValues(Map.of(":five", n(5), ":zero", n(0), ":more", l(n(2), n(3)), ":newTags", ss("z"),
                        ":delNums", ns("1"), ":q2", s("Q"), ":tail", s("T")))
                .returnValues(ReturnValue.ALL_NEW)).attributes();
        assertEquals(n(15), r.get("a"));
        assertEquals(n(-5), r.get("b"));
        assertEquals(n(0), r.get("c"));
        assertEquals(l(n(1), n(2), n(3)), r.get("lst"));
        assertEquals(l(n(2), n(3), n(1)), r.get("front"));
        assertEquals(m("qty", n(6)), r.get("m"));
        assertEquals(l(s("p"), s("Q"), s("r"), s("T")), r.get("arr"));
        assertFalse(r.containsKey("gone"));
        assertEquals(n(5), r.get("cnt"));
        assertEquals(Set.of("x", "y", "z"), Set.copyOf(r.get("tags").ss()));
        assertEquals(List.of("2"), r.get("nums").ns());

        // clauses in any order; REMOVE of list elements uses the original indexes; DELETE emptying a set removes it
        r = ddb.updateItem(u -> u.tableName(table).key(key("upd"))
                .updateExpression("DELETE nums :two REMOVE arr[0], arr[2] ADD a :minusOne SET c = if_not_exists(c, :hundred)")
                .expressionAttributeValues(Map.of(":two", ns("2"), ":minusOne", n(-1), ":hundred", n(100)))
                .returnValues(ReturnValue.ALL_NEW)).attributes();
        assertFalse(r.containsKey("nums"));
        assertEquals(l(s("Q"), s("T")), r.get("arr"));
        assertEquals(n(14), r.get("a"));
        assertEquals(n(0), r.get("c"));

        // UPDATED_OLD returns the previous values of the updated paths only
        Map<String, AttributeValue> old = ddb.updateItem(u -> u.tableName(table).key(key("upd"))
                .updateExpression("SET a = :one, m.qty = :one").expressionAttributeValues(Map.of(":one", n(1)))
                .returnValues(ReturnValue.UPDATED_OLD)).attributes();
        assertEquals(item("a", n(14), "m", m("qty", n(6))), old);

        // UpdateItem on a missing item creates it (upsert), ADD creates the number
        Map<String, AttributeValue> created = update("upd-new", "ADD visits :one", Map.of(":one", n(1)));
        assertEquals(item("pk", s("upd-new"), "visits", n(1)), created);
    }

    @Test
    void invalidUpdatesAreRejectedWithValidationException() {
        ddb.putItem(p -> p.tableName(table).item(item("pk", s("bad"), "s", s("text"), "n", n(1), "m", m("x", n(1)))));
        assertTrue(validation(() -> update("bad", "SET pk = :v", Map.of(":v", s("x")))).getMessage()
                .contains("Cannot update attribute pk. This attribute is part of the key"));
        assertTrue(validation(() -> update("bad", "SET a = :v, a = :v", Map.of(":v", s("x")))).getMessage()
                .contains("Two document paths overlap"));
        assertTrue(validation(() -> update("bad", "SET m = :v REMOVE m.x", Map.of(":v", s("x")))).getMessage()
                .contains("Two document paths overlap"));
        assertTrue(validation(() -> update("bad", "SET a = :v SET b = :v", Map.of(":v", s("x")))).getMessage()
                .contains("can only be used once"));
        assertTrue(validation(() -> update("bad", "SET s = s + :v", Map.of(":v", n(1)))).getMessage()
                .contains("incorrect data type"));
        assertTrue(validation(() -> update("bad", "SET x = absent + :v", Map.of(":v", n(1)))).getMessage()
                .contains("refers to an attribute that does not exist"));
        assertTrue(validation(() -> update("bad", "ADD s :v", Map.of(":v", n(1)))).getMessage()
                .contains("incorrect data type"));
        assertTrue(validation(() -> update("bad", "SET nope.deeper = :v", Map.of(":v", n(1)))).getMessage()
                .contains("document path provided in the update expression is invalid"));
        assertTrue(validation(() -> update("bad", "SET status = :v", Map.of(":v", n(1)))).getMessage()
                .contains("reserved keyword; reserved keyword: status"));
        assertTrue(validation(() -> update("bad", "SET a = :v,", Map.of(":v", n(1)))).getMessage().contains("Syntax error"));
        assertTrue(validation(() -> update("bad", "SET a = nofunc(:v)", Map.of(":v", n(1)))).getMessage()
                .contains("Invalid function name"));
        // nothing was changed by the rejected requests
        assertEquals(item("pk", s("bad"), "s", s("text"), "n", n(1), "m", m("x", n(1))), get("bad"));
    }

    @Test
    void unusedOrUndefinedExpressionAttributeNamesAndValuesAreRejected() {
        assertTrue(validation(() -> ddb.putItem(p -> p.tableName(table).item(item("pk", s("ea")))
                .conditionExpression("attribute_not_exists(pk)").expressionAttributeNames(Map.of("#unused", "x"))))
                .getMessage().contains("Value provided in ExpressionAttributeNames unused in expressions: keys: {#unused}"));
        assertTrue(validation(() -> ddb.putItem(p -> p.tableName(table).item(item("pk", s("ea")))
                .conditionExpression("attribute_not_exists(pk)").expressionAttributeValues(Map.of(":unused", n(1)))))
                .getMessage().contains("Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}"));
        assertTrue(validation(() -> ddb.putItem(p -> p.tableName(table).item(item("pk", s("ea")))
                .conditionExpression("attribute_not_exists(#absent)")))
                .getMessage().contains("An expression attribute name used in the document path is not defined; attribute name: #absent"));
        assertTrue(validation(() -> ddb.putItem(p -> p.tableName(table).item(item("pk", s("ea")))
                .conditionExpression("pk <> :absent")))
                .getMessage().contains("An expression attribute value used in expression is not defined; attribute value: :absent"));
        assertTrue(validation(() -> ddb.putItem(p -> p.tableName(table).item(item("pk", s("ea")))
                .expressionAttributeValues(Map.of(":v", n(1)))))
                .getMessage().contains("ExpressionAttributeValues can only be specified when using expressions"));
        assertNull(get("ea"));
    }

    @Test
    void numbersAreExactAndNormalised() {
        ddb.putItem(p -> p.tableName(table).item(item("pk", s("num"), "a", n("1.00"), "b", n("-0"), "c", n("1e3"),
                "d", n("0.000100"), "e", n("12345678901234567890123456789012345678"), "f", ns("1.0", "2"))));
        Map<String, AttributeValue> it = get("num");
        assertEquals("1", it.get("a").n());
        assertEquals("0", it.get("b").n());
        assertEquals("1000", it.get("c").n());
        assertEquals("0.0001", it.get("d").n());
        assertEquals("12345678901234567890123456789012345678", it.get("e").n());
        assertEquals(Set.of("1", "2"), Set.copyOf(it.get("f").ns()));
        // 0.1 + 0.2 is exactly 0.3
        update("num", "SET x = :a", Map.of(":a", n("0.1")));
        assertEquals("0.3", update("num", "ADD x :b", Map.of(":b", n("0.2"))).get("x").n());
        assertEquals("0.6", update("num", "SET x = x + :b", Map.of(":b", n("0.3"))).get("x").n());
        // DynamoDB allows a single + or - per SET action
        validation(() -> update("num", "SET x = x + :b + :c", Map.of(":b", n("0.1"), ":c", n("0.2"))));
        // number rules
        assertTrue(validation(() -> ddb.putItem(p -> p.tableName(table).item(item("pk", s("num2"),
                "x", n("123456789012345678901234567890123456789"))))).getMessage().contains("38 significant digits"));
        validation(() -> ddb.putItem(p -> p.tableName(table).item(item("pk", s("num2"), "x", n("1e126")))));
        validation(() -> ddb.putItem(p -> p.tableName(table).item(item("pk", s("num2"), "x", n("abc")))));
        validation(() -> ddb.putItem(p -> p.tableName(table).item(item("pk", s("num2"), "x", ns("1", "1.0")))));
        validation(() -> ddb.putItem(p -> p.tableName(table).item(item("pk", s("num2"), "x", AttributeValue.fromSs(List.of())))));
        // numbers compare numerically
        ddb.updateItem(u -> u.tableName(table).key(key("num")).updateExpression("SET y = :v")
                .conditionExpression("c > :small").expressionAttributeValues(Map.of(":v", n(1), ":small", n("999.5"))));
    }

    /**
     * DynamoDB does not trim numbers. dynalite 4.0.0 answers the same ValidationException for each of these (checked
     * by hand: the project has no differential test against dynalite to add the case to).
     */
    @Test
    void numbersWrittenWithSpacesAreRefusedAsDynamoDbRefusesThem() {
        for (String spaced : List.of(" 1", "1 ", " 1 ", "1 000")) {
            assertEquals("The parameter cannot be converted to a numeric value: " + spaced, validation(() -> ddb.putItem(p -> p.tableName(table)
                    .item(item("pk", s("spaced"), "x", n(spaced))))).awsErrorDetails().errorMessage());
            validation(() -> ddb.putItem(p -> p.tableName(table).item(item("pk", s("spaced"), "x", ns("2", spaced)))));
            validation(() -> update("spaced", "SET x = :v", Map.of(":v", n(spaced))));
        }
        assertEquals("The parameter cannot be converted to a numeric value",
                validation(() -> ddb.putItem(p -> p.tableName(table).item(item("pk", s("spaced"), "x", n(""))))).awsErrorDetails().errorMessage());
        assertNull(get("spaced"));
    }

    @Test
    void keysMustMatchTheSchema() {
        assertTrue(validation(() -> ddb.putItem(p -> p.tableName(table).item(item("other", s("x")))))
                .getMessage().contains("Missing the key pk in the item"));
        assertTrue(validation(() -> ddb.putItem(p -> p.tableName(table).item(item("pk", n(1)))))
                .getMessage().contains("Type mismatch for key pk expected: S actual: N"));
        validation(() -> ddb.putItem(p -> p.tableName(table).item(item("pk", s("")))));
        assertTrue(validation(() -> ddb.getItem(g -> g.tableName(table).key(item("pk", s("x"), "extra", s("y")))))
                .getMessage().contains("The provided key element does not match the schema"));
        validation(() -> ddb.getItem(g -> g.tableName(table).key(item("pk", n(1)))));
        assertThrows(ResourceNotFoundException.class, () -> ddb.getItem(g -> g.tableName("no-such-table").key(key("x"))));
    }

    @Test
    void itemSizeLimitIs400KB() {
        String big = "x".repeat(400 * 1024);
        assertTrue(validation(() -> ddb.putItem(p -> p.tableName(table).item(item("pk", s("big"), "v", s(big)))))
                .getMessage().contains("Item size has exceeded the maximum allowed size"));
        ddb.putItem(p -> p.tableName(table).item(item("pk", s("big"), "v", s("x".repeat(300 * 1024)))));
        assertTrue(validation(() -> update("big", "SET w = :v", Map.of(":v", s("y".repeat(200 * 1024)))))
                .getMessage().contains("Item size to update has exceeded the maximum allowed size"));
    }

    @Test
    void consumedCapacityIsReportedTheDynamoDbWay() {
        var put = ddb.putItem(p -> p.tableName(table).item(item("pk", s("cap"), "v", s("x".repeat(1500))))
                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
        assertEquals(table, put.consumedCapacity().tableName());
        assertEquals(2.0, put.consumedCapacity().capacityUnits()); // ~1.5 KB -> 2 write units
        assertEquals(2.0, put.consumedCapacity().writeCapacityUnits());
        var eventual = ddb.getItem(g -> g.tableName(table).key(key("cap")).returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
        assertEquals(0.5, eventual.consumedCapacity().capacityUnits());
        var strong = ddb.getItem(g -> g.tableName(table).key(key("cap")).consistentRead(true)
                .returnConsumedCapacity(ReturnConsumedCapacity.INDEXES));
        assertEquals(1.0, strong.consumedCapacity().capacityUnits());
        assertEquals(1.0, strong.consumedCapacity().table().capacityUnits());
        assertNull(ddb.getItem(g -> g.tableName(table).key(key("cap"))).consumedCapacity());
    }

    @Test
    void unsupportedParametersAreRejectedNotIgnored() {
        validation(() -> ddb.getItem(g -> g.tableName(table).key(key("x")).attributesToGet("a")));
        validation(() -> ddb.putItem(p -> p.tableName(table).item(item("pk", s("legacy")))
                .expected(Map.of("pk", software.amazon.awssdk.services.dynamodb.model.ExpectedAttributeValue.builder().exists(false).build()))));
        validation(() -> ddb.putItem(p -> p.tableName(table).item(item("pk", s("rv"))).returnValues(ReturnValue.ALL_NEW)));
        assertNull(get("legacy"));
    }
}
