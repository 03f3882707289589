package app.credits.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** DynamoDB expression language: tokenizer, recursive-descent parsers, evaluation, projection and update application. */
final class Expressions {
    private Expressions() {}

    static final Set<String> RESERVED = loadReserved();

    private static Set<String> loadReserved() {
        try (InputStream in = Expressions.class.getResourceAsStream("reserved-words.txt")) {
            if (in == null) throw new IllegalStateException("reserved-words.txt missing");
            String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return Set.copyOf(Arrays.asList(all.trim().split("\\s+")));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ paths

    /** A document path; elements are attribute names (String) or list indexes (Integer). */
    record Path(List<Object> elems) {
        Path { elems = List.copyOf(elems); }
        String top() { return (String) elems.getFirst(); }
        boolean isTopLevel() { return elems.size() == 1; }
        /** True if this path equals or is a prefix of the other. */
        boolean isPrefixOf(Path o) {
            if (elems.size() > o.elems.size()) return false;
            for (int i = 0; i < elems.size(); i++) if (!elems.get(i).equals(o.elems.get(i))) return false;
            return true;
        }
        @Override public String toString() {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < elems.size(); i++) {
                if (i > 0) sb.append(", ");
                Object e = elems.get(i);
                sb.append(e instanceof Integer n ? "[" + n + "]" : e);
            }
            return sb.append(']').toString();
        }
    }

    static Path topPath(String name) {
        return new Path(List.of(name));
    }

    static Value get(Map<String, Value> item, Path p) {
        if (item == null) return null;
        Value cur = item.get(p.top());
        for (int i = 1; i < p.elems.size() && cur != null; i++) {
            Object e = p.elems.get(i);
            if (e instanceof String s) cur = cur instanceof Value.M m ? m.v().get(s) : null;
            else {
                int idx = (Integer) e;
                cur = cur instanceof Value.L l && idx < l.v().size() ? l.v().get(idx) : null;
            }
        }
        return cur;
    }

    static void checkNoOverlap(List<Path> paths, String kind) {
        for (int i = 0; i < paths.size(); i++) {
            for (int j = i + 1; j < paths.size(); j++) {
                Path a = paths.get(i), b = paths.get(j);
                if (a.isPrefixOf(b) || b.isPrefixOf(a)) {
                    throw DynamoError.validation("Invalid " + kind + ": Two document paths overlap with each other; "
                            + "must remove or rewrite one of these paths; path one: " + a + ", path two: " + b);
                }
            }
        }
    }

    // ------------------------------------------------------------------ attribute names / values of a request

    /** ExpressionAttributeNames / ExpressionAttributeValues of one request (or one transaction action), with usage tracking. */
    static final class Attrs {
        final Map<String, String> names = new LinkedHashMap<>();
        final Map<String, Value> values = new LinkedHashMap<>();
        final Set<String> usedNames = new HashSet<>();
        final Set<String> usedValues = new HashSet<>();
        final boolean namesGiven, valuesGiven;

        Attrs(JsonNode namesNode, JsonNode valuesNode) {
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

    // ------------------------------------------------------------------ tokens

    enum T { IDENT, NAME, VALUE, NUM, LP, RP, LB, RB, COMMA, DOT, EQ, NE, LT, LE, GT, GE, PLUS, MINUS, EOF }

    record Tok(T t, String s, int pos) {}

    static List<Tok> tokenize(String src, String kind) {
        List<Tok> out = new ArrayList<>();
        int i = 0, n = src.length();
        while (i < n) {
            char c = src.charAt(i);
            if (Character.isWhitespace(c)) { i++; continue; }
            int start = i;
            if (Character.isLetter(c) || c == '_') {
                while (i < n && (Character.isLetterOrDigit(src.charAt(i)) || src.charAt(i) == '_')) i++;
                out.add(new Tok(T.IDENT, src.substring(start, i), start));
            } else if (c == '#' || c == ':') {
                i++;
                while (i < n && (Character.isLetterOrDigit(src.charAt(i)) || src.charAt(i) == '_')) i++;
                if (i == start + 1) throw syntaxError(kind, String.valueOf(c), src, start);
                out.add(new Tok(c == '#' ? T.NAME : T.VALUE, src.substring(start, i), start));
            } else if (Character.isDigit(c)) {
                while (i < n && Character.isDigit(src.charAt(i))) i++;
                out.add(new Tok(T.NUM, src.substring(start, i), start));
            } else {
                T t;
                String s;
                switch (c) {
                    case '(' -> { t = T.LP; s = "("; }
                    case ')' -> { t = T.RP; s = ")"; }
                    case '[' -> { t = T.LB; s = "["; }
                    case ']' -> { t = T.RB; s = "]"; }
                    case ',' -> { t = T.COMMA; s = ","; }
                    case '.' -> { t = T.DOT; s = "."; }
                    case '+' -> { t = T.PLUS; s = "+"; }
                    case '-' -> { t = T.MINUS; s = "-"; }
                    case '=' -> { t = T.EQ; s = "="; }
                    case '<' -> {
                        if (i + 1 < n && src.charAt(i + 1) == '=') { t = T.LE; s = "<="; }
                        else if (i + 1 < n && src.charAt(i + 1) == '>') { t = T.NE; s = "<>"; }
                        else { t = T.LT; s = "<"; }
                    }
                    case '>' -> {
                        if (i + 1 < n && src.charAt(i + 1) == '=') { t = T.GE; s = ">="; }
                        else { t = T.GT; s = ">"; }
                    }
                    default -> throw syntaxError(kind, String.valueOf(c), src, start);
                }
                i += s.length();
                out.add(new Tok(t, s, start));
            }
        }
        out.add(new Tok(T.EOF, "<EOF>", n));
        return out;
    }

    static DynamoError syntaxError(String kind, String token, String src, int pos) {
        int from = Math.max(0, pos - 10), to = Math.min(src.length(), pos + token.length() + 10);
        return DynamoError.validation("Invalid " + kind + ": Syntax error; token: \"" + token + "\", near: \""
                + src.substring(from, to) + "\"");
    }

    // ------------------------------------------------------------------ ASTs

    sealed interface Operand {}
    record PathOp(Path path) implements Operand {}
    record ValueOp(String name, Value value) implements Operand {}
    record SizeOp(Path path) implements Operand {}
    record IfNotExists(Path path, Operand fallback) implements Operand {}
    record ListAppend(Operand a, Operand b) implements Operand {}
    record Arith(Operand a, boolean plus, Operand b) implements Operand {}

    sealed interface Cond {}
    record And(Cond a, Cond b) implements Cond {}
    record Or(Cond a, Cond b) implements Cond {}
    record Not(Cond c) implements Cond {}
    record Compare(Operand a, T op, Operand b) implements Cond {}
    record Between(Operand v, Operand lo, Operand hi) implements Cond {}
    record In(Operand v, List<Operand> list) implements Cond {}
    record Func(String name, List<Operand> args) implements Cond {}

    record SetAction(Path path, Operand value) {}
    record AddAction(Path path, Value value) {}
    record Update(List<SetAction> sets, List<Path> removes, List<AddAction> adds, List<AddAction> deletes) {
        List<Path> targets() {
            List<Path> t = new ArrayList<>();
            for (SetAction s : sets) t.add(s.path);
            t.addAll(removes);
            for (AddAction a : adds) t.add(a.path);
            for (AddAction a : deletes) t.add(a.path);
            return t;
        }
    }

    static List<Cond> conjuncts(Cond c) {
        List<Cond> out = new ArrayList<>();
        if (c instanceof And a) {
            out.addAll(conjuncts(a.a));
            out.addAll(conjuncts(a.b));
        } else out.add(c);
        return out;
    }

    // ------------------------------------------------------------------ parser

    static Cond parseCondition(String src, String kind, Attrs attrs) {
        Parser p = new Parser(src, kind, attrs);
        Cond c = p.or();
        p.expect(T.EOF);
        return c;
    }

    static Update parseUpdate(String src, Attrs attrs) {
        Parser p = new Parser(src, "UpdateExpression", attrs);
        Update u = p.update();
        p.expect(T.EOF);
        return u;
    }

    static List<Path> parseProjection(String src, Attrs attrs) {
        Parser p = new Parser(src, "ProjectionExpression", attrs);
        List<Path> paths = new ArrayList<>();
        do paths.add(p.path()); while (p.accept(T.COMMA));
        p.expect(T.EOF);
        checkNoOverlap(paths, "ProjectionExpression");
        return paths;
    }

    private static final Set<String> BOOL_FUNCS = Set.of("attribute_exists", "attribute_not_exists", "attribute_type", "begins_with", "contains");
    private static final Set<String> TYPE_NAMES = Set.of("S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS");

    private static final class Parser {
        final String src, kind;
        final Attrs attrs;
        final List<Tok> toks;
        int i;

        Parser(String src, String kind, Attrs attrs) {
            if (src.isBlank()) throw DynamoError.validation("Invalid " + kind + ": The expression can not be empty;");
            this.src = src;
            this.kind = kind;
            this.attrs = attrs;
            this.toks = tokenize(src, kind);
        }

        Tok peek() { return toks.get(i); }
        Tok peek(int k) { return toks.get(Math.min(i + k, toks.size() - 1)); }
        Tok next() { return toks.get(i++); }
        boolean accept(T t) { if (peek().t == t) { i++; return true; } return false; }
        boolean isKw(Tok t, String kw) { return t.t == T.IDENT && t.s.equalsIgnoreCase(kw); }
        boolean acceptKw(String kw) { if (isKw(peek(), kw)) { i++; return true; } return false; }
        DynamoError syntax(Tok t) { return syntaxError(kind, t.s, src, t.pos); }
        Tok expect(T t) { Tok x = next(); if (x.t != t) throw syntax(x); return x; }
        void expectKw(String kw) { Tok x = next(); if (!isKw(x, kw)) throw syntax(x); }
        DynamoError invalid(String detail) { return DynamoError.validation("Invalid " + kind + ": " + detail); }

        String name(Tok t) {
            if (t.t == T.IDENT) {
                if (RESERVED.contains(t.s.toUpperCase(Locale.ROOT))) {
                    throw invalid("Attribute name is a reserved keyword; reserved keyword: " + t.s);
                }
                return t.s;
            }
            if (t.t == T.NAME) {
                String n = attrs.names.get(t.s);
                if (n == null) throw invalid("An expression attribute name used in the document path is not defined; attribute name: " + t.s);
                attrs.usedNames.add(t.s);
                return n;
            }
            throw syntax(t);
        }

        Path path() {
            List<Object> elems = new ArrayList<>();
            elems.add(name(next()));
            while (true) {
                if (accept(T.DOT)) elems.add(name(next()));
                else if (peek().t == T.LB) {
                    next();
                    Tok n = expect(T.NUM);
                    int idx;
                    try {
                        idx = Integer.parseInt(n.s);
                    } catch (NumberFormatException e) {
                        throw invalid("List index is out of range; index: " + n.s);
                    }
                    elems.add(idx);
                    expect(T.RB);
                } else break;
            }
            return new Path(elems);
        }

        ValueOp value(Tok t) {
            Value v = attrs.values.get(t.s);
            if (v == null) throw invalid("An expression attribute value used in expression is not defined; attribute value: " + t.s);
            attrs.usedValues.add(t.s);
            return new ValueOp(t.s, v);
        }

        // condition grammar: or := and (OR and)* ; and := not (AND not)* ; not := NOT not | primary
        Cond or() {
            Cond c = and();
            while (acceptKw("OR")) c = new Or(c, and());
            return c;
        }

        Cond and() {
            Cond c = not();
            while (acceptKw("AND")) c = new And(c, not());
            return c;
        }

        Cond not() {
            if (acceptKw("NOT")) return new Not(not());
            return primary();
        }

        Cond primary() {
            Tok t = peek();
            if (t.t == T.LP) {
                next();
                Cond c = or();
                expect(T.RP);
                return c;
            }
            if (t.t == T.IDENT && peek(1).t == T.LP && !t.s.equals("size")) {
                if (!BOOL_FUNCS.contains(t.s)) throw invalid("Invalid function name; function: " + t.s);
                next();
                next();
                List<Operand> args = new ArrayList<>();
                if (peek().t != T.RP) {
                    do args.add(operand()); while (accept(T.COMMA));
                }
                expect(T.RP);
                return function(t.s, args);
            }
            Operand a = operand();
            if (acceptKw("BETWEEN")) {
                Operand lo = operand();
                expectKw("AND");
                Operand hi = operand();
                checkOrderable("BETWEEN", a, lo, hi);
                if (lo instanceof ValueOp l && hi instanceof ValueOp h && Value.sameOrderableType(l.value(), h.value())
                        && Value.compare(l.value(), h.value()) > 0) {
                    throw invalid("The BETWEEN operator requires upper bound to be greater than or equal to lower bound; "
                            + "lower bound operand: AttributeValue: {" + l.value().type() + ":" + Value.describe(l.value())
                            + "}, upper bound operand: AttributeValue: {" + h.value().type() + ":" + Value.describe(h.value()) + "}");
                }
                return new Between(a, lo, hi);
            }
            if (acceptKw("IN")) {
                expect(T.LP);
                List<Operand> list = new ArrayList<>();
                do list.add(operand()); while (accept(T.COMMA));
                expect(T.RP);
                if (list.size() > 100) throw invalid("The IN operator is provided with too many operands; number of operands: " + list.size());
                return new In(a, list);
            }
            Tok op = next();
            switch (op.t) {
                case EQ, NE, LT, LE, GT, GE -> {
                    Operand b = operand();
                    if (op.t != T.EQ && op.t != T.NE) checkOrderable(op.s, a, b);
                    return new Compare(a, op.t, b);
                }
                default -> throw syntax(op);
            }
        }

        void checkOrderable(String op, Operand... ops) {
            for (Operand o : ops) {
                if (o instanceof ValueOp v && !Value.isScalarKeyType(v.value())) {
                    throw invalid("Incorrect operand type for operator or function; operator or function: " + op
                            + ", operand type: " + v.value().type());
                }
            }
        }

        Cond function(String f, List<Operand> args) {
            int want = switch (f) {
                case "attribute_exists", "attribute_not_exists" -> 1;
                default -> 2;
            };
            if (args.size() != want) {
                throw invalid("Incorrect number of operands for operator or function; operator or function: " + f
                        + ", number of operands: " + args.size());
            }
            if (!(args.getFirst() instanceof PathOp)) {
                throw invalid("Operator or function requires a document path; operator or function: " + f);
            }
            if (f.equals("attribute_type")) {
                if (!(args.get(1) instanceof ValueOp v) || !(v.value() instanceof Value.S s) || !TYPE_NAMES.contains(s.v())) {
                    String got = args.get(1) instanceof ValueOp v2 ? Value.describe(v2.value()) : "path";
                    throw invalid("Invalid attribute type name found; type: " + got
                            + ", valid types: { B,NULL,SS,BOOL,L,BS,N,NS,S,M }");
                }
            }
            if (f.equals("begins_with") && args.get(1) instanceof ValueOp v
                    && !(v.value() instanceof Value.S || v.value() instanceof Value.B)) {
                throw invalid("Incorrect operand type for operator or function; operator or function: begins_with, operand type: "
                        + v.value().type());
            }
            return new Func(f, List.copyOf(args));
        }

        Operand operand() {
            Tok t = peek();
            if (t.t == T.VALUE) return value(next());
            if (t.t == T.IDENT && peek(1).t == T.LP) {
                if (!t.s.equals("size")) throw invalid("Invalid function name; function: " + t.s);
                next();
                next();
                Operand p = operand();
                expect(T.RP);
                if (!(p instanceof PathOp po)) throw invalid("Operator or function requires a document path; operator or function: size");
                return new SizeOp(po.path());
            }
            if (t.t == T.IDENT || t.t == T.NAME) return new PathOp(path());
            throw syntax(next());
        }

        // update grammar
        Update update() {
            List<SetAction> sets = new ArrayList<>();
            List<Path> removes = new ArrayList<>();
            List<AddAction> adds = new ArrayList<>();
            List<AddAction> deletes = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            if (peek().t == T.EOF) throw syntax(peek());
            while (peek().t != T.EOF) {
                Tok kw = next();
                String clause = kw.t == T.IDENT ? kw.s.toUpperCase(Locale.ROOT) : "";
                if (!Set.of("SET", "REMOVE", "ADD", "DELETE").contains(clause)) throw syntax(kw);
                if (!seen.add(clause)) {
                    throw invalid("The \"" + clause + "\" section can only be used once in an update expression;");
                }
                do {
                    switch (clause) {
                        case "SET" -> {
                            Path p = path();
                            expect(T.EQ);
                            sets.add(new SetAction(p, setValue()));
                        }
                        case "REMOVE" -> removes.add(path());
                        default -> {
                            Path p = path();
                            Tok v = next();
                            if (v.t != T.VALUE) throw syntax(v);
                            Value val = value(v).value();
                            if (clause.equals("ADD")) {
                                if (!(val instanceof Value.N || val instanceof Value.SS || val instanceof Value.NS || val instanceof Value.BS)) {
                                    throw invalid("Incorrect operand type for operator or function; operator: ADD, operand type: " + val.type());
                                }
                                adds.add(new AddAction(p, val));
                            } else {
                                if (!(val instanceof Value.SS || val instanceof Value.NS || val instanceof Value.BS)) {
                                    throw invalid("Incorrect operand type for operator or function; operator: DELETE, operand type: " + val.type());
                                }
                                deletes.add(new AddAction(p, val));
                            }
                        }
                    }
                } while (accept(T.COMMA));
            }
            Update u = new Update(sets, removes, adds, deletes);
            checkNoOverlap(u.targets(), kind);
            return u;
        }

        Operand setValue() {
            Operand a = setOperand();
            if (peek().t == T.PLUS || peek().t == T.MINUS) {
                boolean plus = next().t == T.PLUS;
                return new Arith(a, plus, setOperand());
            }
            return a;
        }

        Operand setOperand() {
            Tok t = peek();
            if (t.t == T.VALUE) return value(next());
            if (t.t == T.IDENT && peek(1).t == T.LP) {
                next();
                next();
                Operand result;
                switch (t.s) {
                    case "if_not_exists" -> {
                        Operand p = setOperand();
                        if (!(p instanceof PathOp po)) throw invalid("Operator or function requires a document path; operator or function: if_not_exists");
                        expect(T.COMMA);
                        result = new IfNotExists(po.path(), setOperand());
                    }
                    case "list_append" -> {
                        Operand a = setOperand();
                        expect(T.COMMA);
                        result = new ListAppend(a, setOperand());
                    }
                    default -> throw invalid("Invalid function name; function: " + t.s);
                }
                expect(T.RP);
                return result;
            }
            if (t.t == T.IDENT || t.t == T.NAME) return new PathOp(path());
            throw syntax(next());
        }
    }

    // ------------------------------------------------------------------ condition evaluation

    static boolean eval(Cond c, Map<String, Value> item) {
        return switch (c) {
            case And a -> eval(a.a, item) && eval(a.b, item);
            case Or o -> eval(o.a, item) || eval(o.b, item);
            case Not n -> !eval(n.c, item);
            case Compare cmp -> compare(resolve(cmp.a, item), cmp.op, resolve(cmp.b, item));
            case Between b -> {
                Value v = resolve(b.v, item), lo = resolve(b.lo, item), hi = resolve(b.hi, item);
                yield v != null && lo != null && hi != null && Value.sameOrderableType(v, lo) && Value.sameOrderableType(v, hi)
                        && Value.compare(v, lo) >= 0 && Value.compare(v, hi) <= 0;
            }
            case In in -> {
                Value v = resolve(in.v, item);
                if (v == null) yield false;
                for (Operand o : in.list) if (v.equals(resolve(o, item))) yield true;
                yield false;
            }
            case Func f -> function(f, item);
        };
    }

    static boolean compare(Value a, T op, Value b) {
        if (a == null || b == null) return op == T.NE;
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

    private static boolean function(Func f, Map<String, Value> item) {
        Value a = resolve(f.args.getFirst(), item);
        switch (f.name) {
            case "attribute_exists": return a != null;
            case "attribute_not_exists": return a == null;
            default: break;
        }
        Value b = resolve(f.args.get(1), item);
        if (a == null || b == null) return false;
        switch (f.name) {
            case "attribute_type":
                return b instanceof Value.S s && a.type().equals(s.v());
            case "begins_with":
                if (a instanceof Value.S x && b instanceof Value.S y) return x.v().startsWith(y.v());
                if (a instanceof Value.B x && b instanceof Value.B y) {
                    return x.v().length >= y.v().length && Arrays.equals(x.v(), 0, y.v().length, y.v(), 0, y.v().length);
                }
                return false;
            case "contains":
                return switch (a) {
                    case Value.S x -> b instanceof Value.S y && x.v().contains(y.v());
                    case Value.B x -> b instanceof Value.B y && indexOf(x.v(), y.v()) >= 0;
                    case Value.SS x -> b instanceof Value.S y && x.v().contains(y.v());
                    case Value.NS x -> b instanceof Value.N y && x.v().contains(y.v());
                    case Value.BS x -> b instanceof Value.B y && x.v().contains(y);
                    case Value.L x -> x.v().contains(b);
                    default -> false;
                };
            default:
                throw new IllegalStateException(f.name);
        }
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
            case ValueOp v -> v.value();
            case PathOp p -> get(item, p.path());
            case SizeOp s -> {
                Value v = get(item, s.path());
                yield switch (v) {
                    case null -> null;
                    case Value.S x -> num(Value.utf8Length(x.v()));
                    case Value.B x -> num(x.v().length);
                    case Value.SS x -> num(x.v().size());
                    case Value.NS x -> num(x.v().size());
                    case Value.BS x -> num(x.v().size());
                    case Value.L x -> num(x.v().size());
                    case Value.M x -> num(x.v().size());
                    default -> null;
                };
            }
            default -> throw new IllegalStateException("not a condition operand: " + o);
        };
    }

    private static Value.N num(long n) {
        return new Value.N(BigDecimal.valueOf(n));
    }

    // ------------------------------------------------------------------ projection

    private static final class PNode {
        Value leaf;
        Map<String, PNode> map;
        TreeMap<Integer, PNode> list;

        Value build() {
            if (leaf != null) return leaf;
            if (map != null) {
                Map<String, Value> m = new LinkedHashMap<>();
                map.forEach((k, v) -> m.put(k, v.build()));
                return new Value.M(m);
            }
            List<Value> l = new ArrayList<>();
            list.values().forEach(v -> l.add(v.build()));
            return new Value.L(l);
        }
    }

    /** Returns the item reduced to the given (non-overlapping) paths, as DynamoDB's ProjectionExpression does. */
    static Map<String, Value> project(Map<String, Value> item, List<Path> paths) {
        if (item == null) return null;
        if (paths == null) return item;
        Map<String, PNode> root = new LinkedHashMap<>();
        for (Path p : paths) {
            Value v = get(item, p);
            if (v == null) continue;
            PNode node = root.computeIfAbsent(p.top(), k -> new PNode());
            for (int i = 1; i < p.elems().size(); i++) {
                Object e = p.elems().get(i);
                if (e instanceof String s) {
                    if (node.map == null) node.map = new LinkedHashMap<>();
                    node = node.map.computeIfAbsent(s, k -> new PNode());
                } else {
                    if (node.list == null) node.list = new TreeMap<>();
                    node = node.list.computeIfAbsent((Integer) e, k -> new PNode());
                }
            }
            node.leaf = v;
        }
        Map<String, Value> out = new LinkedHashMap<>();
        // keep the item's attribute order
        for (String k : item.keySet()) {
            PNode n = root.get(k);
            if (n != null) out.put(k, n.build());
        }
        return out;
    }

    // ------------------------------------------------------------------ update application

    /** Applies an update to {@code old} (the existing item, or just the key when absent); returns the new item. */
    static Map<String, Value> apply(Update u, Map<String, Value> old) {
        // All right-hand sides are evaluated against the item as it was before the update.
        List<Value> setValues = new ArrayList<>();
        for (SetAction s : u.sets) setValues.add(evalSet(s.value, old));
        Map<String, Value> item = new LinkedHashMap<>(old);
        for (int k = 0; k < u.sets.size(); k++) item = setPath(item, u.sets.get(k).path, setValues.get(k));
        List<Path> removes = new ArrayList<>(u.removes);
        removes.sort((a, b) -> -comparePaths(a, b)); // higher list indexes first
        for (Path p : removes) item = removePath(item, p);
        for (AddAction a : u.adds) {
            if (!a.path.isTopLevel()) throw updateErr("Invalid UpdateExpression: the ADD action supports only top-level attributes; path: " + a.path);
            Value cur = item.get(a.path.top());
            Value res;
            if (cur == null) res = a.value;
            else if (cur instanceof Value.N x && a.value instanceof Value.N y) res = new Value.N(Numbers.normalise(x.v().add(y.v())));
            else if (cur instanceof Value.SS x && a.value instanceof Value.SS y) { Set<String> s = new LinkedHashSet<>(x.v()); s.addAll(y.v()); res = new Value.SS(s); }
            else if (cur instanceof Value.NS x && a.value instanceof Value.NS y) { Set<BigDecimal> s = new LinkedHashSet<>(x.v()); s.addAll(y.v()); res = new Value.NS(s); }
            else if (cur instanceof Value.BS x && a.value instanceof Value.BS y) { Set<Value.B> s = new LinkedHashSet<>(x.v()); s.addAll(y.v()); res = new Value.BS(s); }
            else throw updateErr("An operand in the update expression has an incorrect data type");
            item.put(a.path.top(), res);
        }
        for (AddAction d : u.deletes) {
            if (!d.path.isTopLevel()) throw updateErr("Invalid UpdateExpression: the DELETE action supports only top-level attributes; path: " + d.path);
            Value cur = item.get(d.path.top());
            if (cur == null) continue;
            Value res;
            if (cur instanceof Value.SS x && d.value instanceof Value.SS y) { Set<String> s = new LinkedHashSet<>(x.v()); s.removeAll(y.v()); res = s.isEmpty() ? null : new Value.SS(s); }
            else if (cur instanceof Value.NS x && d.value instanceof Value.NS y) { Set<BigDecimal> s = new LinkedHashSet<>(x.v()); s.removeAll(y.v()); res = s.isEmpty() ? null : new Value.NS(s); }
            else if (cur instanceof Value.BS x && d.value instanceof Value.BS y) { Set<Value.B> s = new LinkedHashSet<>(x.v()); s.removeAll(y.v()); res = s.isEmpty() ? null : new Value.BS(s); }
            else throw updateErr("An operand in the update expression has an incorrect data type");
            if (res == null) item.remove(d.path.top()); else item.put(d.path.top(), res);
        }
        return item;
    }

    private static int comparePaths(Path a, Path b) {
        int n = Math.min(a.elems().size(), b.elems().size());
        for (int i = 0; i < n; i++) {
            Object x = a.elems().get(i), y = b.elems().get(i);
            int r;
            if (x instanceof Integer xi && y instanceof Integer yi) r = Integer.compare(xi, yi);
            else r = String.valueOf(x).compareTo(String.valueOf(y));
            if (r != 0) return r;
        }
        return Integer.compare(a.elems().size(), b.elems().size());
    }

    static DynamoError updateErr(String message) {
        return DynamoError.validation(message);
    }

    private static Value evalSet(Operand o, Map<String, Value> item) {
        return switch (o) {
            case ValueOp v -> v.value();
            case PathOp p -> {
                Value v = get(item, p.path());
                if (v == null) throw updateErr("The provided expression refers to an attribute that does not exist in the item");
                yield v;
            }
            case IfNotExists f -> {
                Value v = get(item, f.path());
                yield v != null ? v : evalSet(f.fallback(), item);
            }
            case ListAppend la -> {
                Value a = evalSet(la.a(), item), b = evalSet(la.b(), item);
                if (!(a instanceof Value.L x) || !(b instanceof Value.L y)) {
                    throw updateErr("An operand in the update expression has an incorrect data type");
                }
                List<Value> l = new ArrayList<>(x.v());
                l.addAll(y.v());
                yield new Value.L(l);
            }
            case Arith ar -> {
                Value a = evalSet(ar.a(), item), b = evalSet(ar.b(), item);
                if (!(a instanceof Value.N x) || !(b instanceof Value.N y)) {
                    throw updateErr("An operand in the update expression has an incorrect data type");
                }
                yield new Value.N(Numbers.normalise(ar.plus() ? x.v().add(y.v()) : x.v().subtract(y.v())));
            }
            case SizeOp s -> throw updateErr("Invalid UpdateExpression: Invalid function name; function: size");
        };
    }

    private static Map<String, Value> setPath(Map<String, Value> item, Path p, Value v) {
        if (p.isTopLevel()) {
            item.put(p.top(), v);
            return item;
        }
        Value cur = item.get(p.top());
        if (cur == null) throw docPathErr();
        item.put(p.top(), setIn(cur, p.elems(), 1, v));
        return item;
    }

    private static DynamoError docPathErr() {
        return DynamoError.validation("The document path provided in the update expression is invalid for update");
    }

    private static Value setIn(Value container, List<Object> elems, int i, Value v) {
        Object e = elems.get(i);
        boolean last = i == elems.size() - 1;
        if (e instanceof String s) {
            if (!(container instanceof Value.M m)) throw docPathErr();
            Map<String, Value> copy = new LinkedHashMap<>(m.v());
            if (last) copy.put(s, v);
            else {
                Value child = copy.get(s);
                if (child == null) throw docPathErr();
                copy.put(s, setIn(child, elems, i + 1, v));
            }
            return new Value.M(copy);
        }
        int idx = (Integer) e;
        if (!(container instanceof Value.L l)) throw docPathErr();
        List<Value> copy = new ArrayList<>(l.v());
        if (last) {
            if (idx >= copy.size()) copy.add(v);
            else copy.set(idx, v);
        } else {
            if (idx >= copy.size()) throw docPathErr();
            copy.set(idx, setIn(copy.get(idx), elems, i + 1, v));
        }
        return new Value.L(copy);
    }

    private static Map<String, Value> removePath(Map<String, Value> item, Path p) {
        if (p.isTopLevel()) {
            item.remove(p.top());
            return item;
        }
        Value cur = item.get(p.top());
        if (cur == null) throw docPathErr();
        Value res = removeIn(cur, p.elems(), 1);
        item.put(p.top(), res);
        return item;
    }

    private static Value removeIn(Value container, List<Object> elems, int i) {
        Object e = elems.get(i);
        boolean last = i == elems.size() - 1;
        if (e instanceof String s) {
            if (!(container instanceof Value.M m)) throw docPathErr();
            if (!m.v().containsKey(s)) {
                if (last) return container;
                throw docPathErr();
            }
            Map<String, Value> copy = new LinkedHashMap<>(m.v());
            if (last) copy.remove(s);
            else copy.put(s, removeIn(copy.get(s), elems, i + 1));
            return new Value.M(copy);
        }
        int idx = (Integer) e;
        if (!(container instanceof Value.L l)) throw docPathErr();
        if (idx >= l.v().size()) {
            if (last) return container;
            throw docPathErr();
        }
        List<Value> copy = new ArrayList<>(l.v());
        if (last) copy.remove(idx);
        else copy.set(idx, removeIn(copy.get(idx), elems, i + 1));
        return new Value.L(copy);
    }
}
