package app.credits.emulator;

import app.credits.emulator.Expressions.Condition;
import app.credits.emulator.Expressions.UpdateActions;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * TransactWriteItems and TransactGetItems. A write transaction is prepared (every condition evaluated against the
 * state before it) and then committed as one journal record, or cancelled with one reason per action.
 */
final class Transactions {
    private static final int MAX_ACTIONS = 100;
    private static final int MAX_TOKEN_LENGTH = 36;

    /** An action of a transaction: it targets one item. */
    interface ItemAction {
        Table table();

        PrimaryKey key();
    }

    /** One action of a TransactWriteItems. */
    sealed interface WriteAction extends ItemAction permits Check, Put, Update, Delete {
        /** The action's ConditionExpression, or null. */
        Condition condition();

        /** ReturnValuesOnConditionCheckFailure=ALL_OLD. */
        boolean itemOnFailure();
    }

    record Check(Table table, PrimaryKey key, Condition condition, boolean itemOnFailure) implements WriteAction {}

    record Put(Table table, PrimaryKey key, Map<String, Value> item, Condition condition, boolean itemOnFailure) implements WriteAction {}

    record Update(Table table, PrimaryKey key, UpdateActions update, Condition condition, boolean itemOnFailure) implements WriteAction {}

    record Delete(Table table, PrimaryKey key, Condition condition, boolean itemOnFailure) implements WriteAction {}

    /** A TransactWriteItems checked against the current state. */
    sealed interface Prepared permits AlreadyApplied, ReadyToCommit {
        Request.CapacityReport report();
    }

    /** The same ClientRequestToken and request within the idempotency window: succeed without applying again. */
    record AlreadyApplied(Request.CapacityReport report) implements Prepared {}

    /** Every condition holds: these changes (and the token, if any) are what committing writes. */
    record ReadyToCommit(Request.CapacityReport report, List<WriteAction> actions, List<Database.Change> changes,
                         Capacity capacity, ClientRequestTokens.Use token) implements Prepared {}

    /** One Get of a TransactGetItems. */
    record Get(Table table, PrimaryKey key, List<AttributePath> projection) implements ItemAction {}

    private final Database db;

    Transactions(Database db) {
        this.db = db;
    }

    ObjectNode transactWriteItems(Request req, Capacity cap) {
        return commit(prepare(req), cap);
    }

    /**
     * Validates the request and evaluates every action against the state before the transaction.
     *
     * @throws DynamoError TransactionCanceledException if a condition fails, an update cannot be applied or (in
     *                     contention mode) an item is held by a transaction in flight
     */
    Prepared prepare(Request req) {
        req.allowOnly("TransactWriteItems", "TransactItems", "ClientRequestToken", "ReturnConsumedCapacity", "ReturnItemCollectionMetrics");
        Request.CapacityReport report = req.returnConsumedCapacity();
        req.checkReturnItemCollectionMetrics();
        String token = req.text("ClientRequestToken");
        if (token != null && (token.isEmpty() || token.length() > MAX_TOKEN_LENGTH)) {
            throw DynamoError.validation("1 validation error detected: Value '" + token
                    + "' at 'clientRequestToken' failed to satisfy constraint: Member must have length less than or equal to 36");
        }
        JsonNode items = transactItems(req);
        long now = System.currentTimeMillis();
        ClientRequestTokens.Use use = null;
        if (token != null) {
            db.inFlight.checkToken(token);
            use = new ClientRequestTokens.Use(token, ClientRequestTokens.requestHash(req.json()), now);
            switch (db.tokens.check(token, use.requestHash(), now)) {
                case OTHER_REQUEST -> throw new DynamoError("IdempotentParameterMismatchException",
                        "Request with the same client token and different parameters was already processed");
                case SAME_REQUEST -> {
                    return new AlreadyApplied(report);
                }
                case NEW -> { }
            }
        }
        List<WriteAction> actions = writeActions(items);
        db.inFlight.checkTransaction(actions);
        List<CancellationReason> reasons = new ArrayList<>();
        boolean cancelled = false;
        List<Database.Change> changes = new ArrayList<>();
        Capacity capacity = new Capacity();
        for (WriteAction action : actions) {
            CancellationReason reason = evaluate(action, changes, capacity);
            cancelled |= !reason.isNone();
            reasons.add(reason);
        }
        if (cancelled) throw DynamoError.transactionCanceled(reasons);
        return new ReadyToCommit(report, actions, changes, capacity, use);
    }

    /** Commits a prepared transaction (journal, then state) and answers it. */
    ObjectNode commit(Prepared prepared, Capacity cap) {
        if (prepared instanceof ReadyToCommit ready) {
            db.commit(ready.changes(), ready.token());
            cap.addUnits(ready.capacity());
            cap.itemsWritten += ready.changes().size();
        }
        ObjectNode out = Codec.F.objectNode();
        cap.putConsumedList(out, prepared.report());
        return out;
    }

    private static JsonNode transactItems(Request req) {
        JsonNode items = req.get("TransactItems");
        if (items == null || !items.isArray() || items.isEmpty()) throw Request.mustNotBeNull("transactItems");
        if (items.size() > MAX_ACTIONS) {
            throw DynamoError.validation("1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100");
        }
        return items;
    }

    private List<WriteAction> writeActions(JsonNode items) {
        List<WriteAction> actions = new ArrayList<>();
        Map<String, Set<PrimaryKey>> seen = new HashMap<>();
        for (JsonNode ti : items) {
            if (!ti.isObject() || ti.size() != 1) {
                throw DynamoError.validation("TransactItems can only contain one of Check, Put, Update or Delete");
            }
            String kind = ti.fieldNames().next();
            WriteAction action = writeAction(kind, new Request(ti.get(kind)));
            if (!seen.computeIfAbsent(action.table().name, k -> new TreeSet<>()).add(action.key())) throw multipleOperationsOnOneItem();
            actions.add(action);
        }
        return actions;
    }

    private WriteAction writeAction(String kind, Request a) {
        ExpressionAttributes attributes = a.expressionAttributes(true);
        switch (kind) {
            case "ConditionCheck" -> {
                a.allowOnly("ConditionCheck", "TableName", "Key", "ConditionExpression", "ExpressionAttributeNames",
                        "ExpressionAttributeValues", "ReturnValuesOnConditionCheckFailure");
                Table t = db.table(a);
                PrimaryKey key = t.keyFromParam(a.key());
                Condition c = Expressions.parseCondition(a.requiredText("ConditionExpression"), "ConditionExpression", attributes);
                attributes.checkAllUsed(true);
                return new Check(t, key, c, a.returnItemOnConditionFailure());
            }
            case "Put" -> {
                a.allowOnly("Put", "TableName", "Item", "ConditionExpression", "ExpressionAttributeNames",
                        "ExpressionAttributeValues", "ReturnValuesOnConditionCheckFailure");
                Table t = db.table(a);
                Map<String, Value> item = Codec.itemFromJson(a.get("Item"), "Item");
                if (item == null) throw Request.mustNotBeNull("transactItems.member.put.item");
                t.validateItem(item, false);
                Condition c = a.condition("ConditionExpression", attributes);
                attributes.checkAllUsed(c != null);
                return new Put(t, t.keys.keyOf(item), item, c, a.returnItemOnConditionFailure());
            }
            case "Update" -> {
                a.allowOnly("Update", "TableName", "Key", "UpdateExpression", "ConditionExpression", "ExpressionAttributeNames",
                        "ExpressionAttributeValues", "ReturnValuesOnConditionCheckFailure");
                Table t = db.table(a);
                PrimaryKey key = t.keyFromParam(a.key());
                UpdateActions u = Expressions.parseUpdate(a.requiredText("UpdateExpression"), attributes);
                Condition c = a.condition("ConditionExpression", attributes);
                attributes.checkAllUsed(true);
                ItemOperations.checkUpdateTargets(t, u);
                return new Update(t, key, u, c, a.returnItemOnConditionFailure());
            }
            case "Delete" -> {
                a.allowOnly("Delete", "TableName", "Key", "ConditionExpression", "ExpressionAttributeNames",
                        "ExpressionAttributeValues", "ReturnValuesOnConditionCheckFailure");
                Table t = db.table(a);
                PrimaryKey key = t.keyFromParam(a.key());
                Condition c = a.condition("ConditionExpression", attributes);
                attributes.checkAllUsed(c != null);
                return new Delete(t, key, c, a.returnItemOnConditionFailure());
            }
            default -> throw DynamoError.validation("TransactItems can only contain one of Check, Put, Update or Delete; got " + kind);
        }
    }

    /** Evaluates one action against the item as it is; adds its change and its (doubled) capacity when it can be done. */
    private static CancellationReason evaluate(WriteAction action, List<Database.Change> changes, Capacity capacity) {
        Table t = action.table();
        Map<String, Value> old = t.get(action.key());
        try {
            if (action.condition() != null && !Conditions.holds(action.condition(), old)) {
                return CancellationReason.conditionalCheckFailed(action.itemOnFailure() ? old : null);
            }
            switch (action) {
                case Check c -> capacity.write(t.name, 2 * Capacity.writeUnits(old == null ? 0 : Value.itemSize(old)));
                case Put p -> {
                    ItemOperations.chargeWrite(capacity, t, old, p.item(), 2);
                    changes.add(new Database.Change(t, p.key(), p.item()));
                }
                case Update u -> {
                    Map<String, Value> item = Updates.apply(u.update(), old != null ? old : t.keys.keyAttributes(u.key()));
                    t.validateItem(item, true);
                    ItemOperations.chargeWrite(capacity, t, old, item, 2);
                    changes.add(new Database.Change(t, u.key(), item));
                }
                case Delete d -> {
                    ItemOperations.chargeWrite(capacity, t, old, null, 2);
                    if (old != null) changes.add(new Database.Change(t, d.key(), null));
                }
            }
            return CancellationReason.NONE;
        } catch (DynamoError e) {
            if (!e.type.equals("ValidationException")) throw e;
            return CancellationReason.validationError(e.getMessage());
        }
    }

    private static DynamoError multipleOperationsOnOneItem() {
        return DynamoError.validation("Transaction request cannot include multiple operations on one item");
    }

    ObjectNode transactGetItems(Request req, Capacity cap) {
        Request.CapacityReport report = req.allowOnly("TransactGetItems", "TransactItems", "ReturnConsumedCapacity").returnConsumedCapacity();
        List<Get> gets = gets(req);
        db.inFlight.checkTransaction(gets);
        return read(gets, report, cap);
    }

    /** The Gets of a TransactGetItems, validated. */
    List<Get> gets(Request req) {
        JsonNode items = transactItems(req);
        List<Get> gets = new ArrayList<>();
        Map<String, Set<PrimaryKey>> seen = new HashMap<>();
        for (JsonNode ti : items) {
            Request element = new Request(ti).allowOnly("TransactGetItems item", "Get");
            if (element.get("Get") == null) throw DynamoError.validation("TransactItems elements must contain Get");
            Request g = element.nested("Get").allowOnly("Get", "TableName", "Key", "ProjectionExpression", "ExpressionAttributeNames");
            Table t = db.table(g);
            PrimaryKey key = t.keyFromParam(g.key());
            ExpressionAttributes attributes = g.expressionAttributes(false);
            List<AttributePath> projection = g.projection(attributes);
            attributes.checkAllUsed(projection != null);
            if (!seen.computeIfAbsent(t.name, k -> new TreeSet<>()).add(key)) throw multipleOperationsOnOneItem();
            gets.add(new Get(t, key, projection));
        }
        return gets;
    }

    /** Reads the items of a TransactGetItems: one response per Get, in order; transactional reads count double. */
    ObjectNode read(List<Get> gets, Request.CapacityReport report, Capacity cap) {
        ObjectNode out = Codec.F.objectNode();
        ArrayNode responses = out.putArray("Responses");
        for (Get g : gets) {
            Map<String, Value> item = g.table().get(g.key());
            cap.read(g.table().name, 2 * Capacity.readUnits(item == null ? 0 : Value.itemSize(item), true));
            ObjectNode r = responses.addObject();
            if (item != null) {
                cap.itemsRead++;
                r.set("Item", Codec.itemToJson(Projections.project(item, g.projection())));
            }
        }
        cap.putConsumedList(out, report);
        return out;
    }
}
