package app.credits.emulator;

import app.credits.emulator.Expressions.Condition;
import app.credits.emulator.Expressions.UpdateActions;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/** GetItem, PutItem, UpdateItem and DeleteItem. */
final class ItemOperations {
    private final Database db;

    ItemOperations(Database db) {
        this.db = db;
    }

    ObjectNode getItem(Request req, Capacity cap) {
        req.allowOnly("GetItem", "TableName", "Key", "ConsistentRead", "ProjectionExpression", "ExpressionAttributeNames", "ReturnConsumedCapacity");
        Table t = db.table(req);
        Request.CapacityReport report = req.returnConsumedCapacity();
        boolean consistent = req.bool("ConsistentRead");
        PrimaryKey key = t.keyFromParam(req.key());
        ExpressionAttributes attributes = req.expressionAttributes(false);
        List<AttributePath> projection = req.projection(attributes);
        attributes.checkAllUsed(projection != null);
        Map<String, Value> item = t.get(key);
        cap.read(t.name, Capacity.readUnits(item == null ? 0 : Value.itemSize(item), consistent));
        if (item != null) cap.itemsRead++;
        ObjectNode out = Codec.F.objectNode();
        if (item != null) out.set("Item", Codec.itemToJson(Projections.project(item, projection)));
        cap.putConsumed(out, t.name, report);
        return out;
    }

    ObjectNode putItem(Request req, Capacity cap) {
        req.allowOnly("PutItem", "TableName", "Item", "ConditionExpression", "ExpressionAttributeNames", "ExpressionAttributeValues",
                "ReturnValues", "ReturnConsumedCapacity", "ReturnItemCollectionMetrics", "ReturnValuesOnConditionCheckFailure");
        WriteOptions o = writeOptions(req, true);
        JsonNode itemNode = req.get("Item");
        if (itemNode == null || itemNode.isNull()) throw Request.mustNotBeNull("item");
        Map<String, Value> item = Codec.itemFromJson(itemNode, "Item");
        o.table().validateItem(item, false);
        ExpressionAttributes attributes = req.expressionAttributes(true);
        Condition condition = req.condition("ConditionExpression", attributes);
        attributes.checkAllUsed(condition != null);
        PrimaryKey key = o.table().keys.keyOf(item);
        db.inFlight.checkWrite(o.table(), key);
        Map<String, Value> old = o.table().get(key);
        checkCondition(cap, o, condition, old);
        chargeWrite(cap, o.table(), old, item, 1);
        db.commit(List.of(new Database.Change(o.table(), key, item)), null);
        cap.itemsWritten++;
        return answer(cap, o, o.returnValues().of(old, item, UpdateActions.NONE));
    }

    ObjectNode updateItem(Request req, Capacity cap) {
        req.allowOnly("UpdateItem", "TableName", "Key", "UpdateExpression", "ConditionExpression", "ExpressionAttributeNames",
                "ExpressionAttributeValues", "ReturnValues", "ReturnConsumedCapacity", "ReturnItemCollectionMetrics",
                "ReturnValuesOnConditionCheckFailure");
        WriteOptions o = writeOptions(req, false);
        PrimaryKey key = o.table().keyFromParam(req.key());
        ExpressionAttributes attributes = req.expressionAttributes(true);
        String updateExpression = req.text("UpdateExpression");
        UpdateActions update = updateExpression == null ? UpdateActions.NONE : Expressions.parseUpdate(updateExpression, attributes);
        Condition condition = req.condition("ConditionExpression", attributes);
        attributes.checkAllUsed(condition != null || updateExpression != null);
        checkUpdateTargets(o.table(), update);
        db.inFlight.checkWrite(o.table(), key);
        Map<String, Value> old = o.table().get(key);
        checkCondition(cap, o, condition, old);
        // UpdateItem on a missing item creates it
        Map<String, Value> item = Updates.apply(update, old != null ? old : o.table().keys.keyAttributes(key));
        o.table().validateItem(item, true);
        chargeWrite(cap, o.table(), old, item, 1);
        db.commit(List.of(new Database.Change(o.table(), key, item)), null);
        cap.itemsWritten++;
        return answer(cap, o, o.returnValues().of(old, item, update));
    }

    ObjectNode deleteItem(Request req, Capacity cap) {
        req.allowOnly("DeleteItem", "TableName", "Key", "ConditionExpression", "ExpressionAttributeNames", "ExpressionAttributeValues",
                "ReturnValues", "ReturnConsumedCapacity", "ReturnItemCollectionMetrics", "ReturnValuesOnConditionCheckFailure");
        WriteOptions o = writeOptions(req, true);
        PrimaryKey key = o.table().keyFromParam(req.key());
        ExpressionAttributes attributes = req.expressionAttributes(true);
        Condition condition = req.condition("ConditionExpression", attributes);
        attributes.checkAllUsed(condition != null);
        db.inFlight.checkWrite(o.table(), key);
        Map<String, Value> old = o.table().get(key);
        checkCondition(cap, o, condition, old);
        chargeWrite(cap, o.table(), old, null, 1);
        if (old != null) {
            db.commit(List.of(new Database.Change(o.table(), key, null)), null);
            cap.itemsWritten++;
        }
        return answer(cap, o, o.returnValues().of(old, null, UpdateActions.NONE));
    }

    /** What PutItem, UpdateItem and DeleteItem share: the table, what to return, and what to report. */
    private record WriteOptions(Table table, Request.CapacityReport report, ReturnValues returnValues, boolean itemOnFailure) {}

    /** Reads them in DynamoDB's order of validation; Put and Delete return the old item or nothing. */
    private WriteOptions writeOptions(Request req, boolean putOrDelete) {
        Table t = db.table(req);
        Request.CapacityReport report = req.returnConsumedCapacity();
        req.checkReturnItemCollectionMetrics();
        ReturnValues returnValues = putOrDelete ? ReturnValues.ofPutOrDelete(req) : ReturnValues.of(req);
        return new WriteOptions(t, report, returnValues, req.returnItemOnConditionFailure());
    }

    private static ObjectNode answer(Capacity cap, WriteOptions o, Map<String, Value> returned) {
        ObjectNode out = Codec.F.objectNode();
        if (returned != null && !returned.isEmpty()) out.set("Attributes", Codec.itemToJson(returned));
        cap.putConsumed(out, o.table().name, o.report());
        return out;
    }

    /** A failed condition still consumes write capacity; with ALL_OLD the error carries the item. */
    private static void checkCondition(Capacity cap, WriteOptions o, Condition condition, Map<String, Value> old) {
        if (condition == null || Conditions.holds(condition, old)) return;
        chargeWrite(cap, o.table(), old, null, 1);
        ObjectNode extra = null;
        if (o.itemOnFailure() && old != null) {
            extra = Codec.F.objectNode();
            extra.set("Item", Codec.itemToJson(old));
        }
        throw DynamoError.conditionalCheckFailed(extra);
    }

    /** DynamoDB refuses an update of a key attribute. */
    static void checkUpdateTargets(Table t, UpdateActions update) {
        for (AttributePath p : update.targets()) {
            if (t.keys.isKeyAttribute(p.top())) {
                throw DynamoError.invalidParam("Cannot update attribute " + p.top() + ". This attribute is part of the key");
            }
        }
    }

    /** Charges a single-item write: table and index units ({@code factor} 2 in transactions). */
    static void chargeWrite(Capacity cap, Table t, Map<String, Value> old, Map<String, Value> item, int factor) {
        long size = Math.max(old == null ? 0 : Value.itemSize(old), item == null ? 0 : Value.itemSize(item));
        cap.write(t.name, factor * Capacity.writeUnits(size));
        t.indexWriteUnits(old, item).forEach((index, units) -> cap.indexWrite(t.name, index, factor * units));
    }
}
