package app.credits.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The ExpressionAttributeNames ({@code #name}) and ExpressionAttributeValues ({@code :value}) of one request or one
 * transaction action, remembering which ones the expressions used.
 */
final class ExpressionAttributes {
    private final Map<String, String> names = new LinkedHashMap<>();
    private final Map<String, Value> values = new LinkedHashMap<>();
    private final Set<String> usedNames = new HashSet<>();
    private final Set<String> usedValues = new HashSet<>();
    private final boolean namesGiven, valuesGiven;

    ExpressionAttributes(JsonNode namesNode, JsonNode valuesNode) {
        namesGiven = namesNode != null && !namesNode.isNull();
        valuesGiven = valuesNode != null && !valuesNode.isNull();
        if (namesGiven) {
            if (!namesNode.isObject()) throw DynamoError.validation("ExpressionAttributeNames must be a map");
            if (namesNode.isEmpty()) throw DynamoError.validation("ExpressionAttributeNames must not be empty");
            for (var e : namesNode.properties()) {
                if (!e.getKey().startsWith("#") || e.getKey().length() < 2) {
                    throw DynamoError.validation("ExpressionAttributeNames contains invalid key: Syntax error; key: \"" + e.getKey() + "\"");
                }
                if (!e.getValue().isTextual() || e.getValue().textValue().isEmpty()) {
                    throw DynamoError.validation("ExpressionAttributeNames contains invalid value: Empty attribute name for key " + e.getKey());
                }
                names.put(e.getKey(), e.getValue().textValue());
            }
        }
        if (valuesGiven) {
            if (!valuesNode.isObject()) throw DynamoError.validation("ExpressionAttributeValues must be a map");
            if (valuesNode.isEmpty()) throw DynamoError.validation("ExpressionAttributeValues must not be empty");
            for (var e : valuesNode.properties()) {
                if (!e.getKey().startsWith(":") || e.getKey().length() < 2) {
                    throw DynamoError.validation("ExpressionAttributeValues contains invalid key: Syntax error; key: \"" + e.getKey() + "\"");
                }
                values.put(e.getKey(), Codec.fromJson(e.getValue()));
            }
        }
    }

    /** The attribute name behind {@code #placeholder}, or null if it is not defined; marks it used. */
    String useName(String placeholder) {
        String name = names.get(placeholder);
        if (name != null) usedNames.add(placeholder);
        return name;
    }

    /** The value behind {@code :placeholder}, or null if it is not defined; marks it used. */
    Value useValue(String placeholder) {
        Value value = values.get(placeholder);
        if (value != null) usedValues.add(placeholder);
        return value;
    }

    /** DynamoDB rejects names/values that no expression uses (and names/values when no expression is given). */
    void checkAllUsed(boolean anyExpression) {
        if (!anyExpression) {
            if (namesGiven) throw DynamoError.validation("ExpressionAttributeNames can only be specified when using expressions");
            if (valuesGiven) throw DynamoError.validation("ExpressionAttributeValues can only be specified when using expressions");
            return;
        }
        Set<String> unusedNames = new LinkedHashSet<>(names.keySet());
        unusedNames.removeAll(usedNames);
        if (!unusedNames.isEmpty()) {
            throw DynamoError.validation("Value provided in ExpressionAttributeNames unused in expressions: keys: {"
                    + String.join(", ", unusedNames) + "}");
        }
        Set<String> unusedValues = new LinkedHashSet<>(values.keySet());
        unusedValues.removeAll(usedValues);
        if (!unusedValues.isEmpty()) {
            throw DynamoError.validation("Value provided in ExpressionAttributeValues unused in expressions: keys: {"
                    + String.join(", ", unusedValues) + "}");
        }
    }
}
