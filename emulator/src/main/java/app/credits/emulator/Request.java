package app.credits.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The parameters of one request (or of one element of a batch or transaction), read and validated the way
 * DynamoDB does, with its error messages.
 */
record Request(JsonNode json) {

    /** What ReturnConsumedCapacity asks for. */
    enum CapacityReport { NONE, TOTAL, INDEXES }

    /** Rejects every parameter outside {@code allowed}, naming it (the emulator never ignores a parameter). */
    Request allowOnly(String operation, String... allowed) {
        Set<String> ok = Set.of(allowed);
        for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!ok.contains(f)) {
                throw DynamoError.validation("The parameter " + f + " is not supported by this DynamoDB emulator for " + operation
                        + " (supported: " + String.join(", ", allowed) + ")");
            }
        }
        return this;
    }

    boolean has(String field) {
        return json.has(field);
    }

    JsonNode get(String field) {
        return json.get(field);
    }

    /** A nested structure (e.g. one transaction action) as a request of its own. */
    Request nested(String field) {
        return new Request(json.get(field));
    }

    String text(String field) {
        JsonNode n = json.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isTextual()) throw DynamoError.validation("Parameter " + field + " must be a string");
        return n.textValue();
    }

    String requiredText(String field) {
        String s = text(field);
        if (s == null) throw mustNotBeNull(lowerFirst(field));
        return s;
    }

    static DynamoError mustNotBeNull(String member) {
        return DynamoError.validation("1 validation error detected: Value null at '" + member
                + "' failed to satisfy constraint: Member must not be null");
    }

    static String lowerFirst(String s) {
        return Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }

    boolean bool(String field) {
        JsonNode n = json.get(field);
        if (n == null || n.isNull()) return false;
        if (!n.isBoolean()) throw DynamoError.validation("Parameter " + field + " must be a boolean");
        return n.booleanValue();
    }

    /** A string parameter from a fixed set; {@code whenAbsent} if not given. */
    String oneOf(String field, String whenAbsent, String... allowed) {
        String v = text(field);
        if (v == null) return whenAbsent;
        for (String a : allowed) if (a.equals(v)) return v;
        throw DynamoError.validation("1 validation error detected: Value '" + v + "' at '" + lowerFirst(field)
                + "' failed to satisfy constraint: Member must satisfy enum value set: [" + String.join(", ", allowed) + "]");
    }

    /** An enum parameter; the enum's constants in declaration order are the allowed values. */
    <E extends Enum<E>> E oneOf(String field, E whenAbsent, Class<E> type) {
        E[] constants = type.getEnumConstants();
        String[] allowed = new String[constants.length];
        for (int i = 0; i < constants.length; i++) allowed[i] = constants[i].name();
        String v = oneOf(field, null, allowed);
        return v == null ? whenAbsent : Enum.valueOf(type, v);
    }

    OptionalInt integer(String field, int min, int max) {
        JsonNode n = json.get(field);
        if (n == null || n.isNull()) return OptionalInt.empty();
        if (!n.canConvertToInt()) throw DynamoError.validation("Parameter " + field + " must be an integer");
        int v = n.intValue();
        if (v < min || v > max) {
            throw DynamoError.validation("1 validation error detected: Value '" + v + "' at '" + lowerFirst(field)
                    + "' failed to satisfy constraint: Member must have value " + (v < min ? "greater than or equal to " + min : "less than or equal to " + max));
        }
        return OptionalInt.of(v);
    }

    CapacityReport returnConsumedCapacity() {
        return CapacityReport.valueOf(oneOf("ReturnConsumedCapacity", "NONE", "INDEXES", "TOTAL", "NONE"));
    }

    /** Accepted for compatibility; item collection metrics only exist with local secondary indexes. */
    void checkReturnItemCollectionMetrics() {
        oneOf("ReturnItemCollectionMetrics", "NONE", "SIZE", "NONE");
    }

    /** ReturnValuesOnConditionCheckFailure=ALL_OLD: a failed condition hands back the item as it is. */
    boolean returnItemOnConditionFailure() {
        return oneOf("ReturnValuesOnConditionCheckFailure", "NONE", "ALL_OLD", "NONE").equals("ALL_OLD");
    }

    /** The TableName parameter, validated. */
    String tableName() {
        String name = requiredText("TableName");
        TableDefinitions.validateTableName(name);
        return name;
    }

    /** The Key parameter (not yet checked against a schema). */
    Map<String, Value> key() {
        JsonNode k = json.get("Key");
        if (k == null || k.isNull()) throw mustNotBeNull("key");
        return Codec.itemFromJson(k, "Key");
    }

    /** ExpressionAttributeNames and (if {@code withValues}) ExpressionAttributeValues. */
    ExpressionAttributes expressionAttributes(boolean withValues) {
        return new ExpressionAttributes(json.get("ExpressionAttributeNames"), withValues ? json.get("ExpressionAttributeValues") : null);
    }

    /** A condition parameter (ConditionExpression, FilterExpression), or null when absent. */
    Expressions.Condition condition(String field, ExpressionAttributes attributes) {
        String s = text(field);
        return s == null ? null : Expressions.parseCondition(s, field, attributes);
    }

    /** The ProjectionExpression, or null when absent. */
    List<AttributePath> projection(ExpressionAttributes attributes) {
        String s = text("ProjectionExpression");
        return s == null ? null : Expressions.parseProjection(s, attributes);
    }
}
