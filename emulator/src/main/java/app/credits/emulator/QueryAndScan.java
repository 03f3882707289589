package app.credits.emulator;

import app.credits.emulator.Expressions.Condition;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Query and Scan: a {@link ReadPlan} from the request (which items, in which order, from where, how many), then
 * one page of the table's or the index's items.
 */
final class QueryAndScan {
    static final long PAGE_LIMIT_BYTES = 1024 * 1024;
    private static final String INVALID_START_KEY = "The provided starting key is invalid: The provided key element does not match the schema";

    /** What to return of each item (Select). */
    enum Select { ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES, SPECIFIC_ATTRIBUTES, COUNT }

    /** One Scan segment of {@code total}: the items whose partition key hashes to {@code segment}. */
    record Segment(int segment, int total) {
        boolean contains(Key key) {
            return Math.floorMod(Value.stableHash(key.partition()), total) == segment;
        }
    }

    /**
     * A validated Query or Scan. {@code range} is null for a Scan, {@code index} null for the table itself,
     * {@code startAfter} null without ExclusiveStartKey, {@code segment} null without Segment.
     */
    record ReadPlan(Table table, GlobalIndex index, KeyRange range, Condition filter, List<AttributePath> projection,
                    Select select, OptionalInt limit, boolean forward, Key startAfter, Segment segment, boolean consistent) {}

    private final Database db;

    QueryAndScan(Database db) {
        this.db = db;
    }

    ObjectNode query(Request req, Capacity cap) {
        req.allowOnly("Query", "TableName", "IndexName", "KeyConditionExpression", "FilterExpression", "ProjectionExpression",
                "ExpressionAttributeNames", "ExpressionAttributeValues", "Select", "ScanIndexForward", "Limit", "ExclusiveStartKey",
                "ConsistentRead", "ReturnConsumedCapacity");
        return read(req, cap, true);
    }

    ObjectNode scan(Request req, Capacity cap) {
        req.allowOnly("Scan", "TableName", "IndexName", "FilterExpression", "ProjectionExpression", "ExpressionAttributeNames",
                "ExpressionAttributeValues", "Select", "Limit", "ExclusiveStartKey", "ConsistentRead", "Segment", "TotalSegments",
                "ReturnConsumedCapacity");
        return read(req, cap, false);
    }

    private ObjectNode read(Request req, Capacity cap, boolean isQuery) {
        Table t = db.table(req);
        Request.CapacityReport report = req.returnConsumedCapacity();
        ReadPlan plan = plan(req, t, isQuery);
        ObjectNode out = page(plan, cap);
        cap.putConsumed(out, t.name, report);
        return out;
    }

    private static ReadPlan plan(Request req, Table t, boolean isQuery) {
        String indexName = req.text("IndexName");
        GlobalIndex ix = indexName == null ? null : t.index(indexName);
        boolean consistent = req.bool("ConsistentRead");
        if (ix != null && consistent) throw DynamoError.validation("Consistent reads are not supported on global secondary indexes");
        KeySchema keys = ix == null ? t.keys : ix.keys;
        ExpressionAttributes attributes = req.expressionAttributes(true);

        KeyRange range = null;
        if (isQuery) {
            String keyConditionExpression = req.text("KeyConditionExpression");
            if (keyConditionExpression == null) {
                throw DynamoError.validation("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.");
            }
            range = KeyConditions.range(Expressions.parseCondition(keyConditionExpression, "KeyConditionExpression", attributes), keys);
        }
        Condition filter = req.condition("FilterExpression", attributes);
        if (filter != null && isQuery) checkFilterAvoidsKeys(filter, keys);
        List<AttributePath> projection = req.projection(attributes);
        attributes.checkAllUsed(isQuery || filter != null || projection != null);

        Select select = req.oneOf("Select", null, Select.class);
        if (select == null) select = projection != null ? Select.SPECIFIC_ATTRIBUTES : (ix == null ? Select.ALL_ATTRIBUTES : Select.ALL_PROJECTED_ATTRIBUTES);
        if (projection != null && select != Select.SPECIFIC_ATTRIBUTES) {
            throw DynamoError.validation("Cannot specify the ProjectionExpression when choosing to get " + select);
        }
        if (projection == null && select == Select.SPECIFIC_ATTRIBUTES) {
            throw DynamoError.validation("SPECIFIC_ATTRIBUTES requires a ProjectionExpression in this emulator");
        }
        if (select == Select.ALL_PROJECTED_ATTRIBUTES && ix == null) {
            throw DynamoError.validation("ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName");
        }
        if (select == Select.ALL_ATTRIBUTES && ix != null && !ix.projectsAll()) {
            throw DynamoError.invalidParam("Select type ALL_ATTRIBUTES is not supported for global secondary index " + ix.name
                    + " because its projection type is not ALL");
        }
        OptionalInt limit = req.integer("Limit", 1, Integer.MAX_VALUE);
        boolean forward = !isQuery || !req.has("ScanIndexForward") || req.bool("ScanIndexForward");
        Segment segment = isQuery ? null : segment(req);

        Key startAfter = null;
        JsonNode startNode = req.get("ExclusiveStartKey");
        if (startNode != null && !startNode.isNull()) {
            startAfter = startKey(Codec.itemFromJson(startNode, "ExclusiveStartKey"), t, ix);
            if (isQuery && !startAfter.partition().equals(range.partition())) throw DynamoError.validation(INVALID_START_KEY);
            if (isQuery && !range.contains(startAfter)) {
                throw DynamoError.validation("The provided starting key does not match the range key predicate");
            }
        }
        return new ReadPlan(t, ix, range, filter, projection, select, limit, forward, startAfter, segment, consistent);
    }

    private static Segment segment(Request req) {
        OptionalInt segment = req.integer("Segment", 0, 999999), total = req.integer("TotalSegments", 1, 1000000);
        if (segment.isPresent() != total.isPresent()) {
            throw DynamoError.validation("The TotalSegments parameter is required but was not present in the request when Segment parameter is present");
        }
        if (segment.isEmpty()) return null;
        if (segment.getAsInt() >= total.getAsInt()) {
            throw DynamoError.validation("The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: "
                    + segment.getAsInt() + " is not less than TotalSegments: " + total.getAsInt());
        }
        return new Segment(segment.getAsInt(), total.getAsInt());
    }

    /** Reads one page: at most Limit items examined, at most 1 MB, from ExclusiveStartKey on. */
    private static ObjectNode page(ReadPlan plan, Capacity cap) {
        Table t = plan.table();
        GlobalIndex ix = plan.index();
        NavigableMap<Key, Map<String, Value>> items = ix == null ? t.items : ix.entries;
        if (plan.range() != null) items = plan.range().of(items);
        if (plan.startAfter() != null) items = plan.forward() ? items.tailMap(plan.startAfter(), false) : items.headMap(plan.startAfter(), false);
        if (!plan.forward()) items = items.descendingMap();

        ObjectNode out = Codec.F.objectNode();
        ArrayNode returned = plan.select() == Select.COUNT ? null : Codec.F.arrayNode();
        int count = 0, scanned = 0;
        long bytes = 0;
        Map<String, Value> last = null;
        boolean stopped = false, matchedPrefix = false;
        Iterator<Map.Entry<Key, Map<String, Value>>> it = items.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Key, Map<String, Value>> e = it.next();
            Map<String, Value> item = e.getValue();
            if (plan.range() != null && plan.range().sortPrefix() != null) {
                // begins_with: the matching sort values are contiguous; stop after the last one
                if (!plan.range().matchesPrefix(e.getKey().sort())) {
                    if (matchedPrefix) break;
                    continue;
                }
                matchedPrefix = true;
            }
            if (plan.segment() != null && !plan.segment().contains(e.getKey())) continue;
            Map<String, Value> stored = ix == null ? item : ix.project(item);
            scanned++;
            bytes += Value.itemSize(stored);
            last = item;
            if (plan.filter() == null || Conditions.holds(plan.filter(), stored)) {
                count++;
                if (returned != null) returned.add(Codec.itemToJson(Projections.project(stored, plan.projection())));
            }
            if (plan.limit().isPresent() && scanned == plan.limit().getAsInt()) {
                stopped = true;
                break;
            }
            if (bytes >= PAGE_LIMIT_BYTES) {
                stopped = it.hasNext();
                break;
            }
        }
        double units = Capacity.readUnits(bytes, plan.consistent());
        if (ix == null) cap.read(t.name, units); else cap.indexRead(t.name, ix.name, units);
        cap.itemsRead += scanned;
        if (returned != null) out.set("Items", returned);
        out.put("Count", count);
        out.put("ScannedCount", scanned);
        if (stopped && last != null) {
            out.set("LastEvaluatedKey", Codec.itemToJson(ix == null ? t.keys.keyAttributes(last) : ix.keyAttributes(last)));
        }
        return out;
    }

    /** The position an ExclusiveStartKey names: table keys, plus the index keys when reading an index. */
    private static Key startKey(Map<String, Value> start, Table t, GlobalIndex ix) {
        List<KeySchema.Attribute> expected = new ArrayList<>();
        if (ix != null) expected.addAll(ix.keys.attributes());
        expected.addAll(t.keys.attributes());
        Set<String> names = new LinkedHashSet<>();
        expected.forEach(a -> names.add(a.name()));
        if (!start.keySet().equals(names)) throw DynamoError.validation(INVALID_START_KEY);
        for (KeySchema.Attribute a : expected) {
            if (!start.get(a.name()).type().equals(a.type())) throw DynamoError.validation(INVALID_START_KEY);
        }
        PrimaryKey tableKey = t.keys.keyOf(start);
        if (ix == null) return tableKey;
        return new IndexKey(start.get(ix.keys.partition().name()), ix.keys.sort() == null ? null : start.get(ix.keys.sort().name()), tableKey);
    }

    /** A Query's FilterExpression may not use the key attributes of the table or index queried. */
    private static void checkFilterAvoidsKeys(Condition filter, KeySchema keys) {
        Set<String> referenced = new HashSet<>();
        Expressions.collectTopLevelNames(filter, referenced);
        for (KeySchema.Attribute a : keys.attributes()) {
            if (referenced.contains(a.name())) {
                throw DynamoError.validation("Filter Expression can only contain non-primary key attributes: Primary key attribute: " + a.name());
            }
        }
    }
}
