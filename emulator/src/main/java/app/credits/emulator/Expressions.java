package app.credits.emulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * DynamoDB's expression language as syntax trees: conditions (ConditionExpression, FilterExpression,
 * KeyConditionExpression), UpdateExpression actions and ProjectionExpression paths. Parsing is in
 * {@link ExpressionParser}; evaluation in {@link Conditions}, {@link Updates} and {@link Projections}.
 */
final class Expressions {
    private Expressions() {}

    /** Something a condition or a SET action computes a value from. */
    sealed interface Operand permits PathOperand, ValueOperand, Size, IfNotExists, ListAppend, Arithmetic {}

    record PathOperand(AttributePath path) implements Operand {}

    record ValueOperand(String placeholder, Value value) implements Operand {}

    record Size(AttributePath path) implements Operand {}

    record IfNotExists(AttributePath path, Operand fallback) implements Operand {}

    record ListAppend(Operand first, Operand second) implements Operand {}

    record Arithmetic(Operand left, boolean plus, Operand right) implements Operand {}

    sealed interface Condition permits And, Or, Not, Comparison, Between, In, FunctionCall {}

    record And(Condition left, Condition right) implements Condition {}

    record Or(Condition left, Condition right) implements Condition {}

    record Not(Condition condition) implements Condition {}

    enum Operator {
        EQ, NE, LT, LE, GT, GE;

        /** The operator with its operands swapped: {@code :v < a} is {@code a > :v}. */
        Operator mirrored() {
            return switch (this) {
                case LT -> GT;
                case LE -> GE;
                case GT -> LT;
                case GE -> LE;
                default -> this;
            };
        }
    }

    record Comparison(Operand left, Operator operator, Operand right) implements Condition {}

    record Between(Operand value, Operand low, Operand high) implements Condition {}

    record In(Operand value, List<Operand> candidates) implements Condition {}

    /** attribute_exists, attribute_not_exists, attribute_type, begins_with or contains. */
    record FunctionCall(String name, List<Operand> arguments) implements Condition {}

    record SetAction(AttributePath path, Operand value) {}

    /** An ADD or DELETE action: a path and the value added to it or deleted from it. */
    record ValueAction(AttributePath path, Value value) {}

    /** The actions of an UpdateExpression, by clause. */
    record UpdateActions(List<SetAction> sets, List<AttributePath> removes, List<ValueAction> adds, List<ValueAction> deletes) {
        static final UpdateActions NONE = new UpdateActions(List.of(), List.of(), List.of(), List.of());

        /** Every path the update writes or removes. */
        List<AttributePath> targets() {
            List<AttributePath> t = new ArrayList<>();
            for (SetAction s : sets) t.add(s.path());
            t.addAll(removes);
            for (ValueAction a : adds) t.add(a.path());
            for (ValueAction a : deletes) t.add(a.path());
            return t;
        }
    }

    static Condition parseCondition(String src, String expressionKind, ExpressionAttributes attributes) {
        return new ExpressionParser(src, expressionKind, attributes).wholeCondition();
    }

    static UpdateActions parseUpdate(String src, ExpressionAttributes attributes) {
        return new ExpressionParser(src, "UpdateExpression", attributes).wholeUpdate();
    }

    static List<AttributePath> parseProjection(String src, ExpressionAttributes attributes) {
        return new ExpressionParser(src, "ProjectionExpression", attributes).wholeProjection();
    }

    /** The conditions joined by AND at the top of {@code c}. */
    static List<Condition> conjuncts(Condition c) {
        List<Condition> out = new ArrayList<>();
        if (c instanceof And a) {
            out.addAll(conjuncts(a.left()));
            out.addAll(conjuncts(a.right()));
        } else out.add(c);
        return out;
    }

    /** Adds the top-level attribute names a condition refers to. */
    static void collectTopLevelNames(Condition c, Set<String> out) {
        switch (c) {
            case And a -> { collectTopLevelNames(a.left(), out); collectTopLevelNames(a.right(), out); }
            case Or o -> { collectTopLevelNames(o.left(), out); collectTopLevelNames(o.right(), out); }
            case Not n -> collectTopLevelNames(n.condition(), out);
            case Comparison cmp -> { collectTopLevelName(cmp.left(), out); collectTopLevelName(cmp.right(), out); }
            case Between b -> { collectTopLevelName(b.value(), out); collectTopLevelName(b.low(), out); collectTopLevelName(b.high(), out); }
            case In in -> { collectTopLevelName(in.value(), out); in.candidates().forEach(x -> collectTopLevelName(x, out)); }
            case FunctionCall f -> f.arguments().forEach(x -> collectTopLevelName(x, out));
        }
    }

    private static void collectTopLevelName(Operand o, Set<String> out) {
        switch (o) {
            case PathOperand p -> out.add(p.path().top());
            case Size s -> out.add(s.path().top());
            default -> { }
        }
    }
}
