package app.credits.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.NavigableMap;

/** CreateTable, DescribeTable, DeleteTable, ListTables, UpdateTimeToLive and DescribeTimeToLive. */
final class TableOperations {
    private static final int LIST_TABLES_MAX = 100;

    private final Database db;

    TableOperations(Database db) {
        this.db = db;
    }

    ObjectNode createTable(Request req) {
        req.allowOnly("CreateTable", "TableName", "KeySchema", "AttributeDefinitions", "GlobalSecondaryIndexes", "BillingMode",
                "ProvisionedThroughput", "Tags", "SSESpecification", "TableClass", "DeletionProtectionEnabled", "StreamSpecification",
                "LocalSecondaryIndexes", "OnDemandThroughput", "WarmThroughput");
        ObjectNode definition = TableDefinitions.validate(req);
        String name = definition.get("TableName").textValue();
        if (db.tables.containsKey(name)) throw DynamoError.inUse("Table already exists: " + name);
        db.createTable(definition);
        ObjectNode out = Codec.F.objectNode();
        out.set("TableDescription", db.tables.get(name).describe("ACTIVE"));
        return out;
    }

    ObjectNode describeTable(Request req) {
        req.allowOnly("DescribeTable", "TableName");
        Table t = db.table(req);
        ObjectNode out = Codec.F.objectNode();
        out.set("Table", t.describe("ACTIVE"));
        return out;
    }

    ObjectNode deleteTable(Request req) {
        req.allowOnly("DeleteTable", "TableName");
        Table t = db.table(req);
        db.deleteTable(t);
        ObjectNode out = Codec.F.objectNode();
        out.set("TableDescription", t.describe("DELETING"));
        return out;
    }

    ObjectNode listTables(Request req) {
        req.allowOnly("ListTables", "ExclusiveStartTableName", "Limit");
        String start = req.text("ExclusiveStartTableName");
        int limit = req.integer("Limit", 1, LIST_TABLES_MAX).orElse(LIST_TABLES_MAX);
        NavigableMap<String, Table> view = start == null ? db.tables : db.tables.tailMap(start, false);
        ObjectNode out = Codec.F.objectNode();
        ArrayNode names = out.putArray("TableNames");
        String last = null;
        for (String n : view.keySet()) {
            if (names.size() == limit) {
                out.put("LastEvaluatedTableName", last);
                break;
            }
            names.add(n);
            last = n;
        }
        return out;
    }

    ObjectNode updateTimeToLive(Request req) {
        req.allowOnly("UpdateTimeToLive", "TableName", "TimeToLiveSpecification");
        Table t = db.table(req);
        JsonNode specNode = req.get("TimeToLiveSpecification");
        if (specNode == null || !specNode.isObject()) throw DynamoError.validation("TimeToLiveSpecification must be specified");
        Request spec = new Request(specNode);
        boolean enabled = spec.bool("Enabled");
        String attribute = spec.requiredText("AttributeName");
        if (attribute.isEmpty()) throw DynamoError.validation("TimeToLiveSpecification.AttributeName must not be empty");
        if (enabled && t.ttlEnabled) throw DynamoError.validation("TimeToLive is already enabled");
        if (!enabled && !t.ttlEnabled) throw DynamoError.validation("TimeToLive is already disabled");
        db.setTimeToLive(t, enabled, attribute);
        ObjectNode out = Codec.F.objectNode();
        out.putObject("TimeToLiveSpecification").put("Enabled", enabled).put("AttributeName", attribute);
        return out;
    }

    ObjectNode describeTimeToLive(Request req) {
        req.allowOnly("DescribeTimeToLive", "TableName");
        Table t = db.table(req);
        ObjectNode out = Codec.F.objectNode();
        ObjectNode d = out.putObject("TimeToLiveDescription");
        d.put("TimeToLiveStatus", t.ttlEnabled ? "ENABLED" : "DISABLED");
        if (t.ttlEnabled && t.ttlAttribute != null) d.put("AttributeName", t.ttlAttribute);
        return out;
    }
}
