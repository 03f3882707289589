package app.credits.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/** One table: its definition, its items ordered by primary key, and its global secondary indexes. */
final class Table {
    static final long MAX_ITEM_SIZE = 400 * 1024;

    record KeyDef(String name, String type) {}

    /** Sentinel that sorts after every value (used for range bounds). */
    static final Object MAX = new Object() {
        @Override public String toString() { return "MAX"; }
    };

    /** Keys are lists of Values (plus the MAX sentinel in bounds); a prefix sorts before its extensions. */
    static final Comparator<List<Object>> KEY_ORDER = (a, b) -> {
        int n = Math.min(a.size(), b.size());
        for (int i = 0; i < n; i++) {
            Object x = a.get(i), y = b.get(i);
            if (x == y) continue;
            if (x == MAX) return 1;
            if (y == MAX) return -1;
            int r = Value.compare((Value) x, (Value) y);
            if (r != 0) return r;
        }
        return Integer.compare(a.size(), b.size());
    };

    final class Index {
        final String name;
        final KeyDef hash, range;
        final String projectionType;
        final List<String> nonKeyAttributes;
        final long rcu, wcu;
        final TreeMap<List<Object>, Map<String, Value>> entries = new TreeMap<>(KEY_ORDER);
        long sizeBytes;

        Index(String name, KeyDef hash, KeyDef range, String projectionType, List<String> nonKeyAttributes, long rcu, long wcu) {
            this.name = name;
            this.hash = hash;
            this.range = range;
            this.projectionType = projectionType;
            this.nonKeyAttributes = nonKeyAttributes;
            this.rcu = rcu;
            this.wcu = wcu;
        }

        /** The index position of an item, or null if the item is not in this (sparse) index. */
        List<Object> keyOf(Map<String, Value> item) {
            if (item == null) return null;
            Value h = item.get(hash.name);
            if (h == null || !h.type().equals(hash.type)) return null;
            List<Object> k = new ArrayList<>(4);
            k.add(h);
            if (range != null) {
                Value r = item.get(range.name);
                if (r == null || !r.type().equals(range.type)) return null;
                k.add(r);
            }
            k.addAll(Table.this.keyOf(item));
            return k;
        }

        /** The item as stored in the index (per its projection). */
        Map<String, Value> project(Map<String, Value> item) {
            if (item == null) return null;
            if (projectionType.equals("ALL")) return item;
            Map<String, Value> out = new LinkedHashMap<>();
            for (var e : item.entrySet()) {
                String k = e.getKey();
                if (isKeyAttribute(k) || k.equals(hash.name) || (range != null && k.equals(range.name))
                        || (projectionType.equals("INCLUDE") && nonKeyAttributes.contains(k))) {
                    out.put(k, e.getValue());
                }
            }
            return out;
        }

        /** Table key attributes plus index key attributes of an item (a LastEvaluatedKey for this index). */
        Map<String, Value> keyAttributes(Map<String, Value> item) {
            Map<String, Value> k = Table.this.keyAttributes(item);
            k.put(hash.name, item.get(hash.name));
            if (range != null) k.put(range.name, item.get(range.name));
            return k;
        }

        ObjectNode describe() {
            ObjectNode n = Codec.F.objectNode();
            n.put("IndexName", name);
            n.set("KeySchema", keySchemaJson(hash, range));
            ObjectNode p = n.putObject("Projection");
            p.put("ProjectionType", projectionType);
            if (projectionType.equals("INCLUDE")) {
                ArrayNode a = p.putArray("NonKeyAttributes");
                nonKeyAttributes.forEach(a::add);
            }
            n.put("IndexStatus", "ACTIVE");
            ObjectNode pt = n.putObject("ProvisionedThroughput");
            pt.put("NumberOfDecreasesToday", 0);
            pt.put("ReadCapacityUnits", rcu);
            pt.put("WriteCapacityUnits", wcu);
            n.put("IndexSizeBytes", sizeBytes);
            n.put("ItemCount", entries.size());
            n.put("IndexArn", arn() + "/index/" + name);
            return n;
        }
    }

    final String name;
    final KeyDef hash, range;
    /** The normalised definition (as journaled); enough to re-create the table. */
    final ObjectNode definition;
    final Map<String, Index> indexes = new LinkedHashMap<>();
    final TreeMap<List<Object>, Map<String, Value>> items = new TreeMap<>(KEY_ORDER);
    long sizeBytes;
    boolean ttlEnabled;
    String ttlAttribute;

    /** Builds a table from a definition previously validated by {@link Engine#createTable}. */
    Table(ObjectNode definition) {
        this.definition = definition;
        this.name = definition.get("TableName").textValue();
        Map<String, String> types = new LinkedHashMap<>();
        for (JsonNode a : definition.get("AttributeDefinitions")) {
            types.put(a.get("AttributeName").textValue(), a.get("AttributeType").textValue());
        }
        KeyDef[] k = keys(definition.get("KeySchema"), types);
        this.hash = k[0];
        this.range = k[1];
        JsonNode gsis = definition.get("GlobalSecondaryIndexes");
        if (gsis != null) {
            for (JsonNode g : gsis) {
                KeyDef[] gk = keys(g.get("KeySchema"), types);
                JsonNode proj = g.get("Projection");
                List<String> nonKey = new ArrayList<>();
                if (proj.has("NonKeyAttributes")) proj.get("NonKeyAttributes").forEach(x -> nonKey.add(x.textValue()));
                JsonNode pt = g.get("ProvisionedThroughput");
                String iname = g.get("IndexName").textValue();
                indexes.put(iname, new Index(iname, gk[0], gk[1], proj.get("ProjectionType").textValue(), List.copyOf(nonKey),
                        pt == null ? 0 : pt.path("ReadCapacityUnits").asLong(), pt == null ? 0 : pt.path("WriteCapacityUnits").asLong()));
            }
        }
        JsonNode ttl = definition.get("TimeToLive");
        if (ttl != null) {
            ttlEnabled = ttl.path("Enabled").asBoolean();
            ttlAttribute = ttl.path("AttributeName").asText(null);
        }
    }

    static KeyDef[] keys(JsonNode keySchema, Map<String, String> types) {
        KeyDef h = null, r = null;
        for (JsonNode e : keySchema) {
            String n = e.get("AttributeName").textValue();
            KeyDef kd = new KeyDef(n, types.get(n));
            if (e.get("KeyType").textValue().equals("HASH")) h = kd; else r = kd;
        }
        return new KeyDef[] {h, r};
    }

    static ArrayNode keySchemaJson(KeyDef hash, KeyDef range) {
        ArrayNode a = Codec.F.arrayNode();
        a.addObject().put("AttributeName", hash.name).put("KeyType", "HASH");
        if (range != null) a.addObject().put("AttributeName", range.name).put("KeyType", "RANGE");
        return a;
    }

    String arn() {
        return "arn:aws:dynamodb:us-east-1:000000000000:table/" + name;
    }

    boolean isKeyAttribute(String attr) {
        return attr.equals(hash.name) || (range != null && attr.equals(range.name));
    }

    Index index(String indexName) {
        Index ix = indexes.get(indexName);
        if (ix == null) throw DynamoError.validation("The table does not have the specified index: " + indexName);
        return ix;
    }

    /** Primary key position of a (validated) item. */
    List<Object> keyOf(Map<String, Value> item) {
        return range == null ? List.of(item.get(hash.name)) : List.of(item.get(hash.name), item.get(range.name));
    }

    Map<String, Value> keyAttributes(Map<String, Value> item) {
        Map<String, Value> k = new LinkedHashMap<>();
        k.put(hash.name, item.get(hash.name));
        if (range != null) k.put(range.name, item.get(range.name));
        return k;
    }

    Map<String, Value> keyAttributes(List<Object> key) {
        Map<String, Value> k = new LinkedHashMap<>();
        k.put(hash.name, (Value) key.get(0));
        if (range != null) k.put(range.name, (Value) key.get(1));
        return k;
    }

    /** Validates a Key parameter (exactly the key attributes with their declared types) and returns its position. */
    List<Object> keyFromParam(Map<String, Value> key) {
        if (key == null) throw DynamoError.validation("The provided key element does not match the schema");
        int expected = range == null ? 1 : 2;
        if (key.size() != expected) throw DynamoError.validation("The provided key element does not match the schema");
        for (KeyDef kd : range == null ? List.of(hash) : List.of(hash, range)) {
            Value v = key.get(kd.name);
            if (v == null || !v.type().equals(kd.type)) throw DynamoError.validation("The provided key element does not match the schema");
            checkKeyValue(kd, v, kd == hash);
        }
        return keyOf(key);
    }

    private static void checkKeyValue(KeyDef kd, Value v, boolean isHash) {
        if ((v instanceof Value.S s && s.v().isEmpty()) || (v instanceof Value.B b && b.v().length == 0)) {
            throw DynamoError.validation("One or more parameter values are not valid. The AttributeValue for a key attribute "
                    + "cannot contain an empty " + (v instanceof Value.S ? "string" : "binary") + " value. Key: " + kd.name);
        }
        long size = Value.size(v);
        if (isHash && size > 2048) {
            throw DynamoError.invalidParam("Size of hashkey has exceeded the maximum size limit of2048 bytes");
        }
        if (!isHash && size > 1024) {
            throw DynamoError.invalidParam("Aggregated size of all range keys has exceeded the size limit of 1024 bytes");
        }
    }

    /** Validates a full item to be stored (keys, index keys, size). {@code update} selects DynamoDB's UpdateItem wording. */
    void validateItem(Map<String, Value> item, boolean update) {
        for (KeyDef kd : range == null ? List.of(hash) : List.of(hash, range)) {
            Value v = item.get(kd.name);
            if (v == null) throw DynamoError.invalidParam("Missing the key " + kd.name + " in the item");
            if (!v.type().equals(kd.type)) {
                throw DynamoError.invalidParam("Type mismatch for key " + kd.name + " expected: " + kd.type + " actual: " + v.type());
            }
            checkKeyValue(kd, v, kd == hash);
        }
        for (Index ix : indexes.values()) {
            for (KeyDef kd : ix.range == null ? List.of(ix.hash) : List.of(ix.hash, ix.range)) {
                Value v = item.get(kd.name);
                if (v == null) continue;
                if (!v.type().equals(kd.type)) {
                    throw DynamoError.invalidParam("Type mismatch for Index Key " + kd.name + " Expected: " + kd.type
                            + " Actual: " + v.type() + " IndexName: " + ix.name);
                }
                if ((v instanceof Value.S s && s.v().isEmpty()) || (v instanceof Value.B b && b.v().length == 0)) {
                    throw DynamoError.validation("One or more parameter values are not valid. A value specified for a secondary index key "
                            + "is not supported. The AttributeValue for a key attribute cannot contain an empty string value. IndexName: "
                            + ix.name + ", IndexKey: " + kd.name);
                }
            }
        }
        if (Value.itemSize(item) > MAX_ITEM_SIZE) {
            throw DynamoError.validation(update ? "Item size to update has exceeded the maximum allowed size"
                    : "Item size has exceeded the maximum allowed size");
        }
    }

    Map<String, Value> get(List<Object> key) {
        return items.get(key);
    }

    /** Stores (item != null) or deletes (item == null) at a key, maintaining indexes and sizes. */
    void write(List<Object> key, Map<String, Value> item) {
        Map<String, Value> old = item == null ? items.remove(key) : items.put(key, item);
        if (old != null) sizeBytes -= Value.itemSize(old);
        if (item != null) sizeBytes += Value.itemSize(item);
        for (Index ix : indexes.values()) {
            List<Object> ok = ix.keyOf(old);
            if (ok != null) {
                ix.entries.remove(ok);
                ix.sizeBytes -= Value.itemSize(ix.project(old));
            }
            List<Object> nk = ix.keyOf(item);
            if (nk != null) {
                ix.entries.put(nk, item);
                ix.sizeBytes += Value.itemSize(ix.project(item));
            }
        }
    }

    /** Write capacity consumed in each index by replacing old with item (either may be null). */
    Map<String, Double> indexWriteUnits(Map<String, Value> old, Map<String, Value> item) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Index ix : indexes.values()) {
            List<Object> ok = ix.keyOf(old), nk = ix.keyOf(item);
            double u = 0;
            if (ok != null && nk != null) {
                Map<String, Value> op = ix.project(old), np = ix.project(item);
                if (!Objects.equals(ok, nk)) u = Capacity.writeUnits(Value.itemSize(op)) + Capacity.writeUnits(Value.itemSize(np));
                else if (!op.equals(np)) u = Capacity.writeUnits(Math.max(Value.itemSize(op), Value.itemSize(np)));
            } else if (nk != null) u = Capacity.writeUnits(Value.itemSize(ix.project(item)));
            else if (ok != null) u = Capacity.writeUnits(Value.itemSize(ix.project(old)));
            if (u > 0) out.put(ix.name, u);
        }
        return out;
    }

    ObjectNode describe(String status) {
        ObjectNode n = Codec.F.objectNode();
        n.set("AttributeDefinitions", definition.get("AttributeDefinitions").deepCopy());
        n.put("TableName", name);
        n.set("KeySchema", keySchemaJson(hash, range));
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
            for (Index ix : indexes.values()) a.add(ix.describe());
        }
        n.put("DeletionProtectionEnabled", false);
        return n;
    }
}
