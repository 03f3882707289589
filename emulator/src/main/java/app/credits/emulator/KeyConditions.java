package app.credits.emulator;

import app.credits.emulator.Expressions.Between;
import app.credits.emulator.Expressions.Comparison;
import app.credits.emulator.Expressions.Condition;
import app.credits.emulator.Expressions.FunctionCall;
import app.credits.emulator.Expressions.In;
import app.credits.emulator.Expressions.Not;
import app.credits.emulator.Expressions.Operand;
import app.credits.emulator.Expressions.Operator;
import app.credits.emulator.Expressions.Or;
import app.credits.emulator.Expressions.PathOperand;
import app.credits.emulator.Expressions.ValueOperand;

/**
 * Turns a KeyConditionExpression into the {@link KeyRange} a Query reads: the partition key compared with {@code =},
 * and optionally one condition on the sort key ({@code = < <= > >=}, {@code BETWEEN}, {@code begins_with}).
 */
final class KeyConditions {
    private KeyConditions() {}

    /** The sort key part of a key condition, before the partition is known. */
    private sealed interface SortCondition {}

    private record Compared(Operator operator, Value value) implements SortCondition {}

    private record InBetween(Value low, Value high) implements SortCondition {}

    private record BeginsWith(Value prefix) implements SortCondition {}

    static KeyRange range(Condition keyCondition, KeySchema keys) {
        KeySchema.Attribute partitionKey = keys.partition(), sortKey = keys.sort();
        Value partition = null;
        SortCondition sort = null;
        var parts = Expressions.conjuncts(keyCondition);
        if (parts.size() > 2) throw invalid("Invalid KeyConditionExpression: The expression can only contain one condition per key attribute");
        for (Condition c : parts) {
            switch (c) {
                case Comparison cmp -> {
                    Operand pathSide = cmp.left(), valueSide = cmp.right();
                    Operator op = cmp.operator();
                    if (cmp.left() instanceof ValueOperand && cmp.right() instanceof PathOperand) {
                        pathSide = cmp.right();
                        valueSide = cmp.left();
                        op = op.mirrored();
                    }
                    if (op == Operator.NE) throw invalid("Invalid KeyConditionExpression: Invalid operator used in KeyConditionExpression: <>");
                    Value v = keyValue(valueSide);
                    String attribute = keyPath(pathSide);
                    if (attribute.equals(partitionKey.name())) {
                        if (op != Operator.EQ) throw invalid("Query key condition not supported");
                        if (partition != null) throw oneConditionPerKey();
                        checkKeyType(partitionKey, v);
                        partition = v;
                        continue;
                    }
                    if (sortKey == null || !attribute.equals(sortKey.name())) throw invalid("Query condition missed key schema element: " + attribute);
                    if (sort != null) throw oneConditionPerKey();
                    checkKeyType(sortKey, v);
                    sort = new Compared(op, v);
                }
                case Between b -> {
                    checkSortKey(keyPath(b.value()), keys);
                    if (sort != null) throw oneConditionPerKey();
                    Value low = keyValue(b.low()), high = keyValue(b.high());
                    checkKeyType(sortKey, low);
                    checkKeyType(sortKey, high);
                    sort = new InBetween(low, high);
                }
                case FunctionCall f when f.name().equals("begins_with") -> {
                    checkSortKey(keyPath(f.arguments().get(0)), keys);
                    if (sort != null) throw oneConditionPerKey();
                    Value prefix = keyValue(f.arguments().get(1));
                    if (sortKey.type().equals("N")) {
                        throw invalid("Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N");
                    }
                    checkKeyType(sortKey, prefix);
                    sort = new BeginsWith(prefix);
                }
                case FunctionCall f -> throw invalidOperator(f.name());
                case Or o -> throw invalidOperator("OR");
                case Not n -> throw invalidOperator("NOT");
                case In in -> throw invalidOperator("IN");
                default -> throw invalid("Invalid KeyConditionExpression");
            }
        }
        if (partition == null) throw invalid("Query condition missed key schema element: " + partitionKey.name());
        return sort == null ? KeyRange.wholePartition(partition) : range(partition, sort);
    }

    private static KeyRange range(Value p, SortCondition sort) {
        return switch (sort) {
            case Compared(Operator op, Value v) -> switch (op) {
                case EQ -> new KeyRange(p, KeyBound.before(p, v), KeyBound.after(p, v), null);
                case LT -> new KeyRange(p, KeyBound.before(p), KeyBound.before(p, v), null);
                case LE -> new KeyRange(p, KeyBound.before(p), KeyBound.after(p, v), null);
                case GT -> new KeyRange(p, KeyBound.after(p, v), KeyBound.after(p), null);
                case GE -> new KeyRange(p, KeyBound.before(p, v), KeyBound.after(p), null);
                case NE -> throw invalid("Query key condition not supported");
            };
            case InBetween(Value low, Value high) -> new KeyRange(p, KeyBound.before(p, low), KeyBound.after(p, high), null);
            case BeginsWith(Value prefix) -> new KeyRange(p, KeyBound.before(p, prefix), KeyBound.after(p), prefix);
        };
    }

    private static void checkSortKey(String attribute, KeySchema keys) {
        if (keys.sort() == null || !attribute.equals(keys.sort().name())) {
            throw invalid(attribute.equals(keys.partition().name()) ? "Query key condition not supported"
                    : "Query condition missed key schema element: " + attribute);
        }
    }

    private static DynamoError invalid(String message) {
        return DynamoError.validation(message);
    }

    private static DynamoError invalidOperator(String operator) {
        return invalid("Invalid KeyConditionExpression: Invalid operator used in KeyConditionExpression: " + operator);
    }

    private static DynamoError oneConditionPerKey() {
        return invalid("KeyConditionExpressions must only contain one condition per key");
    }

    private static String keyPath(Operand o) {
        if (o instanceof PathOperand p && p.path().isTopLevel()) return p.path().top();
        throw invalid("Invalid KeyConditionExpression: key conditions must compare a top-level key attribute with a value");
    }

    private static Value keyValue(Operand o) {
        if (o instanceof ValueOperand v) return v.value();
        throw invalid("Invalid KeyConditionExpression: key conditions must compare a top-level key attribute with a value");
    }

    private static void checkKeyType(KeySchema.Attribute key, Value v) {
        if (!v.type().equals(key.type())) throw DynamoError.invalidParam("Condition parameter type does not match schema type");
    }
}
