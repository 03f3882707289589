package app.credits.emulator;

import java.util.ArrayList;
import java.util.List;

/** Splits an expression into tokens. */
final class ExpressionTokens {
    private ExpressionTokens() {}

    enum Type { IDENTIFIER, NAME_PLACEHOLDER, VALUE_PLACEHOLDER, NUMBER, LPAREN, RPAREN, LBRACKET, RBRACKET, COMMA, DOT,
        EQ, NE, LT, LE, GT, GE, PLUS, MINUS, EOF }

    record Token(Type type, String text, int position) {}

    static List<Token> tokenize(String src, String expressionKind) {
        List<Token> out = new ArrayList<>();
        int i = 0, n = src.length();
        while (i < n) {
            char c = src.charAt(i);
            if (Character.isWhitespace(c)) { i++; continue; }
            int start = i;
            if (Character.isLetter(c) || c == '_') {
                while (i < n && (Character.isLetterOrDigit(src.charAt(i)) || src.charAt(i) == '_')) i++;
                out.add(new Token(Type.IDENTIFIER, src.substring(start, i), start));
            } else if (c == '#' || c == ':') {
                i++;
                while (i < n && (Character.isLetterOrDigit(src.charAt(i)) || src.charAt(i) == '_')) i++;
                if (i == start + 1) throw syntaxError(expressionKind, String.valueOf(c), src, start);
                out.add(new Token(c == '#' ? Type.NAME_PLACEHOLDER : Type.VALUE_PLACEHOLDER, src.substring(start, i), start));
            } else if (Character.isDigit(c)) {
                while (i < n && Character.isDigit(src.charAt(i))) i++;
                out.add(new Token(Type.NUMBER, src.substring(start, i), start));
            } else {
                Token t = symbol(src, i, expressionKind);
                i += t.text().length();
                out.add(t);
            }
        }
        out.add(new Token(Type.EOF, "<EOF>", n));
        return out;
    }

    private static Token symbol(String src, int i, String expressionKind) {
        char c = src.charAt(i);
        char next = i + 1 < src.length() ? src.charAt(i + 1) : 0;
        return switch (c) {
            case '(' -> new Token(Type.LPAREN, "(", i);
            case ')' -> new Token(Type.RPAREN, ")", i);
            case '[' -> new Token(Type.LBRACKET, "[", i);
            case ']' -> new Token(Type.RBRACKET, "]", i);
            case ',' -> new Token(Type.COMMA, ",", i);
            case '.' -> new Token(Type.DOT, ".", i);
            case '+' -> new Token(Type.PLUS, "+", i);
            case '-' -> new Token(Type.MINUS, "-", i);
            case '=' -> new Token(Type.EQ, "=", i);
            case '<' -> next == '=' ? new Token(Type.LE, "<=", i) : next == '>' ? new Token(Type.NE, "<>", i) : new Token(Type.LT, "<", i);
            case '>' -> next == '=' ? new Token(Type.GE, ">=", i) : new Token(Type.GT, ">", i);
            default -> throw syntaxError(expressionKind, String.valueOf(c), src, i);
        };
    }

    static DynamoError syntaxError(String expressionKind, String token, String src, int position) {
        int from = Math.max(0, position - 10), to = Math.min(src.length(), position + token.length() + 10);
        return DynamoError.validation("Invalid " + expressionKind + ": Syntax error; token: \"" + token + "\", near: \""
                + src.substring(from, to) + "\"");
    }
}
