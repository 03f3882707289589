package app.credits.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** BatchGetItem (up to 100 keys) and BatchWriteItem (up to 25 puts and deletes); nothing is ever left unprocessed. */
final class Batches {
    private static final int MAX_GET_KEYS = 100;
    private static final int MAX_WRITES = 25;

    /** The keys to read from one table, and how. */
    private record TableRead(Table table, List<PrimaryKey> keys, List<AttributePath> projection, boolean consistent) {}

    private final Database db;

    Batches(Database db) {
        this.db = db;
    }

    ObjectNode batchGetItem(Request req, Capacity cap) {
        req.allowOnly("BatchGetItem", "RequestItems", "ReturnConsumedCapacity");
        Request.CapacityReport report = req.returnConsumedCapacity();
        JsonNode requestItems = requestItems(req);
        List<TableRead> reads = new ArrayList<>();
        int total = 0;
        for (var e : requestItems.properties()) {
            Request spec = new Request(e.getValue());
            spec.allowOnly("BatchGetItem RequestItems", "Keys", "ConsistentRead", "ProjectionExpression", "ExpressionAttributeNames");
            Table t = table(e.getKey());
            JsonNode keys = spec.get("Keys");
            if (keys == null || !keys.isArray() || keys.isEmpty()) throw DynamoError.validation("1 validation error detected: Keys must have length greater than or equal to 1");
            ExpressionAttributes attributes = spec.expressionAttributes(false);
            List<AttributePath> projection = spec.projection(attributes);
            attributes.checkAllUsed(projection != null);
            List<PrimaryKey> tableKeys = new ArrayList<>();
            Set<PrimaryKey> seen = new TreeSet<>();
            for (JsonNode k : keys) {
                PrimaryKey key = t.keyFromParam(Codec.itemFromJson(k, "Key"));
                if (!seen.add(key)) throw duplicateKeys();
                tableKeys.add(key);
            }
            total += tableKeys.size();
            reads.add(new TableRead(t, tableKeys, projection, spec.bool("ConsistentRead")));
        }
        if (total > MAX_GET_KEYS) throw DynamoError.validation("Too many items requested for the BatchGetItem call");
        ObjectNode out = Codec.F.objectNode();
        ObjectNode responses = out.putObject("Responses");
        for (TableRead read : reads) {
            ArrayNode found = responses.putArray(read.table().name);
            for (PrimaryKey k : read.keys()) {
                Map<String, Value> item = read.table().get(k);
                cap.read(read.table().name, Capacity.readUnits(item == null ? 0 : Value.itemSize(item), read.consistent()));
                if (item != null) {
                    cap.itemsRead++;
                    found.add(Codec.itemToJson(Projections.project(item, read.projection())));
                }
            }
        }
        out.putObject("UnprocessedKeys");
        cap.putConsumedList(out, report);
        return out;
    }

    ObjectNode batchWriteItem(Request req, Capacity cap) {
        req.allowOnly("BatchWriteItem", "RequestItems", "ReturnConsumedCapacity", "ReturnItemCollectionMetrics");
        Request.CapacityReport report = req.returnConsumedCapacity();
        req.checkReturnItemCollectionMetrics();
        List<Database.Change> changes = writes(req);
        db.inFlight.checkWrites(changes);
        List<Database.Change> effective = new ArrayList<>();
        for (Database.Change c : changes) {
            Map<String, Value> old = c.table().get(c.key());
            ItemOperations.chargeWrite(cap, c.table(), old, c.item(), 1);
            // deleting a missing item writes nothing
            if (c.item() != null || old != null) effective.add(c);
        }
        db.commit(effective, null);
        cap.itemsWritten += effective.size();
        ObjectNode out = Codec.F.objectNode();
        out.putObject("UnprocessedItems");
        cap.putConsumedList(out, report);
        return out;
    }

    /** The puts and deletes of a BatchWriteItem, validated. */
    List<Database.Change> writes(Request req) {
        JsonNode requestItems = requestItems(req);
        List<Database.Change> changes = new ArrayList<>();
        int total = 0;
        for (var e : requestItems.properties()) {
            Table t = table(e.getKey());
            if (!e.getValue().isArray() || e.getValue().isEmpty()) {
                throw DynamoError.validation("1 validation error detected: the list of write requests for " + e.getKey() + " must not be empty");
            }
            Set<PrimaryKey> seen = new TreeSet<>();
            for (JsonNode w : e.getValue()) {
                total++;
                Request write = new Request(w).allowOnly("BatchWriteItem request", "PutRequest", "DeleteRequest");
                if (w.size() != 1) {
                    throw DynamoError.validation("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes");
                }
                Database.Change c;
                if (write.has("PutRequest")) {
                    Request put = write.nested("PutRequest").allowOnly("PutRequest", "Item");
                    Map<String, Value> item = Codec.itemFromJson(put.get("Item"), "Item");
                    if (item == null) throw Request.mustNotBeNull("item");
                    t.validateItem(item, false);
                    c = new Database.Change(t, t.keys.keyOf(item), item);
                } else {
                    Request delete = write.nested("DeleteRequest").allowOnly("DeleteRequest", "Key");
                    c = new Database.Change(t, t.keyFromParam(Codec.itemFromJson(delete.get("Key"), "Key")), null);
                }
                if (!seen.add(c.key())) throw duplicateKeys();
                changes.add(c);
            }
        }
        if (total > MAX_WRITES) {
            throw DynamoError.validation("1 validation error detected: Value at 'requestItems' failed to satisfy constraint: "
                    + "Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]");
        }
        return changes;
    }

    private static JsonNode requestItems(Request req) {
        JsonNode ri = req.get("RequestItems");
        if (ri == null || !ri.isObject() || ri.isEmpty()) {
            throw DynamoError.validation("1 validation error detected: Value at 'requestItems' failed to satisfy constraint: Member must have length greater than or equal to 1");
        }
        return ri;
    }

    private Table table(String name) {
        TableDefinitions.validateTableName(name);
        return db.existingTable(name);
    }

    private static DynamoError duplicateKeys() {
        return DynamoError.validation("Provided list of item keys contains duplicates");
    }
}
