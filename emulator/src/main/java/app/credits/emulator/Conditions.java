package app.credits.emulator;

import app.credits.emulator.Expressions.And;
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
import app.credits.emulator.Expressions.Size;
import app.credits.emulator.Expressions.ValueOperand;
import java.math.BigDecimal;
import java.util.Map;

/**
 * Evaluates conditions against an item (null: no item) the DynamoDB way: a comparison between different types is
 * false, and one involving a missing attribute is false, except {@code <>}, which is true.
 */
final class Conditions {
    private Conditions() {}

    static boolean holds(Condition c, Map<String, Value> item) {
        return switch (c) {
            case And a -> holds(a.left(), item) && holds(a.right(), item);
            case Or o -> holds(o.left(), item) || holds(o.right(), item);
            case Not n -> !holds(n.condition(), item);
            case Comparison cmp -> compare(resolve(cmp.left(), item), cmp.operator(), resolve(cmp.right(), item));
            case Between b -> {
                Value v = resolve(b.value(), item), low = resolve(b.low(), item), high = resolve(b.high(), item);
                yield v != null && low != null && high != null && Value.sameOrderableType(v, low) && Value.sameOrderableType(v, high)
                        && Value.compare(v, low) >= 0 && Value.compare(v, high) <= 0;
            }
            case In in -> {
                Value v = resolve(in.value(), item);
                if (v == null) yield false;
                for (Operand o : in.candidates()) if (v.equals(resolve(o, item))) yield true;
                yield false;
            }
            case FunctionCall f -> function(f, item);
        };
    }

    static boolean compare(Value a, Operator op, Value b) {
        if (a == null || b == null) return op == Operator.NE;
        return switch (op) {
            case EQ -> a.equals(b);
            case NE -> !a.equals(b);
            default -> {
                if (!Value.sameOrderableType(a, b)) yield false;
                int r = Value.compare(a, b);
                yield switch (op) {
                    case LT -> r < 0;
                    case LE -> r <= 0;
                    case GT -> r > 0;
                    case GE -> r >= 0;
                    default -> throw new IllegalStateException();
                };
            }
        };
    }

    private static boolean function(FunctionCall f, Map<String, Value> item) {
        Value a = resolve(f.arguments().getFirst(), item);
        switch (f.name()) {
            case "attribute_exists": return a != null;
            case "attribute_not_exists": return a == null;
            default: break;
        }
        Value b = resolve(f.arguments().get(1), item);
        if (a == null || b == null) return false;
        return switch (f.name()) {
            case "attribute_type" -> b instanceof Value.S s && a.type().equals(s.v());
            case "begins_with" -> KeyRange.beginsWith(a, b);
            case "contains" -> switch (a) {
                case Value.S x -> b instanceof Value.S y && x.v().contains(y.v());
                case Value.B x -> b instanceof Value.B y && indexOf(x.v(), y.v()) >= 0;
                case Value.SS x -> b instanceof Value.S y && x.v().contains(y.v());
                case Value.NS x -> b instanceof Value.N y && x.v().contains(y.v());
                case Value.BS x -> b instanceof Value.B y && x.v().contains(y);
                case Value.L x -> x.v().contains(b);
                default -> false;
            };
            default -> throw new IllegalStateException(f.name());
        };
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }

    /** Resolves a condition operand; null means "attribute does not exist". */
    static Value resolve(Operand o, Map<String, Value> item) {
        return switch (o) {
            case ValueOperand v -> v.value();
            case PathOperand p -> p.path().in(item);
            case Size s -> switch (s.path().in(item)) {
                case null -> null;
                case Value.S x -> number(Value.utf8Length(x.v()));
                case Value.B x -> number(x.v().length);
                case Value.SS x -> number(x.v().size());
                case Value.NS x -> number(x.v().size());
                case Value.BS x -> number(x.v().size());
                case Value.L x -> number(x.v().size());
                case Value.M x -> number(x.v().size());
                default -> null;
            };
            default -> throw new IllegalStateException("not a condition operand: " + o);
        };
    }

    private static Value.N number(long n) {
        return new Value.N(BigDecimal.valueOf(n));
    }
}
