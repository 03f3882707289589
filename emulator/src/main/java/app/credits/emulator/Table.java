package app.credits.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** One table: its definition, its items ordered by primary key, and its global secondary indexes. */
final class Table {
    static final long MAX_ITEM_SIZE = 400 * 1024;
    private static final String INVALID_KEY = "The provided key element does not match the schema";

    final String name;
    final KeySchema keys;
    /** The normalised definition (as journaled); enough to re-create the table. */
    final ObjectNode definition;
    final Map<String, GlobalIndex> indexes = new LinkedHashMap<>();
    final TreeMap<Key, Map<String, Value>> items = new TreeMap<>();
    long sizeBytes;
    boolean ttlEnabled;
    String ttlAttribute;

    /** Builds a table from a definition validated by {@link TableDefinitions#validate}. */
    Table(ObjectNode definition) {
        this.definition = definition;
        this.name = definition.get("TableName").textValue();
        Map<String, String> types = new LinkedHashMap<>();
        for (JsonNode a : definition.get("AttributeDefinitions")) {
            types.put(a.get("AttributeName").textValue(), a.get("AttributeType").textValue());
        }
        this.keys = KeySchema.fromJson(definition.get("KeySchema"), types);
        JsonNode gsis = definition.get("GlobalSecondaryIndexes");
        if (gsis != null) {
            for (JsonNode g : gsis) {
                JsonNode projection = g.get("Projection");
                List<String> nonKey = new ArrayList<>();
                if (projection.has("NonKeyAttributes")) projection.get("NonKeyAttributes").forEach(x -> nonKey.add(x.textValue()));
                JsonNode pt = g.get("ProvisionedThroughput");
                String indexName = g.get("IndexName").textValue();
                indexes.put(indexName, new GlobalIndex(indexName, KeySchema.fromJson(g.get("KeySchema"), types), keys,
                        projection.get("ProjectionType").textValue(), List.copyOf(nonKey),
                        pt == null ? 0 : pt.path("ReadCapacityUnits").asLong(), pt == null ? 0 : pt.path("WriteCapacityUnits").asLong()));
            }
        }
        JsonNode ttl = definition.get("TimeToLive");
        if (ttl != null) {
            ttlEnabled = ttl.path("Enabled").asBoolean();
            ttlAttribute = ttl.path("AttributeName").asText(null);
        }
    }

    String arn() {
        return "arn:aws:dynamodb:us-east-1:000000000000:table/" + name;
    }

    GlobalIndex index(String indexName) {
        GlobalIndex ix = indexes.get(indexName);
        if (ix == null) throw DynamoError.validation("The table does not have the specified index: " + indexName);
        return ix;
    }

    void setTimeToLive(boolean enabled, String attribute) {
        ttlEnabled = enabled;
        ttlAttribute = attribute;
        definition.set("TimeToLive", Codec.F.objectNode().put("Enabled", enabled).put("AttributeName", attribute));
    }

    /** Validates a Key parameter (exactly the key attributes with their declared types) and returns the key. */
    PrimaryKey keyFromParam(Map<String, Value> key) {
        if (key == null || key.size() != keys.attributes().size()) throw DynamoError.validation(INVALID_KEY);
        for (KeySchema.Attribute a : keys.attributes()) {
            Value v = key.get(a.name());
            if (v == null || !v.type().equals(a.type())) throw DynamoError.validation(INVALID_KEY);
            checkKeyValue(a, v, a == keys.partition());
        }
        return keys.keyOf(key);
    }

    private static void checkKeyValue(KeySchema.Attribute a, Value v, boolean isPartitionKey) {
        if (isEmpty(v)) {
            throw DynamoError.validation("One or more parameter values are not valid. The AttributeValue for a key attribute "
                    + "cannot contain an empty " + (v instanceof Value.S ? "string" : "binary") + " value. Key: " + a.name());
        }
        long size = Value.size(v);
        if (isPartitionKey && size > 2048) {
            throw DynamoError.invalidParam("Size of hashkey has exceeded the maximum size limit of2048 bytes");
        }
        if (!isPartitionKey && size > 1024) {
            throw DynamoError.invalidParam("Aggregated size of all range keys has exceeded the size limit of 1024 bytes");
        }
    }

    private static boolean isEmpty(Value v) {
        return (v instanceof Value.S s && s.v().isEmpty()) || (v instanceof Value.B b && b.v().length == 0);
    }

    /** Validates a full item to be stored (keys, index keys, size). {@code update} selects DynamoDB's UpdateItem wording. */
    void validateItem(Map<String, Value> item, boolean update) {
        for (KeySchema.Attribute a : keys.attributes()) {
            Value v = item.get(a.name());
            if (v == null) throw DynamoError.invalidParam("Missing the key " + a.name() + " in the item");
            if (!v.type().equals(a.type())) {
                throw DynamoError.invalidParam("Type mismatch for key " + a.name() + " expected: " + a.type() + " actual: " + v.type());
            }
            checkKeyValue(a, v, a == keys.partition());
        }
        for (GlobalIndex ix : indexes.values()) {
            for (KeySchema.Attribute a : ix.keys.attributes()) {
                Value v = item.get(a.name());
                if (v == null) continue;
                if (!v.type().equals(a.type())) {
                    throw DynamoError.invalidParam("Type mismatch for Index Key " + a.name() + " Expected: " + a.type()
                            + " Actual: " + v.type() + " IndexName: " + ix.name);
                }
                if (isEmpty(v)) {
                    throw DynamoError.validation("One or more parameter values are not valid. A value specified for a secondary index key "
                            + "is not supported. The AttributeValue for a key attribute cannot contain an empty string value. IndexName: "
                            + ix.name + ", IndexKey: " + a.name());
                }
            }
        }
        if (Value.itemSize(item) > MAX_ITEM_SIZE) {
            throw DynamoError.validation(update ? "Item size to update has exceeded the maximum allowed size"
                    : "Item size has exceeded the maximum allowed size");
        }
    }

    Map<String, Value> get(PrimaryKey key) {
        return items.get(key);
    }

    /** Stores (item != null) or deletes (item == null) at a key, maintaining indexes and sizes. */
    void write(PrimaryKey key, Map<String, Value> item) {
        Map<String, Value> old = item == null ? items.remove(key) : items.put(key, item);
        if (old != null) sizeBytes -= Value.itemSize(old);
        if (item != null) sizeBytes += Value.itemSize(item);
        for (GlobalIndex ix : indexes.values()) ix.write(old, item);
    }

    /** Write capacity consumed in each index by replacing old with item (either may be null). */
    Map<String, Double> indexWriteUnits(Map<String, Value> old, Map<String, Value> item) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (GlobalIndex ix : indexes.values()) {
            double units = ix.writeUnits(old, item);
            if (units > 0) out.put(ix.name, units);
        }
        return out;
    }

    ObjectNode describe(String status) {
        ObjectNode n = Codec.F.objectNode();
        n.set("AttributeDefinitions", definition.get("AttributeDefinitions").deepCopy());
        n.put("TableName", name);
        n.set("KeySchema", keys.toJson());
        n.put("TableStatus", status);
        n.put("CreationDateTime", definition.get("CreationDateTime").doubleValue());
        ObjectNode pt = n.putObject("ProvisionedThroughput");
        pt.put("NumberOfDecreasesToday", 0);
        JsonNode dpt = definition.get("ProvisionedThroughput");
        pt.put("ReadCapacityUnits", dpt == null ? 0 : dpt.path("ReadCapacityUnits").asLong());
        pt.put("WriteCapacityUnits", dpt == null ? 0 : dpt.path("WriteCapacityUnits").asLong());
        n.put("TableSizeBytes", sizeBytes);
        n.put("ItemCount", items.size());
        n.put("TableArn", arn());
        n.put("TableId", definition.get("TableId").textValue());
        String billing = definition.path("BillingMode").asText("PROVISIONED");
        n.putObject("BillingModeSummary").put("BillingMode", billing);
        if (!indexes.isEmpty()) {
            ArrayNode a = n.putArray("GlobalSecondaryIndexes");
            for (GlobalIndex ix : indexes.values()) a.add(ix.describe(arn()));
        }
        n.put("DeletionProtectionEnabled", false);
        return n;
    }
}
