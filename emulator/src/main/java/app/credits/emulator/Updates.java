package app.credits.emulator;

import app.credits.emulator.Expressions.Arithmetic;
import app.credits.emulator.Expressions.IfNotExists;
import app.credits.emulator.Expressions.ListAppend;
import app.credits.emulator.Expressions.Operand;
import app.credits.emulator.Expressions.PathOperand;
import app.credits.emulator.Expressions.SetAction;
import app.credits.emulator.Expressions.Size;
import app.credits.emulator.Expressions.UpdateActions;
import app.credits.emulator.Expressions.ValueAction;
import app.credits.emulator.Expressions.ValueOperand;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Applies the actions of an UpdateExpression to an item. */
final class Updates {
    private Updates() {}

    /** Applies an update to {@code old} (the existing item, or just the key when absent); returns the new item. */
    static Map<String, Value> apply(UpdateActions u, Map<String, Value> old) {
        // All right-hand sides are evaluated against the item as it was before the update.
        List<Value> setValues = new ArrayList<>();
        for (SetAction s : u.sets()) setValues.add(evaluate(s.value(), old));
        Map<String, Value> item = new LinkedHashMap<>(old);
        for (int k = 0; k < u.sets().size(); k++) setPath(item, u.sets().get(k).path(), setValues.get(k));
        List<AttributePath> removes = new ArrayList<>(u.removes());
        removes.sort((a, b) -> -AttributePath.compare(a, b)); // higher list indexes first
        for (AttributePath p : removes) removePath(item, p);
        for (ValueAction a : u.adds()) add(item, a);
        for (ValueAction d : u.deletes()) delete(item, d);
        return item;
    }

    private static void add(Map<String, Value> item, ValueAction a) {
        if (!a.path().isTopLevel()) throw invalid("Invalid UpdateExpression: the ADD action supports only top-level attributes; path: " + a.path());
        Value cur = item.get(a.path().top());
        Value res;
        if (cur == null) res = a.value();
        else if (cur instanceof Value.N x && a.value() instanceof Value.N y) res = new Value.N(Numbers.normalise(x.v().add(y.v())));
        else if (cur instanceof Value.SS x && a.value() instanceof Value.SS y) { Set<String> s = new LinkedHashSet<>(x.v()); s.addAll(y.v()); res = new Value.SS(s); }
        else if (cur instanceof Value.NS x && a.value() instanceof Value.NS y) { Set<BigDecimal> s = new LinkedHashSet<>(x.v()); s.addAll(y.v()); res = new Value.NS(s); }
        else if (cur instanceof Value.BS x && a.value() instanceof Value.BS y) { Set<Value.B> s = new LinkedHashSet<>(x.v()); s.addAll(y.v()); res = new Value.BS(s); }
        else throw wrongOperandType();
        item.put(a.path().top(), res);
    }

    private static void delete(Map<String, Value> item, ValueAction d) {
        if (!d.path().isTopLevel()) throw invalid("Invalid UpdateExpression: the DELETE action supports only top-level attributes; path: " + d.path());
        Value cur = item.get(d.path().top());
        if (cur == null) return;
        Value res;
        if (cur instanceof Value.SS x && d.value() instanceof Value.SS y) { Set<String> s = new LinkedHashSet<>(x.v()); s.removeAll(y.v()); res = s.isEmpty() ? null : new Value.SS(s); }
        else if (cur instanceof Value.NS x && d.value() instanceof Value.NS y) { Set<BigDecimal> s = new LinkedHashSet<>(x.v()); s.removeAll(y.v()); res = s.isEmpty() ? null : new Value.NS(s); }
        else if (cur instanceof Value.BS x && d.value() instanceof Value.BS y) { Set<Value.B> s = new LinkedHashSet<>(x.v()); s.removeAll(y.v()); res = s.isEmpty() ? null : new Value.BS(s); }
        else throw wrongOperandType();
        // an emptied set is removed
        if (res == null) item.remove(d.path().top()); else item.put(d.path().top(), res);
    }

    private static DynamoError invalid(String message) {
        return DynamoError.validation(message);
    }

    private static DynamoError wrongOperandType() {
        return invalid("An operand in the update expression has an incorrect data type");
    }

    private static DynamoError invalidPath() {
        return invalid("The document path provided in the update expression is invalid for update");
    }

    private static Value evaluate(Operand o, Map<String, Value> item) {
        return switch (o) {
            case ValueOperand v -> v.value();
            case PathOperand p -> {
                Value v = p.path().in(item);
                if (v == null) throw invalid("The provided expression refers to an attribute that does not exist in the item");
                yield v;
            }
            case IfNotExists f -> {
                Value v = f.path().in(item);
                yield v != null ? v : evaluate(f.fallback(), item);
            }
            case ListAppend la -> {
                Value a = evaluate(la.first(), item), b = evaluate(la.second(), item);
                if (!(a instanceof Value.L x) || !(b instanceof Value.L y)) throw wrongOperandType();
                List<Value> l = new ArrayList<>(x.v());
                l.addAll(y.v());
                yield new Value.L(l);
            }
            case Arithmetic ar -> {
                Value a = evaluate(ar.left(), item), b = evaluate(ar.right(), item);
                if (!(a instanceof Value.N x) || !(b instanceof Value.N y)) throw wrongOperandType();
                yield new Value.N(Numbers.normalise(ar.plus() ? x.v().add(y.v()) : x.v().subtract(y.v())));
            }
            case Size s -> throw invalid("Invalid UpdateExpression: Invalid function name; function: size");
        };
    }

    private static void setPath(Map<String, Value> item, AttributePath p, Value v) {
        if (p.isTopLevel()) {
            item.put(p.top(), v);
            return;
        }
        Value cur = item.get(p.top());
        if (cur == null) throw invalidPath();
        item.put(p.top(), setIn(cur, p.steps(), 1, v));
    }

    private static Value setIn(Value container, List<AttributePath.Step> steps, int i, Value v) {
        boolean last = i == steps.size() - 1;
        switch (steps.get(i)) {
            case AttributePath.Name n -> {
                if (!(container instanceof Value.M m)) throw invalidPath();
                Map<String, Value> copy = new LinkedHashMap<>(m.v());
                if (last) copy.put(n.name(), v);
                else {
                    Value child = copy.get(n.name());
                    if (child == null) throw invalidPath();
                    copy.put(n.name(), setIn(child, steps, i + 1, v));
                }
                return new Value.M(copy);
            }
            case AttributePath.Index x -> {
                int idx = x.index();
                if (!(container instanceof Value.L l)) throw invalidPath();
                List<Value> copy = new ArrayList<>(l.v());
                if (last) {
                    // setting past the end appends, as DynamoDB does
                    if (idx >= copy.size()) copy.add(v);
                    else copy.set(idx, v);
                } else {
                    if (idx >= copy.size()) throw invalidPath();
                    copy.set(idx, setIn(copy.get(idx), steps, i + 1, v));
                }
                return new Value.L(copy);
            }
        }
    }

    private static void removePath(Map<String, Value> item, AttributePath p) {
        if (p.isTopLevel()) {
            item.remove(p.top());
            return;
        }
        Value cur = item.get(p.top());
        if (cur == null) throw invalidPath();
        item.put(p.top(), removeIn(cur, p.steps(), 1));
    }

    private static Value removeIn(Value container, List<AttributePath.Step> steps, int i) {
        boolean last = i == steps.size() - 1;
        switch (steps.get(i)) {
            case AttributePath.Name n -> {
                if (!(container instanceof Value.M m)) throw invalidPath();
                if (!m.v().containsKey(n.name())) {
                    if (last) return container;
                    throw invalidPath();
                }
                Map<String, Value> copy = new LinkedHashMap<>(m.v());
                if (last) copy.remove(n.name());
                else copy.put(n.name(), removeIn(copy.get(n.name()), steps, i + 1));
                return new Value.M(copy);
            }
            case AttributePath.Index x -> {
                int idx = x.index();
                if (!(container instanceof Value.L l)) throw invalidPath();
                if (idx >= l.v().size()) {
                    if (last) return container;
                    throw invalidPath();
                }
                List<Value> copy = new ArrayList<>(l.v());
                if (last) copy.remove(idx);
                else copy.set(idx, removeIn(copy.get(idx), steps, i + 1));
                return new Value.L(copy);
            }
        }
    }
}
