package app.credits.emulator;

import static app.credits.emulator.Sdk.attr;
import static app.credits.emulator.Sdk.item;
import static app.credits.emulator.Sdk.key;
import static app.credits.emulator.Sdk.n;
import static app.credits.emulator.Sdk.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

class TableAndProtocolTest {
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

    @Test
    void createDescribeListAndDeleteTables() {
        ddb.createTable(c -> c.tableName("tbl-a").billingMode(BillingMode.PROVISIONED)
                .provisionedThroughput(p -> p.readCapacityUnits(5L).writeCapacityUnits(5L))
                .attributeDefinitions(attr("id", "S"), attr("gk", "N"))
                .keySchema(key("id", KeyType.HASH))
                .globalSecondaryIndexes(GlobalSecondaryIndex.builder().indexName("gk-index").keySchema(key("gk", KeyType.HASH))
                        .projection(p -> p.projectionType(ProjectionType.INCLUDE).nonKeyAttributes("x"))
                        .provisionedThroughput(p -> p.readCapacityUnits(1L).writeCapacityUnits(1L)).build()));
        ddb.putItem(p -> p.tableName("tbl-a").item(item("id", s("1"), "gk", n(1))));
        ddb.putItem(p -> p.tableName("tbl-a").item(item("id", s("2"))));
        var d = ddb.describeTable(r -> r.tableName("tbl-a")).table();
        assertEquals(TableStatus.ACTIVE, d.tableStatus());
        assertEquals(2L, d.itemCount());
        assertEquals("id", d.keySchema().getFirst().attributeName());
        assertEquals("ACTIVE", d.globalSecondaryIndexes().getFirst().indexStatusAsString());
        assertEquals(1L, d.globalSecondaryIndexes().getFirst().itemCount());
        assertEquals(5L, d.provisionedThroughput().readCapacityUnits());
        // the SDK waiter works
        ddb.waiter().waitUntilTableExists(r -> r.tableName("tbl-a"));

        assertThrows(ResourceInUseException.class, () -> ddb.createTable(c -> c.tableName("tbl-a").billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attr("id", "S")).keySchema(key("id", KeyType.HASH))));
        Sdk.createTable(ddb, "tbl-b", null);
        var page = ddb.listTables(r -> r.limit(1));
        assertEquals(java.util.List.of("tbl-a"), page.tableNames());
        assertEquals("tbl-a", page.lastEvaluatedTableName());

        ddb.deleteTable(r -> r.tableName("tbl-a"));
        assertThrows(ResourceNotFoundException.class, () -> ddb.describeTable(r -> r.tableName("tbl-a")));
        assertThrows(ResourceNotFoundException.class, () -> ddb.deleteTable(r -> r.tableName("tbl-a")));
    }

    @Test
    void invalidTableDefinitionsAreRejected() {
        DynamoDbException e = assertThrows(DynamoDbException.class, () -> ddb.createTable(c -> c.tableName("bad-1")
                .billingMode(BillingMode.PAY_PER_REQUEST).attributeDefinitions(attr("id", "S"), attr("unused", "S"))
                .keySchema(key("id", KeyType.HASH))));
        assertEquals("ValidationException", e.awsErrorDetails().errorCode());
        e = assertThrows(DynamoDbException.class, () -> ddb.createTable(c -> c.tableName("bad-2")
                .attributeDefinitions(attr("id", "S")).keySchema(key("id", KeyType.HASH))));
        assertEquals("ValidationException", e.awsErrorDetails().errorCode()); // PROVISIONED without throughput
        e = assertThrows(DynamoDbException.class, () -> ddb.createTable(c -> c.tableName("bad-3")
                .billingMode(BillingMode.PAY_PER_REQUEST).attributeDefinitions(attr("id", "S"), attr("r", "S"))
                .keySchema(key("id", KeyType.HASH))
                .localSecondaryIndexes(l -> l.indexName("lsi").keySchema(key("id", KeyType.HASH), key("r", KeyType.RANGE))
                        .projection(p -> p.projectionType(ProjectionType.ALL)))));
        assertEquals("ValidationException", e.awsErrorDetails().errorCode());
    }

    @Test
    void timeToLiveSettingIsStored() {
        String t = Sdk.createTable(ddb, "ttl", null);
        assertEquals("DISABLED", ddb.describeTimeToLive(r -> r.tableName(t)).timeToLiveDescription().timeToLiveStatusAsString());
        ddb.updateTimeToLive(r -> r.tableName(t).timeToLiveSpecification(s2 -> s2.enabled(true).attributeName("exp")));
        var d = ddb.describeTimeToLive(r -> r.tableName(t)).timeToLiveDescription();
        assertEquals("ENABLED", d.timeToLiveStatusAsString());
        assertEquals("exp", d.attributeName());
    }

    @Test
    void statsCountRequestsItemsAndCapacity() {
        String t = Sdk.createTable(ddb, "stats", "N");
        emu.stats().reset();
        for (int i = 0; i < 5; i++) {
            int k = i;
            ddb.putItem(p -> p.tableName(t).item(item("pk", s("a"), "sk", n(k))));
        }
        ddb.getItem(g -> g.tableName(t).key(item("pk", s("a"), "sk", n(1))));
        ddb.getItem(g -> g.tableName(t).key(item("pk", s("a"), "sk", n(99))));
        ddb.query(q -> q.tableName(t).keyConditionExpression("pk = :p").expressionAttributeValues(Map.of(":p", s("a"))).limit(3));
        assertEquals(5, emu.stats().requests("PutItem"));
        assertEquals(5, emu.stats().itemsWritten("PutItem"));
        assertEquals(5.0, emu.stats().writeCapacityUnits("PutItem"));
        assertEquals(2, emu.stats().requests("GetItem"));
        assertEquals(1, emu.stats().itemsRead("GetItem"));
        assertEquals(1.0, emu.stats().readCapacityUnits("GetItem")); // 2 x 0.5 eventually consistent
        assertEquals(3, emu.stats().itemsRead("Query"));
        assertEquals(8, emu.stats().totalRequests());
        assertTrue(emu.stats().snapshot().containsKey("Query"));
        emu.stats().reset();
        assertEquals(0, emu.stats().totalRequests());
    }

    @Test
    void wireProtocolShapes() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        ObjectMapper mapper = new ObjectMapper();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(emu.endpoint() + "/"))
                .header("X-Amz-Target", "DynamoDB_20120810.DescribeTable")
                .header("Content-Type", "application/x-amz-json-1.0")
                .POST(HttpRequest.BodyPublishers.ofString("{\"TableName\":\"nope-table\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, r.statusCode());
        assertEquals("application/x-amz-json-1.0", r.headers().firstValue("Content-Type").orElseThrow());
        JsonNode body = mapper.readTree(r.body());
        assertEquals("com.amazonaws.dynamodb.v20120810#ResourceNotFoundException", body.get("__type").asText());
        assertTrue(body.has("message"));

        r = http.send(HttpRequest.newBuilder(URI.create(emu.endpoint() + "/"))
                .header("X-Amz-Target", "DynamoDB_20120810.CreateGlobalTable")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, r.statusCode());
        assertTrue(mapper.readTree(r.body()).get("__type").asText().endsWith("#UnknownOperationException"));

        r = http.send(HttpRequest.newBuilder(URI.create(emu.endpoint() + "/")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertTrue(r.body().startsWith("healthy"));
    }
}
