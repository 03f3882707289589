package app.credits.emulator;

import app.credits.emulator.Expressions.Attrs;
import app.credits.emulator.Expressions.Cond;
import app.credits.emulator.Expressions.Path;
import app.credits.emulator.Expressions.Update;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * The DynamoDB semantics. Every request runs under one global lock, so every operation (including
 * transactions) is serializable. Writes are journaled (when durable) before they are applied and answered.
 */
final class Engine {
    static final long PAGE_LIMIT_BYTES = 1024 * 1024;
    static final long TOKEN_TTL_MILLIS = 10 * 60 * 1000;
    private static final Pattern TABLE_NAME = Pattern.compile("[a-zA-Z0-9_.-]{3,255}");
    private static final ObjectMapper CANONICAL = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    /** One item change of a committed write: store {@code item} at {@code key} (delete when item is null). */
    record Change(Table table, List<Object> key, Map<String, Value> item) {}

    /** Receives every committed change before it is applied; must make it durable or throw. */
    interface Journal {
        void append(ObjectNode record) throws IOException;
    }

    record TokenRecord(String requestHash, long atMillis) {}

    final ReentrantLock lock = new ReentrantLock();
    final TreeMap<String, Table> tables = new TreeMap<>();
    final Map<String, TokenRecord> tokens = new HashMap<>();
    Journal journal;

    ObjectNode execute(String op, JsonNode req, Capacity cap) {
        if (req == null || !req.isObject()) throw new DynamoError("com.amazon.coral.service#SerializationException", "Request body must be a JSON object");
        lock.lock();
        try {
            return switch (op) {
                case "CreateTable" -> createTable(req);
                case "DescribeTable" -> describeTable(req);
                case "DeleteTable" -> deleteTable(req);
                case "ListTables" -> listTables(req);
                case "UpdateTimeToLive" -> updateTimeToLive(req);
                case "DescribeTimeToLive" -> describeTimeToLive(req);
                case "GetItem" -> getItem(req, cap);
                case "PutItem" -> putItem(req, cap);
                case "UpdateItem" -> updateItem(req, cap);
                case "DeleteItem" -> deleteItem(req, cap);
                case "Query" -> query(req, cap);
                case "Scan" -> scan(req, cap);
                case "BatchGetItem" -> batchGetItem(req, cap);
                case "BatchWriteItem" -> batchWriteItem(req, cap);
                case "TransactWriteItems" -> transactWriteItems(req, cap);
                case "TransactGetItems" -> transactGetItems(req, cap);
                default -> throw new DynamoError("com.amazon.coral.service#UnknownOperationException",
                        "Operation " + op + " is not supported by this DynamoDB emulator");
            };
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ parameter helpers

    private static void allow(JsonNode req, String op, String... allowed) {
        Set<String> ok = Set.of(allowed);
        for (Iterator<String> it = req.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!ok.contains(f)) {
                throw DynamoError.validation("The parameter " + f + " is not supported by this DynamoDB emulator for " + op
                        + " (supported: " + String.join(", ", allowed) + ")");
            }
        }
    }

    private static String text(JsonNode req, String field) {
        JsonNode n = req.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isTextual()) throw DynamoError.validation("Parameter " + field + " must be a string");
        return n.textValue();
    }

    private static String requiredText(JsonNode req, String field) {
        String s = text(req, field);
        if (s == null) {
            throw DynamoError.validation("1 validation error detected: Value null at '" + lowerFirst(field)
                    + "' failed to satisfy constraint: Member must not be null");
        }
        return s;
    }

    private static String lowerFirst(String s) {
        return Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }

    private static boolean bool(JsonNode req, String field) {
        JsonNode n = req.get(field);
        if (n == null || n.isNull()) return false;
        if (!n.isBoolean()) throw DynamoError.validation("Parameter " + field + " must be a boolean");
        return n.booleanValue();
    }

    private static String enumParam(JsonNode req, String field, String dflt, String... allowed) {
        String v = text(req, field);
        if (v == null) return dflt;
        for (String a : allowed) if (a.equals(v)) return v;
        throw DynamoError.validation("1 validation error detected: Value '" + v + "' at '" + lowerFirst(field)
                + "' failed to satisfy constraint: Member must satisfy enum value set: [" + String.join(", ", allowed) + "]");
    }

    private static String rcc(JsonNode req) {
        return enumParam(req, "ReturnConsumedCapacity", "NONE", "INDEXES", "TOTAL", "NONE");
    }

    private static void rcm(JsonNode req) {
        enumParam(req, "ReturnItemCollectionMetrics", "NONE", "SIZE", "NONE");
    }

    private static String rvOnFailure(JsonNode req) {
        return enumParam(req, "ReturnValuesOnConditionCheckFailure", "NONE", "ALL_OLD", "NONE");
    }

    private Table table(JsonNode req) {
        String name = requiredText(req, "TableName");
        validateTableName(name);
        Table t = tables.get(name);
        if (t == null) throw DynamoError.tableNotFound();
        return t;
    }

    private static void validateTableName(String name) {
        if (!TABLE_NAME.matcher(name).matches()) {
            throw DynamoError.validation("1 validation error detected: Value '" + name + "' at 'tableName' failed to satisfy constraint: "
                    + "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+ and length 3..255");
        }
    }

    private static Map<String, Value> keyParam(JsonNode req) {
        JsonNode k = req.get("Key");
        if (k == null || k.isNull()) {
            throw DynamoError.validation("1 validation error detected: Value null at 'key' failed to satisfy constraint: Member must not be null");
        }
        return Codec.itemFromJson(k, "Key");
    }

    private static Cond condition(JsonNode req, String field, Attrs attrs) {
        String s = text(req, field);
        return s == null ? null : Expressions.parseCondition(s, field, attrs);
    }

    private static List<Path> projection(JsonNode req, Attrs attrs) {
        String s = text(req, "ProjectionExpression");
        return s == null ? null : Expressions.parseProjection(s, attrs);
    }

    private static int intParam(JsonNode req, String field, int min, int max) {
        JsonNode n = req.get(field);
        if (n == null || n.isNull()) return -1;
        if (!n.canConvertToInt()) throw DynamoError.validation("Parameter " + field + " must be an integer");
        int v = n.intValue();
        if (v < min || v > max) {
            throw DynamoError.validation("1 validation error detected: Value '" + v + "' at '" + lowerFirst(field)
                    + "' failed to satisfy constraint: Member must have value " + (v < min ? "greater than or equal to " + min : "less than or equal to " + max));
        }
        return v;
    }

    // ------------------------------------------------------------------ commit

    /** Journals (when durable) then applies a set of changes atomically. */
    void commit(List<Change> changes, ObjectNode tokenRecord) {
        if (changes.isEmpty() && tokenRecord == null) return;
        if (journal != null) {
            ObjectNode rec = Codec.F.objectNode();
            rec.put("op", "write");
            ArrayNode w = rec.putArray("w");
            for (Change c : changes) {
                ObjectNode x = w.addObject();
                x.put("t", c.table.name);
                x.set("k", Codec.itemToJson(c.table.keyAttributes(c.key)));
                if (c.item != null) x.set("i", Codec.itemToJson(c.item));
            }
            if (tokenRecord != null) rec.set("tok", tokenRecord);
            appendJournal(rec);
        }
        for (Change c : changes) c.table.write(c.key, c.item);
    }

    private void appendJournal(ObjectNode rec) {
        if (journal == null) return;
        try {
            journal.append(rec);
        } catch (IOException e) {
            throw DynamoError.internal("The emulator could not make the write durable: " + e.getMessage());
        }
    }

    /** Re-applies a journal or snapshot record during recovery. */
    void replay(JsonNode rec) {
        switch (rec.path("op").asText()) {
            case "createTable" -> {
                Table t = new Table((ObjectNode) rec.get("table"));
                tables.put(t.name, t);
            }
            case "deleteTable" -> tables.remove(rec.get("name").textValue());
            case "ttl" -> {
                Table t = tables.get(rec.get("name").textValue());
                if (t != null) {
                    t.ttlEnabled = rec.path("enabled").asBoolean();
                    t.ttlAttribute = rec.path("attr").asText(null);
                    t.definition.set("TimeToLive", Codec.F.objectNode().put("Enabled", t.ttlEnabled).put("AttributeName", t.ttlAttribute));
                }
            }
            case "write" -> {
                for (JsonNode x : rec.get("w")) {
                    Table t = tables.get(x.get("t").textValue());
                    if (t == null) throw new IllegalStateException("journal refers to unknown table " + x.get("t"));
                    List<Object> key = t.keyOf(Codec.itemFromJson(x.get("k"), "key"));
                    t.write(key, x.has("i") ? Codec.itemFromJson(x.get("i"), "item") : null);
                }
                JsonNode tok = rec.get("tok");
                if (tok != null) tokens.put(tok.get("token").textValue(), new TokenRecord(tok.get("hash").textValue(), tok.get("at").asLong()));
            }
            default -> throw new IllegalStateException("unknown journal record " + rec);
        }
    }

    /** Records that describe the whole current state (for a snapshot). */
    void snapshotRecords(java.util.function.Consumer<ObjectNode> out) {
        for (Table t : tables.values()) {
            out.accept(Codec.F.objectNode().put("op", "createTable").set("table", t.definition));
            ObjectNode rec = null;
            ArrayNode w = null;
            for (var e : t.items.entrySet()) {
                if (rec == null) {
                    rec = Codec.F.objectNode().put("op", "write");
                    w = rec.putArray("w");
                }
                ObjectNode x = w.addObject();
                x.put("t", t.name);
                x.set("k", Codec.itemToJson(t.keyAttributes(e.getKey())));
                x.set("i", Codec.itemToJson(e.getValue()));
                if (w.size() >= 500) {
                    out.accept(rec);
                    rec = null;
                }
            }
            if (rec != null) out.accept(rec);
        }
        long now = System.currentTimeMillis();
        for (var e : tokens.entrySet()) {
            if (now - e.getValue().atMillis() < TOKEN_TTL_MILLIS) {
                ObjectNode rec = Codec.F.objectNode().put("op", "write");
                rec.putArray("w");
                rec.set("tok", tokenJson(e.getKey(), e.getValue()));
                out.accept(rec);
            }
        }
    }

    private static ObjectNode tokenJson(String token, TokenRecord r) {
        return Codec.F.objectNode().put("token", token).put("hash", r.requestHash()).put("at", r.atMillis());
    }

    // ------------------------------------------------------------------ tables

    private ObjectNode createTable(JsonNode req) {
        allow(req, "CreateTable", "TableName", "KeySchema", "AttributeDefinitions", "GlobalSecondaryIndexes", "BillingMode",
                "ProvisionedThroughput", "Tags", "SSESpecification", "TableClass", "DeletionProtectionEnabled", "StreamSpecification",
                "LocalSecondaryIndexes", "OnDemandThroughput", "WarmThroughput");
        String name = requiredText(req, "TableName");
        validateTableName(name);
        if (req.has("LocalSecondaryIndexes")) throw DynamoError.validation("LocalSecondaryIndexes are not supported by this DynamoDB emulator");
        if (req.path("StreamSpecification").path("StreamEnabled").asBoolean(false)) {
            throw DynamoError.validation("Streams are not supported by this DynamoDB emulator");
        }
        if (req.path("DeletionProtectionEnabled").asBoolean(false)) {
            throw DynamoError.validation("DeletionProtectionEnabled is not supported by this DynamoDB emulator");
        }
        String billing = enumParam(req, "BillingMode", "PROVISIONED", "PROVISIONED", "PAY_PER_REQUEST");
        JsonNode attrDefs = req.get("AttributeDefinitions");
        if (attrDefs == null || !attrDefs.isArray() || attrDefs.isEmpty()) {
            throw DynamoError.validation("1 validation error detected: Value null at 'attributeDefinitions' failed to satisfy constraint: Member must not be null");
        }
        Map<String, String> types = new LinkedHashMap<>();
        ArrayNode normDefs = Codec.F.arrayNode();
        for (JsonNode a : attrDefs) {
            String an = text(a, "AttributeName"), at = text(a, "AttributeType");
            if (an == null || at == null || !Set.of("S", "N", "B").contains(at)) {
                throw DynamoError.invalidParam("Invalid AttributeDefinition: " + a);
            }
            if (types.put(an, at) != null) throw DynamoError.invalidParam("Duplicate AttributeName in AttributeDefinitions: " + an);
            normDefs.addObject().put("AttributeName", an).put("AttributeType", at);
        }
        Set<String> usedKeyAttrs = new HashSet<>();
        ArrayNode keySchema = validateKeySchema(req.get("KeySchema"), types, usedKeyAttrs, null);
        JsonNode pt = req.get("ProvisionedThroughput");
        ObjectNode def = Codec.F.objectNode();
        def.put("TableName", name);
        def.set("AttributeDefinitions", normDefs);
        def.set("KeySchema", keySchema);
        def.put("BillingMode", billing);
        ObjectNode normPt = throughput(billing, pt, "table");
        if (normPt != null) def.set("ProvisionedThroughput", normPt);
        JsonNode gsis = req.get("GlobalSecondaryIndexes");
        if (gsis != null && !gsis.isNull()) {
            if (!gsis.isArray() || gsis.isEmpty()) throw DynamoError.validation("GlobalSecondaryIndexes must be a non-empty list");
            if (gsis.size() > 20) throw DynamoError.validation("One or more parameter values were invalid: GlobalSecondaryIndex count exceeds the per-table limit of 20");
            ArrayNode norm = def.putArray("GlobalSecondaryIndexes");
            Set<String> names = new HashSet<>();
            for (JsonNode g : gsis) {
                String in = text(g, "IndexName");
                if (in == null || !TABLE_NAME.matcher(in).matches()) throw DynamoError.validation("Invalid IndexName: " + in);
                if (!names.add(in)) throw DynamoError.invalidParam("Duplicate index name: " + in);
                for (Iterator<String> it = g.fieldNames(); it.hasNext(); ) {
                    String f = it.next();
                    if (!Set.of("IndexName", "KeySchema", "Projection", "ProvisionedThroughput", "OnDemandThroughput", "WarmThroughput").contains(f)) {
                        throw DynamoError.validation("The parameter " + f + " of a GlobalSecondaryIndex is not supported by this DynamoDB emulator");
                    }
                }
                ObjectNode ng = norm.addObject();
                ng.put("IndexName", in);
                ng.set("KeySchema", validateKeySchema(g.get("KeySchema"), types, usedKeyAttrs, in));
                JsonNode proj = g.get("Projection");
                String ptype = proj == null ? null : text(proj, "ProjectionType");
                if (ptype == null || !Set.of("ALL", "KEYS_ONLY", "INCLUDE").contains(ptype)) {
                    throw DynamoError.invalidParam("Unknown or missing ProjectionType for index " + in);
                }
                ObjectNode np = ng.putObject("Projection");
                np.put("ProjectionType", ptype);
                JsonNode nka = proj.get("NonKeyAttributes");
                if (ptype.equals("INCLUDE")) {
                    if (nka == null || !nka.isArray() || nka.isEmpty()) {
                        throw DynamoError.invalidParam("NonKeyAttributes must be specified for INCLUDE projection type; index: " + in);
                    }
                    ArrayNode a = np.putArray("NonKeyAttributes");
                    nka.forEach(x -> a.add(x.asText()));
                } else if (nka != null && !nka.isNull()) {
                    throw DynamoError.invalidParam("ProjectionType is " + ptype + ", but NonKeyAttributes is specified");
                }
                ObjectNode gpt = throughput(billing, g.get("ProvisionedThroughput"), "index " + in);
                if (gpt != null) ng.set("ProvisionedThroughput", gpt);
            }
        }
        if (!usedKeyAttrs.equals(types.keySet())) {
            throw DynamoError.invalidParam("Some AttributeDefinitions are not used. AttributeDefinitions: " + types.keySet()
                    + ", keys used: " + usedKeyAttrs);
        }
        if (tables.containsKey(name)) throw DynamoError.inUse("Table already exists: " + name);
        def.put("CreationDateTime", System.currentTimeMillis() / 1000.0);
        def.put("TableId", UUID.randomUUID().toString());
        appendJournal(Codec.F.objectNode().put("op", "createTable").set("table", def));
        Table t = new Table(def);
        tables.put(name, t);
        ObjectNode out = Codec.F.objectNode();
        out.set("TableDescription", t.describe("ACTIVE"));
        return out;
    }

    private static ObjectNode throughput(String billing, JsonNode pt, String what) {
        boolean given = pt != null && !pt.isNull();
        if (billing.equals("PAY_PER_REQUEST")) {
            if (given) throw DynamoError.invalidParam("Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
            return null;
        }
        if (!given) throw DynamoError.invalidParam("ProvisionedThroughput must be specified when BillingMode is PROVISIONED (" + what + ")");
        long r = pt.path("ReadCapacityUnits").asLong(0), w = pt.path("WriteCapacityUnits").asLong(0);
        if (r < 1 || w < 1) throw DynamoError.invalidParam("ReadCapacityUnits and WriteCapacityUnits must be at least 1 (" + what + ")");
        return Codec.F.objectNode().put("ReadCapacityUnits", r).put("WriteCapacityUnits", w);
    }

    private static ArrayNode validateKeySchema(JsonNode ks, Map<String, String> types, Set<String> used, String index) {
        String where = index == null ? "" : " for index " + index;
        if (ks == null || !ks.isArray() || ks.isEmpty() || ks.size() > 2) {
            throw DynamoError.validation("1 validation error detected: KeySchema" + where + " must have 1 or 2 elements");
        }
        ArrayNode out = Codec.F.arrayNode();
        String hash = null, range = null;
        for (JsonNode e : ks) {
            String an = text(e, "AttributeName"), kt = text(e, "KeyType");
            if (an == null || kt == null) throw DynamoError.invalidParam("Invalid KeySchema element" + where);
            if (!types.containsKey(an)) {
                throw DynamoError.invalidParam("Some index key attributes are not defined in AttributeDefinitions. Keys: [" + an
                        + "], AttributeDefinitions: " + types.keySet());
            }
            if (kt.equals("HASH") && hash == null) hash = an;
            else if (kt.equals("RANGE") && range == null) range = an;
            else throw DynamoError.invalidParam("Invalid KeySchema" + where + ": exactly one HASH and at most one RANGE key are allowed");
            used.add(an);
        }
        if (hash == null) throw DynamoError.invalidParam("Invalid KeySchema" + where + ": no HASH key");
        if (ks.get(0).get("KeyType").textValue().equals("RANGE")) throw DynamoError.invalidParam("Invalid KeySchema" + where + ": The first KeySchemaElement is not a HASH key type");
        if (hash.equals(range)) throw DynamoError.invalidParam("Both the Hash Key and the Range Key element in the KeySchema have the same name" + where);
        out.addObject().put("AttributeName", hash).put("KeyType", "HASH");
        if (range != null) out.addObject().put("AttributeName", range).put("KeyType", "RANGE");
        return out;
    }

    private ObjectNode describeTable(JsonNode req) {
        allow(req, "DescribeTable", "TableName");
        Table t = table(req);
        ObjectNode out = Codec.F.objectNode();
        out.set("Table", t.describe("ACTIVE"));
        return out;
    }

    private ObjectNode deleteTable(JsonNode req) {
        allow(req, "DeleteTable", "TableName");
        Table t = table(req);
        appendJournal(Codec.F.objectNode().put("op", "deleteTable").put("name", t.name));
        tables.remove(t.name);
        ObjectNode out = Codec.F.objectNode();
        out.set("TableDescription", t.describe("DELETING"));
        return out;
    }

    private ObjectNode listTables(JsonNode req) {
        allow(req, "ListTables", "ExclusiveStartTableName", "Limit");
        String start = text(req, "ExclusiveStartTableName");
        int limit = intParam(req, "Limit", 1, 100);
        if (limit < 0) limit = 100;
        NavigableMap<String, Table> view = start == null ? tables : tables.tailMap(start, false);
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

    private ObjectNode updateTimeToLive(JsonNode req) {
        allow(req, "UpdateTimeToLive", "TableName", "TimeToLiveSpecification");
        Table t = table(req);
        JsonNode spec = req.get("TimeToLiveSpecification");
        if (spec == null || !spec.isObject()) throw DynamoError.validation("TimeToLiveSpecification must be specified");
        boolean enabled = bool(spec, "Enabled");
        String attr = requiredText(spec, "AttributeName");
        if (attr.isEmpty()) throw DynamoError.validation("TimeToLiveSpecification.AttributeName must not be empty");
        if (enabled && t.ttlEnabled) throw DynamoError.validation("TimeToLive is already enabled");
        if (!enabled && !t.ttlEnabled) throw DynamoError.validation("TimeToLive is already disabled");
        appendJournal(Codec.F.objectNode().put("op", "ttl").put("name", t.name).put("enabled", enabled).put("attr", attr));
        t.ttlEnabled = enabled;
        t.ttlAttribute = attr;
        t.definition.set("TimeToLive", Codec.F.objectNode().put("Enabled", enabled).put("AttributeName", attr));
        ObjectNode out = Codec.F.objectNode();
        out.putObject("TimeToLiveSpecification").put("Enabled", enabled).put("AttributeName", attr);
        return out;
    }

    private ObjectNode describeTimeToLive(JsonNode req) {
        allow(req, "DescribeTimeToLive", "TableName");
        Table t = table(req);
        ObjectNode out = Codec.F.objectNode();
        ObjectNode d = out.putObject("TimeToLiveDescription");
        d.put("TimeToLiveStatus", t.ttlEnabled ? "ENABLED" : "DISABLED");
        if (t.ttlEnabled && t.ttlAttribute != null) d.put("AttributeName", t.ttlAttribute);
        return out;
    }

    // ------------------------------------------------------------------ single-item operations

    private ObjectNode getItem(JsonNode req, Capacity cap) {
        allow(req, "GetItem", "TableName", "Key", "ConsistentRead", "ProjectionExpression", "ExpressionAttributeNames", "ReturnConsumedCapacity");
        Table t = table(req);
        String mode = rcc(req);
        boolean consistent = bool(req, "ConsistentRead");
        List<Object> key = t.keyFromParam(keyParam(req));
        Attrs attrs = new Attrs(req.get("ExpressionAttributeNames"), null);
        List<Path> proj = projection(req, attrs);
        attrs.checkAllUsed(proj != null);
        Map<String, Value> item = t.get(key);
        cap.read(t.name, Capacity.readUnits(item == null ? 0 : Value.itemSize(item), consistent));
        if (item != null) cap.itemsRead++;
        ObjectNode out = Codec.F.objectNode();
        if (item != null) out.set("Item", Codec.itemToJson(Expressions.project(item, proj)));
        putConsumed(out, cap, t.name, mode);
        return out;
    }

    private static void putConsumed(ObjectNode out, Capacity cap, String table, String mode) {
        ObjectNode c = cap.consumed(table, mode);
        if (c != null) out.set("ConsumedCapacity", c);
    }

    /** Charges a single-item write (table + index units; doubled in transactions). */
    private static void chargeWrite(Capacity cap, Table t, Map<String, Value> old, Map<String, Value> item, int factor) {
        long size = Math.max(old == null ? 0 : Value.itemSize(old), item == null ? 0 : Value.itemSize(item));
        cap.write(t.name, factor * Capacity.writeUnits(size));
        t.indexWriteUnits(old, item).forEach((ix, u) -> cap.indexWrite(t.name, ix, factor * u));
    }

    private ObjectNode putItem(JsonNode req, Capacity cap) {
        allow(req, "PutItem", "TableName", "Item", "ConditionExpression", "ExpressionAttributeNames", "ExpressionAttributeValues",
                "ReturnValues", "ReturnConsumedCapacity", "ReturnItemCollectionMetrics", "ReturnValuesOnConditionCheckFailure");
        Table t = table(req);
        String mode = rcc(req);
        rcm(req);
        String rv = enumParam(req, "ReturnValues", "NONE", "NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW");
        if (!rv.equals("NONE") && !rv.equals("ALL_OLD")) throw DynamoError.validation("ReturnValues can only be ALL_OLD or NONE");
        String rvf = rvOnFailure(req);
        JsonNode itemNode = req.get("Item");
        if (itemNode == null || itemNode.isNull()) {
            throw DynamoError.validation("1 validation error detected: Value null at 'item' failed to satisfy constraint: Member must not be null");
        }
        Map<String, Value> item = Codec.itemFromJson(itemNode, "Item");
        t.validateItem(item, false);
        Attrs attrs = new Attrs(req.get("ExpressionAttributeNames"), req.get("ExpressionAttributeValues"));
        Cond cond = condition(req, "ConditionExpression", attrs);
        attrs.checkAllUsed(cond != null);
        List<Object> key = t.keyOf(item);
        Map<String, Value> old = t.get(key);
        if (cond != null && !Expressions.eval(cond, old)) {
            chargeWrite(cap, t, old, null, 1);
            throw conditionFailed(old, rvf);
        }
        chargeWrite(cap, t, old, item, 1);
        commit(List.of(new Change(t, key, item)), null);
        cap.itemsWritten++;
        ObjectNode out = Codec.F.objectNode();
        if (rv.equals("ALL_OLD") && old != null) out.set("Attributes", Codec.itemToJson(old));
        putConsumed(out, cap, t.name, mode);
        return out;
    }

    private static DynamoError conditionFailed(Map<String, Value> old, String rvf) {
        ObjectNode extra = null;
        if (rvf.equals("ALL_OLD") && old != null) {
            extra = Codec.F.objectNode();
            extra.set("Item", Codec.itemToJson(old));
        }
        return DynamoError.conditionalCheckFailed(extra);
    }

    private static void checkUpdateTargets(Table t, Update u) {
        for (Path p : u.targets()) {
            if (t.isKeyAttribute(p.top())) {
                throw DynamoError.invalidParam("Cannot update attribute " + p.top() + ". This attribute is part of the key");
            }
        }
    }

    private ObjectNode updateItem(JsonNode req, Capacity cap) {
        allow(req, "UpdateItem", "TableName", "Key", "UpdateExpression", "ConditionExpression", "ExpressionAttributeNames",
                "ExpressionAttributeValues", "ReturnValues", "ReturnConsumedCapacity", "ReturnItemCollectionMetrics",
                "ReturnValuesOnConditionCheckFailure");
        Table t = table(req);
        String mode = rcc(req);
        rcm(req);
        String rv = enumParam(req, "ReturnValues", "NONE", "NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW");
        String rvf = rvOnFailure(req);
        Map<String, Value> keyMap = keyParam(req);
        List<Object> key = t.keyFromParam(keyMap);
        Attrs attrs = new Attrs(req.get("ExpressionAttributeNames"), req.get("ExpressionAttributeValues"));
        String ue = text(req, "UpdateExpression");
        Update u = ue == null ? new Update(List.of(), List.of(), List.of(), List.of()) : Expressions.parseUpdate(ue, attrs);
        Cond cond = condition(req, "ConditionExpression", attrs);
        attrs.checkAllUsed(cond != null || ue != null);
        checkUpdateTargets(t, u);
        Map<String, Value> old = t.get(key);
        if (cond != null && !Expressions.eval(cond, old)) {
            chargeWrite(cap, t, old, null, 1);
            throw conditionFailed(old, rvf);
        }
        Map<String, Value> item = Expressions.apply(u, old != null ? old : t.keyAttributes(key));
        t.validateItem(item, true);
        chargeWrite(cap, t, old, item, 1);
        commit(List.of(new Change(t, key, item)), null);
        cap.itemsWritten++;
        ObjectNode out = Codec.F.objectNode();
        Map<String, Value> attributes = switch (rv) {
            case "ALL_OLD" -> old;
            case "ALL_NEW" -> item;
            case "UPDATED_OLD" -> old == null ? null : Expressions.project(old, u.targets());
            case "UPDATED_NEW" -> Expressions.project(item, u.targets());
            default -> null;
        };
        if (attributes != null && !attributes.isEmpty()) out.set("Attributes", Codec.itemToJson(attributes));
        putConsumed(out, cap, t.name, mode);
        return out;
    }

    private ObjectNode deleteItem(JsonNode req, Capacity cap) {
        allow(req, "DeleteItem", "TableName", "Key", "ConditionExpression", "ExpressionAttributeNames", "ExpressionAttributeValues",
                "ReturnValues", "ReturnConsumedCapacity", "ReturnItemCollectionMetrics", "ReturnValuesOnConditionCheckFailure");
        Table t = table(req);
        String mode = rcc(req);
        rcm(req);
        String rv = enumParam(req, "ReturnValues", "NONE", "NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW");
        if (!rv.equals("NONE") && !rv.equals("ALL_OLD")) throw DynamoError.validation("ReturnValues can only be ALL_OLD or NONE");
        String rvf = rvOnFailure(req);
        List<Object> key = t.keyFromParam(keyParam(req));
        Attrs attrs = new Attrs(req.get("ExpressionAttributeNames"), req.get("ExpressionAttributeValues"));
        Cond cond = condition(req, "ConditionExpression", attrs);
        attrs.checkAllUsed(cond != null);
        Map<String, Value> old = t.get(key);
        if (cond != null && !Expressions.eval(cond, old)) {
            chargeWrite(cap, t, old, null, 1);
            throw conditionFailed(old, rvf);
        }
        chargeWrite(cap, t, old, null, 1);
        if (old != null) {
            commit(List.of(new Change(t, key, null)), null);
            cap.itemsWritten++;
        }
        ObjectNode out = Codec.F.objectNode();
        if (rv.equals("ALL_OLD") && old != null) out.set("Attributes", Codec.itemToJson(old));
        putConsumed(out, cap, t.name, mode);
        return out;
    }

    // ------------------------------------------------------------------ query and scan

    /** Bounds and predicate on the sort key derived from a KeyConditionExpression. */
    private record KeyRange(List<Object> from, boolean fromInclusive, List<Object> to, boolean toInclusive, Value prefix) {}

    private ObjectNode query(JsonNode req, Capacity cap) {
        allow(req, "Query", "TableName", "IndexName", "KeyConditionExpression", "FilterExpression", "ProjectionExpression",
                "ExpressionAttributeNames", "ExpressionAttributeValues", "Select", "ScanIndexForward", "Limit", "ExclusiveStartKey",
                "ConsistentRead", "ReturnConsumedCapacity");
        return read(req, cap, true);
    }

    private ObjectNode scan(JsonNode req, Capacity cap) {
        allow(req, "Scan", "TableName", "IndexName", "FilterExpression", "ProjectionExpression", "ExpressionAttributeNames",
                "ExpressionAttributeValues", "Select", "Limit", "ExclusiveStartKey", "ConsistentRead", "Segment", "TotalSegments",
                "ReturnConsumedCapacity");
        return read(req, cap, false);
    }

    private ObjectNode read(JsonNode req, Capacity cap, boolean isQuery) {
        Table t = table(req);
        String mode = rcc(req);
        String indexName = text(req, "IndexName");
        Table.Index ix = indexName == null ? null : t.index(indexName);
        boolean consistent = bool(req, "ConsistentRead");
        if (ix != null && consistent) throw DynamoError.validation("Consistent reads are not supported on global secondary indexes");
        Table.KeyDef hashDef = ix == null ? t.hash : ix.hash, rangeDef = ix == null ? t.range : ix.range;
        Attrs attrs = new Attrs(req.get("ExpressionAttributeNames"), req.get("ExpressionAttributeValues"));

        Value hashValue = null;
        KeyRange kr = null;
        if (isQuery) {
            String kce = text(req, "KeyConditionExpression");
            if (kce == null) throw DynamoError.validation("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.");
            Cond kc = Expressions.parseCondition(kce, "KeyConditionExpression", attrs);
            Object[] hr = keyCondition(kc, hashDef, rangeDef);
            hashValue = (Value) hr[0];
            kr = (KeyRange) hr[1];
        }
        Cond filter = condition(req, "FilterExpression", attrs);
        if (filter != null && isQuery) checkFilterKeys(filter, hashDef, rangeDef);
        List<Path> proj = projection(req, attrs);
        attrs.checkAllUsed(isQuery || filter != null || proj != null);

        String select = enumParam(req, "Select", null, "ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES", "SPECIFIC_ATTRIBUTES", "COUNT");
        if (select == null) select = proj != null ? "SPECIFIC_ATTRIBUTES" : (ix == null ? "ALL_ATTRIBUTES" : "ALL_PROJECTED_ATTRIBUTES");
        if (proj != null && !select.equals("SPECIFIC_ATTRIBUTES")) {
            throw DynamoError.validation("Cannot specify the ProjectionExpression when choosing to get " + select);
        }
        if (proj == null && select.equals("SPECIFIC_ATTRIBUTES")) {
            throw DynamoError.validation("SPECIFIC_ATTRIBUTES requires a ProjectionExpression in this emulator");
        }
        if (select.equals("ALL_PROJECTED_ATTRIBUTES") && ix == null) {
            throw DynamoError.validation("ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName");
        }
        if (select.equals("ALL_ATTRIBUTES") && ix != null && !ix.projectionType.equals("ALL")) {
            throw DynamoError.invalidParam("Select type ALL_ATTRIBUTES is not supported for global secondary index " + ix.name
                    + " because its projection type is not ALL");
        }
        int limit = intParam(req, "Limit", 1, Integer.MAX_VALUE);
        boolean forward = !isQuery || !req.has("ScanIndexForward") || bool(req, "ScanIndexForward");
        int segment = -1, totalSegments = -1;
        if (!isQuery) {
            segment = intParam(req, "Segment", 0, 999999);
            totalSegments = intParam(req, "TotalSegments", 1, 1000000);
            if ((segment < 0) != (totalSegments < 0)) {
                throw DynamoError.validation("The TotalSegments parameter is required but was not present in the request when Segment parameter is present");
            }
            if (segment >= 0 && segment >= totalSegments) {
                throw DynamoError.validation("The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: "
                        + segment + " is not less than TotalSegments: " + totalSegments);
            }
        }

        NavigableMap<List<Object>, Map<String, Value>> src = ix == null ? t.items : ix.entries;
        if (isQuery) {
            List<Object> lo = kr == null ? List.of(hashValue) : kr.from;
            List<Object> hi = kr == null ? List.of(hashValue, Table.MAX) : kr.to;
            boolean loInc = kr == null || kr.fromInclusive, hiInc = kr == null || kr.toInclusive;
            if (Table.KEY_ORDER.compare(lo, hi) > 0) src = new TreeMap<>(Table.KEY_ORDER);
            else src = src.subMap(lo, loInc, hi, hiInc);
        }
        JsonNode eskNode = req.get("ExclusiveStartKey");
        if (eskNode != null && !eskNode.isNull()) {
            List<Object> pos = startKey(Codec.itemFromJson(eskNode, "ExclusiveStartKey"), t, ix);
            if (isQuery && !pos.getFirst().equals(hashValue)) {
                throw DynamoError.validation("The provided starting key is invalid: The provided key element does not match the schema");
            }
            src = forward ? src.tailMap(pos, false) : src.headMap(pos, false);
        }
        if (!forward) src = src.descendingMap();

        ObjectNode out = Codec.F.objectNode();
        ArrayNode items = select.equals("COUNT") ? null : Codec.F.arrayNode();
        int count = 0, scanned = 0;
        long bytes = 0;
        Map<String, Value> last = null;
        boolean stopped = false, matchedPrefix = false;
        Iterator<Map.Entry<List<Object>, Map<String, Value>>> it = src.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<List<Object>, Map<String, Value>> e = it.next();
            Map<String, Value> item = e.getValue();
            if (kr != null && kr.prefix != null) {
                boolean m = beginsWith(item.get(rangeDef.name()), kr.prefix);
                if (!m) {
                    if (matchedPrefix) break;
                    continue;
                }
                matchedPrefix = true;
            }
            if (segment >= 0 && Math.floorMod(Value.stableHash((Value) e.getKey().getFirst()), totalSegments) != segment) continue;
            Map<String, Value> stored = ix == null ? item : ix.project(item);
            scanned++;
            bytes += Value.itemSize(stored);
            last = item;
            if (filter == null || Expressions.eval(filter, stored)) {
                count++;
                if (items != null) items.add(Codec.itemToJson(Expressions.project(stored, proj)));
            }
            if (scanned == limit) {
                stopped = true;
                break;
            }
            if (bytes >= PAGE_LIMIT_BYTES) {
                stopped = it.hasNext();
                break;
            }
        }
        double units = Capacity.readUnits(bytes, consistent);
        if (ix == null) cap.read(t.name, units); else cap.indexRead(t.name, ix.name, units);
        cap.itemsRead += scanned;
        if (items != null) out.set("Items", items);
        out.put("Count", count);
        out.put("ScannedCount", scanned);
        if (stopped && last != null) {
            out.set("LastEvaluatedKey", Codec.itemToJson(ix == null ? t.keyAttributes(last) : ix.keyAttributes(last)));
        }
        putConsumed(out, cap, t.name, mode);
        return out;
    }

    private static boolean beginsWith(Value v, Value prefix) {
        if (v instanceof Value.S s && prefix instanceof Value.S p) return s.v().startsWith(p.v());
        if (v instanceof Value.B b && prefix instanceof Value.B p) {
            return b.v().length >= p.v().length && java.util.Arrays.equals(b.v(), 0, p.v().length, p.v(), 0, p.v().length);
        }
        return false;
    }

    private static List<Object> startKey(Map<String, Value> esk, Table t, Table.Index ix) {
        List<Table.KeyDef> defs = new ArrayList<>();
        if (ix != null) {
            defs.add(ix.hash);
            if (ix.range != null) defs.add(ix.range);
        }
        defs.add(t.hash);
        if (t.range != null) defs.add(t.range);
        Set<String> names = new LinkedHashSet<>();
        defs.forEach(d -> names.add(d.name()));
        if (!esk.keySet().equals(names)) {
            throw DynamoError.validation("The provided starting key is invalid: The provided key element does not match the schema");
        }
        List<Object> pos = new ArrayList<>();
        for (Table.KeyDef d : defs) {
            Value v = esk.get(d.name());
            if (!v.type().equals(d.type())) {
                throw DynamoError.validation("The provided starting key is invalid: The provided key element does not match the schema");
            }
            pos.add(v);
        }
        if (ix == null) return pos;
        // index position: index keys, then table keys (duplicate attribute names appear in both parts)
        List<Object> ip = new ArrayList<>();
        ip.add(esk.get(ix.hash.name()));
        if (ix.range != null) ip.add(esk.get(ix.range.name()));
        ip.add(esk.get(t.hash.name()));
        if (t.range != null) ip.add(esk.get(t.range.name()));
        return ip;
    }

    private static void checkFilterKeys(Cond filter, Table.KeyDef hash, Table.KeyDef range) {
        Set<String> refs = new HashSet<>();
        collectTops(filter, refs);
        for (Table.KeyDef kd : range == null ? List.of(hash) : List.of(hash, range)) {
            if (refs.contains(kd.name())) {
                throw DynamoError.validation("Filter Expression can only contain non-primary key attributes: Primary key attribute: " + kd.name());
            }
        }
    }

    private static void collectTops(Object node, Set<String> out) {
        switch (node) {
            case Expressions.And a -> { collectTops(a.a(), out); collectTops(a.b(), out); }
            case Expressions.Or o -> { collectTops(o.a(), out); collectTops(o.b(), out); }
            case Expressions.Not n -> collectTops(n.c(), out);
            case Expressions.Compare c -> { collectTops(c.a(), out); collectTops(c.b(), out); }
            case Expressions.Between b -> { collectTops(b.v(), out); collectTops(b.lo(), out); collectTops(b.hi(), out); }
            case Expressions.In in -> { collectTops(in.v(), out); in.list().forEach(x -> collectTops(x, out)); }
            case Expressions.Func f -> f.args().forEach(x -> collectTops(x, out));
            case Expressions.PathOp p -> out.add(p.path().top());
            case Expressions.SizeOp s -> out.add(s.path().top());
            default -> { }
        }
    }

    /** Interprets a KeyConditionExpression: returns {hash value, KeyRange or null}. */
    private static Object[] keyCondition(Cond kc, Table.KeyDef hash, Table.KeyDef range) {
        Value hv = null;
        KeyRange kr = null;
        List<Cond> parts = Expressions.conjuncts(kc);
        if (parts.size() > 2) throw DynamoError.validation("Invalid KeyConditionExpression: The expression can only contain one condition per key attribute");
        for (Cond c : parts) {
            String attr;
            switch (c) {
                case Expressions.Compare cmp -> {
                    Expressions.Operand pathSide = cmp.a(), valueSide = cmp.b();
                    Expressions.T op = cmp.op();
                    if (cmp.a() instanceof Expressions.ValueOp && cmp.b() instanceof Expressions.PathOp) {
                        pathSide = cmp.b();
                        valueSide = cmp.a();
                        op = switch (op) {
                            case LT -> Expressions.T.GT;
                            case LE -> Expressions.T.GE;
                            case GT -> Expressions.T.LT;
                            case GE -> Expressions.T.LE;
                            default -> op;
                        };
                    }
                    if (op == Expressions.T.NE) throw DynamoError.validation("Invalid KeyConditionExpression: Invalid operator used in KeyConditionExpression: <>");
                    Value v = keyValue(valueSide);
                    attr = keyPath(pathSide);
                    if (attr.equals(hash.name())) {
                        if (op != Expressions.T.EQ) throw DynamoError.validation("Query key condition not supported");
                        if (hv != null) throw DynamoError.validation("KeyConditionExpressions must only contain one condition per key");
                        checkKeyType(hash, v);
                        hv = v;
                        continue;
                    }
                    if (range == null || !attr.equals(range.name())) throw DynamoError.validation("Query condition missed key schema element: " + attr);
                    if (kr != null) throw DynamoError.validation("KeyConditionExpressions must only contain one condition per key");
                    checkKeyType(range, v);
                    kr = switch (op) {
                        case EQ -> new KeyRange(List.of(Table.MAX, v), true, List.of(Table.MAX, v, Table.MAX), true, null);
                        case LT -> new KeyRange(List.of(Table.MAX), true, List.of(Table.MAX, v), false, null);
                        case LE -> new KeyRange(List.of(Table.MAX), true, List.of(Table.MAX, v, Table.MAX), true, null);
                        case GT -> new KeyRange(List.of(Table.MAX, v, Table.MAX), false, List.of(Table.MAX, Table.MAX), true, null);
                        case GE -> new KeyRange(List.of(Table.MAX, v), true, List.of(Table.MAX, Table.MAX), true, null);
                        default -> throw DynamoError.validation("Query key condition not supported");
                    };
                }
                case Expressions.Between b -> {
                    attr = keyPath(b.v());
                    if (range == null || !attr.equals(range.name())) {
                        throw DynamoError.validation(attr.equals(hash.name()) ? "Query key condition not supported"
                                : "Query condition missed key schema element: " + attr);
                    }
                    if (kr != null) throw DynamoError.validation("KeyConditionExpressions must only contain one condition per key");
                    Value lo = keyValue(b.lo()), hi = keyValue(b.hi());
                    checkKeyType(range, lo);
                    checkKeyType(range, hi);
                    kr = new KeyRange(List.of(Table.MAX, lo), true, List.of(Table.MAX, hi, Table.MAX), true, null);
                }
                case Expressions.Func f when f.name().equals("begins_with") -> {
                    attr = keyPath(f.args().get(0));
                    if (range == null || !attr.equals(range.name())) {
                        throw DynamoError.validation(attr.equals(hash.name()) ? "Query key condition not supported"
                                : "Query condition missed key schema element: " + attr);
                    }
                    if (kr != null) throw DynamoError.validation("KeyConditionExpressions must only contain one condition per key");
                    Value p = keyValue(f.args().get(1));
                    if (range.type().equals("N")) {
                        throw DynamoError.validation("Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N");
                    }
                    checkKeyType(range, p);
                    kr = new KeyRange(List.of(Table.MAX, p), true, List.of(Table.MAX, Table.MAX), true, p);
                }
                case Expressions.Func f -> throw DynamoError.validation("Invalid KeyConditionExpression: Invalid operator used in KeyConditionExpression: " + f.name());
                case Expressions.Or o -> throw DynamoError.validation("Invalid KeyConditionExpression: Invalid operator used in KeyConditionExpression: OR");
                case Expressions.Not n -> throw DynamoError.validation("Invalid KeyConditionExpression: Invalid operator used in KeyConditionExpression: NOT");
                case Expressions.In in -> throw DynamoError.validation("Invalid KeyConditionExpression: Invalid operator used in KeyConditionExpression: IN");
                default -> throw DynamoError.validation("Invalid KeyConditionExpression");
            }
        }
        if (hv == null) throw DynamoError.validation("Query condition missed key schema element: " + hash.name());
        if (kr != null) kr = withHash(kr, hv);
        return new Object[] {hv, kr};
    }

    /** Replaces the placeholder first element (MAX) of the bounds by the hash value. */
    private static KeyRange withHash(KeyRange kr, Value hv) {
        List<Object> from = new ArrayList<>(kr.from);
        from.set(0, hv);
        List<Object> to = new ArrayList<>(kr.to);
        to.set(0, hv);
        return new KeyRange(from, kr.fromInclusive, to, kr.toInclusive, kr.prefix);
    }

    private static String keyPath(Expressions.Operand o) {
        if (o instanceof Expressions.PathOp p && p.path().isTopLevel()) return p.path().top();
        throw DynamoError.validation("Invalid KeyConditionExpression: key conditions must compare a top-level key attribute with a value");
    }

    private static Value keyValue(Expressions.Operand o) {
        if (o instanceof Expressions.ValueOp v) return v.value();
        throw DynamoError.validation("Invalid KeyConditionExpression: key conditions must compare a top-level key attribute with a value");
    }

    private static void checkKeyType(Table.KeyDef kd, Value v) {
        if (!v.type().equals(kd.type())) throw DynamoError.invalidParam("Condition parameter type does not match schema type");
    }

    // ------------------------------------------------------------------ batch operations

    private ObjectNode batchGetItem(JsonNode req, Capacity cap) {
        allow(req, "BatchGetItem", "RequestItems", "ReturnConsumedCapacity");
        String mode = rcc(req);
        JsonNode ri = req.get("RequestItems");
        if (ri == null || !ri.isObject() || ri.isEmpty()) throw DynamoError.validation("1 validation error detected: Value at 'requestItems' failed to satisfy constraint: Member must have length greater than or equal to 1");
        record Plan(Table t, List<List<Object>> keys, List<Path> proj, boolean consistent) {}
        List<Plan> plans = new ArrayList<>();
        int total = 0;
        for (var e : ri.properties()) {
            JsonNode spec = e.getValue();
            allow(spec, "BatchGetItem RequestItems", "Keys", "ConsistentRead", "ProjectionExpression", "ExpressionAttributeNames");
            validateTableName(e.getKey());
            Table t = tables.get(e.getKey());
            if (t == null) throw DynamoError.tableNotFound();
            JsonNode keys = spec.get("Keys");
            if (keys == null || !keys.isArray() || keys.isEmpty()) throw DynamoError.validation("1 validation error detected: Keys must have length greater than or equal to 1");
            Attrs attrs = new Attrs(spec.get("ExpressionAttributeNames"), null);
            List<Path> proj = projection(spec, attrs);
            attrs.checkAllUsed(proj != null);
            List<List<Object>> ks = new ArrayList<>();
            Set<List<Object>> seen = new java.util.TreeSet<>(Table.KEY_ORDER);
            for (JsonNode k : keys) {
                List<Object> key = t.keyFromParam(Codec.itemFromJson(k, "Key"));
                if (!seen.add(key)) throw DynamoError.validation("Provided list of item keys contains duplicates");
                ks.add(key);
            }
            total += ks.size();
            plans.add(new Plan(t, ks, proj, bool(spec, "ConsistentRead")));
        }
        if (total > 100) throw DynamoError.validation("Too many items requested for the BatchGetItem call");
        ObjectNode out = Codec.F.objectNode();
        ObjectNode responses = out.putObject("Responses");
        for (Plan p : plans) {
            ArrayNode a = responses.putArray(p.t.name);
            for (List<Object> k : p.keys) {
                Map<String, Value> item = p.t.get(k);
                cap.read(p.t.name, Capacity.readUnits(item == null ? 0 : Value.itemSize(item), p.consistent));
                if (item != null) {
                    cap.itemsRead++;
                    a.add(Codec.itemToJson(Expressions.project(item, p.proj)));
                }
            }
        }
        out.putObject("UnprocessedKeys");
        ArrayNode cc = cap.consumedList(mode);
        if (cc != null) out.set("ConsumedCapacity", cc);
        return out;
    }

    private ObjectNode batchWriteItem(JsonNode req, Capacity cap) {
        allow(req, "BatchWriteItem", "RequestItems", "ReturnConsumedCapacity", "ReturnItemCollectionMetrics");
        String mode = rcc(req);
        rcm(req);
        JsonNode ri = req.get("RequestItems");
        if (ri == null || !ri.isObject() || ri.isEmpty()) throw DynamoError.validation("1 validation error detected: Value at 'requestItems' failed to satisfy constraint: Member must have length greater than or equal to 1");
        List<Change> changes = new ArrayList<>();
        int total = 0;
        for (var e : ri.properties()) {
            validateTableName(e.getKey());
            Table t = tables.get(e.getKey());
            if (t == null) throw DynamoError.tableNotFound();
            if (!e.getValue().isArray() || e.getValue().isEmpty()) throw DynamoError.validation("1 validation error detected: the list of write requests for " + e.getKey() + " must not be empty");
            Set<List<Object>> seen = new java.util.TreeSet<>(Table.KEY_ORDER);
            for (JsonNode w : e.getValue()) {
                total++;
                allow(w, "BatchWriteItem request", "PutRequest", "DeleteRequest");
                if (w.size() != 1) throw DynamoError.validation("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes");
                Change c;
                if (w.has("PutRequest")) {
                    allow(w.get("PutRequest"), "PutRequest", "Item");
                    Map<String, Value> item = Codec.itemFromJson(w.get("PutRequest").get("Item"), "Item");
                    if (item == null) throw DynamoError.validation("1 validation error detected: Value null at 'item' failed to satisfy constraint: Member must not be null");
                    t.validateItem(item, false);
                    c = new Change(t, t.keyOf(item), item);
                } else {
                    allow(w.get("DeleteRequest"), "DeleteRequest", "Key");
                    c = new Change(t, t.keyFromParam(Codec.itemFromJson(w.get("DeleteRequest").get("Key"), "Key")), null);
                }
                if (!seen.add(c.key)) throw DynamoError.validation("Provided list of item keys contains duplicates");
                changes.add(c);
            }
        }
        if (total > 25) {
            throw DynamoError.validation("1 validation error detected: Value at 'requestItems' failed to satisfy constraint: "
                    + "Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]");
        }
        List<Change> effective = new ArrayList<>();
        for (Change c : changes) {
            Map<String, Value> old = c.table.get(c.key);
            chargeWrite(cap, c.table, old, c.item, 1);
            if (c.item != null || old != null) effective.add(c);
        }
        commit(effective, null);
        cap.itemsWritten += effective.size();
        ObjectNode out = Codec.F.objectNode();
        out.putObject("UnprocessedItems");
        ArrayNode cc = cap.consumedList(mode);
        if (cc != null) out.set("ConsumedCapacity", cc);
        return out;
    }

    // ------------------------------------------------------------------ transactions

    private record Action(String kind, Table table, List<Object> key, Map<String, Value> item, Update update, Cond cond, String rvf) {}

    private ObjectNode transactWriteItems(JsonNode req, Capacity cap) {
        allow(req, "TransactWriteItems", "TransactItems", "ClientRequestToken", "ReturnConsumedCapacity", "ReturnItemCollectionMetrics");
        String mode = rcc(req);
        rcm(req);
        String token = text(req, "ClientRequestToken");
        if (token != null && (token.isEmpty() || token.length() > 36)) {
            throw DynamoError.validation("1 validation error detected: Value '" + token
                    + "' at 'clientRequestToken' failed to satisfy constraint: Member must have length less than or equal to 36");
        }
        JsonNode items = req.get("TransactItems");
        if (items == null || !items.isArray() || items.isEmpty()) {
            throw DynamoError.validation("1 validation error detected: Value null at 'transactItems' failed to satisfy constraint: Member must not be null");
        }
        if (items.size() > 100) {
            throw DynamoError.validation("1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100");
        }
        String hash = null;
        long now = System.currentTimeMillis();
        if (token != null) {
            ObjectNode copy = ((ObjectNode) req).deepCopy();
            copy.remove("ClientRequestToken");
            copy.remove("ReturnConsumedCapacity");
            copy.remove("ReturnItemCollectionMetrics");
            try {
                hash = CANONICAL.writeValueAsString(CANONICAL.treeToValue(copy, Object.class));
            } catch (IOException e) {
                throw DynamoError.internal(e.getMessage());
            }
            TokenRecord prev = tokens.get(token);
            if (prev != null && now - prev.atMillis() < TOKEN_TTL_MILLIS) {
                if (!prev.requestHash().equals(hash)) {
                    throw new DynamoError("IdempotentParameterMismatchException",
                            "Request with the same client token and different parameters was already processed");
                }
                // Same request within the idempotency window: succeed without applying it again.
                ObjectNode out = Codec.F.objectNode();
                ArrayNode cc = cap.consumedList(mode);
                if (cc != null) out.set("ConsumedCapacity", cc);
                return out;
            }
        }

        List<Action> actions = new ArrayList<>();
        Map<String, Set<List<Object>>> seen = new HashMap<>();
        for (JsonNode ti : items) {
            if (!ti.isObject() || ti.size() != 1) {
                throw DynamoError.validation("TransactItems can only contain one of Check, Put, Update or Delete");
            }
            String kind = ti.fieldNames().next();
            JsonNode a = ti.get(kind);
            Attrs attrs = new Attrs(a.get("ExpressionAttributeNames"), a.get("ExpressionAttributeValues"));
            Action act;
            switch (kind) {
                case "ConditionCheck" -> {
                    allow(a, "ConditionCheck", "TableName", "Key", "ConditionExpression", "ExpressionAttributeNames",
                            "ExpressionAttributeValues", "ReturnValuesOnConditionCheckFailure");
                    Table t = table(a);
                    List<Object> key = t.keyFromParam(keyParam(a));
                    String ce = requiredText(a, "ConditionExpression");
                    Cond c = Expressions.parseCondition(ce, "ConditionExpression", attrs);
                    attrs.checkAllUsed(true);
                    act = new Action(kind, t, key, null, null, c, rvOnFailure(a));
                }
                case "Put" -> {
                    allow(a, "Put", "TableName", "Item", "ConditionExpression", "ExpressionAttributeNames",
                            "ExpressionAttributeValues", "ReturnValuesOnConditionCheckFailure");
                    Table t = table(a);
                    Map<String, Value> item = Codec.itemFromJson(a.get("Item"), "Item");
                    if (item == null) throw DynamoError.validation("1 validation error detected: Value null at 'transactItems.member.put.item' failed to satisfy constraint: Member must not be null");
                    t.validateItem(item, false);
                    Cond c = condition(a, "ConditionExpression", attrs);
                    attrs.checkAllUsed(c != null);
                    act = new Action(kind, t, t.keyOf(item), item, null, c, rvOnFailure(a));
                }
                case "Update" -> {
                    allow(a, "Update", "TableName", "Key", "UpdateExpression", "ConditionExpression", "ExpressionAttributeNames",
                            "ExpressionAttributeValues", "ReturnValuesOnConditionCheckFailure");
                    Table t = table(a);
                    List<Object> key = t.keyFromParam(keyParam(a));
                    Update u = Expressions.parseUpdate(requiredText(a, "UpdateExpression"), attrs);
                    Cond c = condition(a, "ConditionExpression", attrs);
                    attrs.checkAllUsed(true);
                    checkUpdateTargets(t, u);
                    act = new Action(kind, t, key, null, u, c, rvOnFailure(a));
                }
                case "Delete" -> {
                    allow(a, "Delete", "TableName", "Key", "ConditionExpression", "ExpressionAttributeNames",
                            "ExpressionAttributeValues", "ReturnValuesOnConditionCheckFailure");
                    Table t = table(a);
                    List<Object> key = t.keyFromParam(keyParam(a));
                    Cond c = condition(a, "ConditionExpression", attrs);
                    attrs.checkAllUsed(c != null);
                    act = new Action(kind, t, key, null, null, c, rvOnFailure(a));
                }
                default -> throw DynamoError.validation("TransactItems can only contain one of Check, Put, Update or Delete; got " + kind);
            }
            if (!seen.computeIfAbsent(act.table.name, k -> new java.util.TreeSet<>(Table.KEY_ORDER)).add(act.key)) {
                throw DynamoError.validation("Transaction request cannot include multiple operations on one item");
            }
            actions.add(act);
        }

        // Evaluate every action against the state before the transaction.
        ArrayNode reasons = Codec.F.arrayNode();
        List<String> codes = new ArrayList<>();
        boolean failed = false;
        List<Change> changes = new ArrayList<>();
        Capacity local = new Capacity();
        for (Action act : actions) {
            Map<String, Value> old = act.table.get(act.key);
            ObjectNode reason = Codec.F.objectNode();
            try {
                if (act.cond != null && !Expressions.eval(act.cond, old)) {
                    reason.put("Code", "ConditionalCheckFailed");
                    reason.put("Message", "The conditional request failed");
                    if (act.rvf.equals("ALL_OLD") && old != null) reason.set("Item", Codec.itemToJson(old));
                    failed = true;
                } else {
                    Map<String, Value> item = switch (act.kind) {
                        case "Put" -> act.item;
                        case "Update" -> {
                            Map<String, Value> n = Expressions.apply(act.update, old != null ? old : act.table.keyAttributes(act.key));
                            act.table.validateItem(n, true);
                            yield n;
                        }
                        default -> null;
                    };
                    switch (act.kind) {
                        case "ConditionCheck" -> local.write(act.table.name, 2 * Capacity.writeUnits(old == null ? 0 : Value.itemSize(old)));
                        case "Delete" -> {
                            chargeWrite(local, act.table, old, null, 2);
                            if (old != null) changes.add(new Change(act.table, act.key, null));
                        }
                        default -> {
                            chargeWrite(local, act.table, old, item, 2);
                            changes.add(new Change(act.table, act.key, item));
                        }
                    }
                    reason.put("Code", "None");
                }
            } catch (DynamoError e) {
                if (!e.type.equals("ValidationException")) throw e;
                reason.put("Code", "ValidationError");
                reason.put("Message", e.getMessage());
                failed = true;
            }
            codes.add(reason.get("Code").textValue());
            reasons.add(reason);
        }
        if (failed) {
            ObjectNode extra = Codec.F.objectNode();
            extra.set("CancellationReasons", reasons);
            throw new DynamoError("TransactionCanceledException", 400,
                    "Transaction cancelled, please refer cancellation reasons for specific reasons " + codes, extra);
        }
        ObjectNode tokJson = null;
        if (token != null) {
            TokenRecord rec = new TokenRecord(hash, now);
            tokJson = tokenJson(token, rec);
            commit(changes, tokJson);
            tokens.put(token, rec);
            if (tokens.size() > 10_000) tokens.values().removeIf(r -> now - r.atMillis() >= TOKEN_TTL_MILLIS);
        } else {
            commit(changes, null);
        }
        for (var e : local.tables.entrySet()) {
            Capacity.Units u = cap.table(e.getKey());
            u.read += e.getValue().read;
            u.write += e.getValue().write;
            e.getValue().indexes.forEach((ix, v) -> cap.indexWrite(e.getKey(), ix, v[1]));
        }
        cap.itemsWritten += changes.size();
        ObjectNode out = Codec.F.objectNode();
        ArrayNode cc = cap.consumedList(mode);
        if (cc != null) out.set("ConsumedCapacity", cc);
        return out;
    }

    private ObjectNode transactGetItems(JsonNode req, Capacity cap) {
        allow(req, "TransactGetItems", "TransactItems", "ReturnConsumedCapacity");
        String mode = rcc(req);
        JsonNode items = req.get("TransactItems");
        if (items == null || !items.isArray() || items.isEmpty()) {
            throw DynamoError.validation("1 validation error detected: Value null at 'transactItems' failed to satisfy constraint: Member must not be null");
        }
        if (items.size() > 100) {
            throw DynamoError.validation("1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100");
        }
        record Get(Table t, List<Object> key, List<Path> proj) {}
        List<Get> gets = new ArrayList<>();
        Map<String, Set<List<Object>>> seen = new HashMap<>();
        for (JsonNode ti : items) {
            allow(ti, "TransactGetItems item", "Get");
            JsonNode g = ti.get("Get");
            if (g == null) throw DynamoError.validation("TransactItems elements must contain Get");
            allow(g, "Get", "TableName", "Key", "ProjectionExpression", "ExpressionAttributeNames");
            Table t = table(g);
            List<Object> key = t.keyFromParam(keyParam(g));
            Attrs attrs = new Attrs(g.get("ExpressionAttributeNames"), null);
            List<Path> proj = projection(g, attrs);
            attrs.checkAllUsed(proj != null);
            if (!seen.computeIfAbsent(t.name, k -> new java.util.TreeSet<>(Table.KEY_ORDER)).add(key)) {
                throw DynamoError.validation("Transaction request cannot include multiple operations on one item");
            }
            gets.add(new Get(t, key, proj));
        }
        ObjectNode out = Codec.F.objectNode();
        ArrayNode responses = out.putArray("Responses");
        for (Get g : gets) {
            Map<String, Value> item = g.t.get(g.key);
            cap.read(g.t.name, 2 * Capacity.readUnits(item == null ? 0 : Value.itemSize(item), true));
            ObjectNode r = responses.addObject();
            if (item != null) {
                cap.itemsRead++;
                r.set("Item", Codec.itemToJson(Expressions.project(item, g.proj)));
            }
        }
        ArrayNode cc = cap.consumedList(mode);
        if (cc != null) out.set("ConsumedCapacity", cc);
        return out;
    }
}
