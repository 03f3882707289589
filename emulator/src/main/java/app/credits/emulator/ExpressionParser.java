package app.credits.emulator;

import app.credits.emulator.ExpressionTokens.Token;
import app.credits.emulator.ExpressionTokens.Type;
import app.credits.emulator.Expressions.And;
import app.credits.emulator.Expressions.Arithmetic;
import app.credits.emulator.Expressions.Between;
import app.credits.emulator.Expressions.Comparison;
import app.credits.emulator.Expressions.Condition;
import app.credits.emulator.Expressions.FunctionCall;
import app.credits.emulator.Expressions.IfNotExists;
import app.credits.emulator.Expressions.In;
import app.credits.emulator.Expressions.ListAppend;
import app.credits.emulator.Expressions.Not;
import app.credits.emulator.Expressions.Operand;
import app.credits.emulator.Expressions.Operator;
import app.credits.emulator.Expressions.Or;
import app.credits.emulator.Expressions.PathOperand;
import app.credits.emulator.Expressions.SetAction;
import app.credits.emulator.Expressions.Size;
import app.credits.emulator.Expressions.UpdateActions;
import app.credits.emulator.Expressions.ValueAction;
import app.credits.emulator.Expressions.ValueOperand;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A recursive-descent parser for one expression. Conditions: {@code or := and (OR and)*; and := not (AND not)*;
 * not := NOT not | primary}. It resolves {@code #name} and {@code :value} placeholders as it goes.
 */
final class ExpressionParser {
    /** DynamoDB's reserved words: they must be written as {@code #name} placeholders. */
    static final Set<String> RESERVED_WORDS = loadReservedWords();

    private static final Set<String> CONDITION_FUNCTIONS = Set.of("attribute_exists", "attribute_not_exists", "attribute_type", "begins_with", "contains");
    private static final Set<String> TYPE_NAMES = Set.of("S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS");

    private final String src, expressionKind;
    private final ExpressionAttributes attributes;
    private final List<Token> tokens;
    private int next;

    ExpressionParser(String src, String expressionKind, ExpressionAttributes attributes) {
        if (src.isBlank()) throw DynamoError.validation("Invalid " + expressionKind + ": The expression can not be empty;");
        this.src = src;
        this.expressionKind = expressionKind;
        this.attributes = attributes;
        this.tokens = ExpressionTokens.tokenize(src, expressionKind);
    }

    private static Set<String> loadReservedWords() {
        try (InputStream in = ExpressionParser.class.getResourceAsStream("reserved-words.txt")) {
            if (in == null) throw new IllegalStateException("reserved-words.txt missing");
            String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return Set.copyOf(Arrays.asList(all.trim().split("\\s+")));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    Condition wholeCondition() {
        Condition c = or();
        expect(Type.EOF);
        return c;
    }

    UpdateActions wholeUpdate() {
        UpdateActions u = update();
        expect(Type.EOF);
        return u;
    }

    List<AttributePath> wholeProjection() {
        List<AttributePath> paths = new ArrayList<>();
        do paths.add(path()); while (accept(Type.COMMA));
        expect(Type.EOF);
        AttributePath.checkNoOverlap(paths, "ProjectionExpression");
        return paths;
    }

    // ------------------------------------------------------------------ tokens

    private Token peek() { return tokens.get(next); }
    private Token peek(int ahead) { return tokens.get(Math.min(next + ahead, tokens.size() - 1)); }
    private Token take() { return tokens.get(next++); }
    private boolean accept(Type t) { if (peek().type() == t) { next++; return true; } return false; }
    private static boolean isKeyword(Token t, String keyword) { return t.type() == Type.IDENTIFIER && t.text().equalsIgnoreCase(keyword); }
    private boolean acceptKeyword(String keyword) { if (isKeyword(peek(), keyword)) { next++; return true; } return false; }
    private DynamoError syntax(Token t) { return ExpressionTokens.syntaxError(expressionKind, t.text(), src, t.position()); }
    private Token expect(Type t) { Token x = take(); if (x.type() != t) throw syntax(x); return x; }
    private void expectKeyword(String keyword) { Token x = take(); if (!isKeyword(x, keyword)) throw syntax(x); }
    private DynamoError invalid(String detail) { return DynamoError.validation("Invalid " + expressionKind + ": " + detail); }

    // ------------------------------------------------------------------ paths and values

    private String name(Token t) {
        if (t.type() == Type.IDENTIFIER) {
            if (RESERVED_WORDS.contains(t.text().toUpperCase(Locale.ROOT))) {
                throw invalid("Attribute name is a reserved keyword; reserved keyword: " + t.text());
            }
            return t.text();
        }
        if (t.type() == Type.NAME_PLACEHOLDER) {
            String n = attributes.useName(t.text());
            if (n == null) throw invalid("An expression attribute name used in the document path is not defined; attribute name: " + t.text());
            return n;
        }
        throw syntax(t);
    }

    private AttributePath path() {
        List<AttributePath.Step> steps = new ArrayList<>();
        steps.add(new AttributePath.Name(name(take())));
        while (true) {
            if (accept(Type.DOT)) steps.add(new AttributePath.Name(name(take())));
            else if (peek().type() == Type.LBRACKET) {
                take();
                Token n = expect(Type.NUMBER);
                int index;
                try {
                    index = Integer.parseInt(n.text());
                } catch (NumberFormatException e) {
                    throw invalid("List index is out of range; index: " + n.text());
                }
                steps.add(new AttributePath.Index(index));
                expect(Type.RBRACKET);
            } else break;
        }
        return new AttributePath(steps);
    }

    private ValueOperand value(Token t) {
        Value v = attributes.useValue(t.text());
        if (v == null) throw invalid("An expression attribute value used in expression is not defined; attribute value: " + t.text());
        return new ValueOperand(t.text(), v);
    }

    // ------------------------------------------------------------------ conditions

    private Condition or() {
        Condition c = and();
        while (acceptKeyword("OR")) c = new Or(c, and());
        return c;
    }

    private Condition and() {
        Condition c = not();
        while (acceptKeyword("AND")) c = new And(c, not());
        return c;
    }

    private Condition not() {
        if (acceptKeyword("NOT")) return new Not(not());
        return primary();
    }

    private Condition primary() {
        Token t = peek();
        if (t.type() == Type.LPAREN) {
            take();
            Condition c = or();
            expect(Type.RPAREN);
            return c;
        }
        if (t.type() == Type.IDENTIFIER && peek(1).type() == Type.LPAREN && !t.text().equals("size")) {
            if (!CONDITION_FUNCTIONS.contains(t.text())) throw invalid("Invalid function name; function: " + t.text());
            take();
            take();
            List<Operand> args = new ArrayList<>();
            if (peek().type() != Type.RPAREN) {
                do args.add(operand()); while (accept(Type.COMMA));
            }
            expect(Type.RPAREN);
            return function(t.text(), args);
        }
        Operand a = operand();
        if (acceptKeyword("BETWEEN")) {
            Operand low = operand();
            expectKeyword("AND");
            Operand high = operand();
            checkOrderable("BETWEEN", a, low, high);
            if (low instanceof ValueOperand l && high instanceof ValueOperand h && Value.sameOrderableType(l.value(), h.value())
                    && Value.compare(l.value(), h.value()) > 0) {
                throw invalid("The BETWEEN operator requires upper bound to be greater than or equal to lower bound; "
                        + "lower bound operand: AttributeValue: {" + l.value().type() + ":" + Value.describe(l.value())
                        + "}, upper bound operand: AttributeValue: {" + h.value().type() + ":" + Value.describe(h.value()) + "}");
            }
            return new Between(a, low, high);
        }
        if (acceptKeyword("IN")) {
            expect(Type.LPAREN);
            List<Operand> candidates = new ArrayList<>();
            do candidates.add(operand()); while (accept(Type.COMMA));
            expect(Type.RPAREN);
            if (candidates.size() > 100) throw invalid("The IN operator is provided with too many operands; number of operands: " + candidates.size());
            return new In(a, candidates);
        }
        Token op = take();
        Operator operator = switch (op.type()) {
            case EQ -> Operator.EQ;
            case NE -> Operator.NE;
            case LT -> Operator.LT;
            case LE -> Operator.LE;
            case GT -> Operator.GT;
            case GE -> Operator.GE;
            default -> throw syntax(op);
        };
        Operand b = operand();
        if (operator != Operator.EQ && operator != Operator.NE) checkOrderable(op.text(), a, b);
        return new Comparison(a, operator, b);
    }

    private void checkOrderable(String operator, Operand... operands) {
        for (Operand o : operands) {
            if (o instanceof ValueOperand v && !Value.isScalarKeyType(v.value())) {
                throw invalid("Incorrect operand type for operator or function; operator or function: " + operator
                        + ", operand type: " + v.value().type());
            }
        }
    }

    private Condition function(String f, List<Operand> args) {
        int want = switch (f) {
            case "attribute_exists", "attribute_not_exists" -> 1;
            default -> 2;
        };
        if (args.size() != want) {
            throw invalid("Incorrect number of operands for operator or function; operator or function: " + f
                    + ", number of operands: " + args.size());
        }
        if (!(args.getFirst() instanceof PathOperand)) {
            throw invalid("Operator or function requires a document path; operator or function: " + f);
        }
        if (f.equals("attribute_type")) {
            if (!(args.get(1) instanceof ValueOperand v) || !(v.value() instanceof Value.S s) || !TYPE_NAMES.contains(s.v())) {
                String got = args.get(1) instanceof ValueOperand v2 ? Value.describe(v2.value()) : "path";
                throw invalid("Invalid attribute type name found; type: " + got
                        + ", valid types: { B,NULL,SS,BOOL,L,BS,N,NS,S,M }");
            }
        }
        if (f.equals("begins_with") && args.get(1) instanceof ValueOperand v
                && !(v.value() instanceof Value.S || v.value() instanceof Value.B)) {
            throw invalid("Incorrect operand type for operator or function; operator or function: begins_with, operand type: "
                    + v.value().type());
        }
        return new FunctionCall(f, List.copyOf(args));
    }

    private Operand operand() {
        Token t = peek();
        if (t.type() == Type.VALUE_PLACEHOLDER) return value(take());
        if (t.type() == Type.IDENTIFIER && peek(1).type() == Type.LPAREN) {
            if (!t.text().equals("size")) throw invalid("Invalid function name; function: " + t.text());
            take();
            take();
            Operand p = operand();
            expect(Type.RPAREN);
            if (!(p instanceof PathOperand po)) throw invalid("Operator or function requires a document path; operator or function: size");
            return new Size(po.path());
        }
        if (t.type() == Type.IDENTIFIER || t.type() == Type.NAME_PLACEHOLDER) return new PathOperand(path());
        throw syntax(take());
    }

    // ------------------------------------------------------------------ update expressions

    private UpdateActions update() {
        List<SetAction> sets = new ArrayList<>();
        List<AttributePath> removes = new ArrayList<>();
        List<ValueAction> adds = new ArrayList<>();
        List<ValueAction> deletes = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        if (peek().type() == Type.EOF) throw syntax(peek());
        while (peek().type() != Type.EOF) {
            Token keyword = take();
            String clause = keyword.type() == Type.IDENTIFIER ? keyword.text().toUpperCase(Locale.ROOT) : "";
            if (!Set.of("SET", "REMOVE", "ADD", "DELETE").contains(clause)) throw syntax(keyword);
            if (!seen.add(clause)) {
                throw invalid("The \"" + clause + "\" section can only be used once in an update expression;");
            }
            do {
                switch (clause) {
                    case "SET" -> {
                        AttributePath p = path();
                        expect(Type.EQ);
                        sets.add(new SetAction(p, setValue()));
                    }
                    case "REMOVE" -> removes.add(path());
                    default -> {
                        AttributePath p = path();
                        Token v = take();
                        if (v.type() != Type.VALUE_PLACEHOLDER) throw syntax(v);
                        Value val = value(v).value();
                        if (clause.equals("ADD")) {
                            if (!(val instanceof Value.N || val instanceof Value.SS || val instanceof Value.NS || val instanceof Value.BS)) {
                                throw invalid("Incorrect operand type for operator or function; operator: ADD, operand type: " + val.type());
                            }
                            adds.add(new ValueAction(p, val));
                        } else {
                            if (!(val instanceof Value.SS || val instanceof Value.NS || val instanceof Value.BS)) {
                                throw invalid("Incorrect operand type for operator or function; operator: DELETE, operand type: " + val.type());
                            }
                            deletes.add(new ValueAction(p, val));
                        }
                    }
                }
            } while (accept(Type.COMMA));
        }
        UpdateActions u = new UpdateActions(sets, removes, adds, deletes);
        AttributePath.checkNoOverlap(u.targets(), expressionKind);
        return u;
    }

    /** A SET value: one operand, or two joined by a single + or - (DynamoDB allows one operator per action). */
    private Operand setValue() {
        Operand a = setOperand();
        if (peek().type() == Type.PLUS || peek().type() == Type.MINUS) {
            boolean plus = take().type() == Type.PLUS;
            return new Arithmetic(a, plus, setOperand());
        }
        return a;
    }

    private Operand setOperand() {
        Token t = peek();
        if (t.type() == Type.VALUE_PLACEHOLDER) return value(take());
        if (t.type() == Type.IDENTIFIER && peek(1).type() == Type.LPAREN) {
            take();
            take();
            Operand result;
            switch (t.text()) {
                case "if_not_exists" -> {
                    Operand p = setOperand();
                    if (!(p instanceof PathOperand po)) throw invalid("Operator or function requires a document path; operator or function: if_not_exists");
                    expect(Type.COMMA);
                    result = new IfNotExists(po.path(), setOperand());
                }
                case "list_append" -> {
                    Operand a = setOperand();
                    expect(Type.COMMA);
                    result = new ListAppend(a, setOperand());
                }
                default -> throw invalid("Invalid function name; function: " + t.text());
            }
            expect(Type.RPAREN);
            return result;
        }
        if (t.type() == Type.IDENTIFIER || t.type() == Type.NAME_PLACEHOLDER) return new PathOperand(path());
        throw syntax(take());
    }
}
