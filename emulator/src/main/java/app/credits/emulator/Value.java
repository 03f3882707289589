package app.credits.emulator;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** An immutable DynamoDB attribute value. Equality is DynamoDB equality (numbers by value, sets unordered). */
sealed interface Value {

    /** The DynamoDB type descriptor: S, N, B, BOOL, NULL, M, L, SS, NS, BS. */
    String type();

    record S(String v) implements Value {
        public String type() { return "S"; }
    }

    /** A number, always held in normalised form (see {@link Numbers#normalise}). */
    record N(BigDecimal v) implements Value {
        public String type() { return "N"; }
    }

    record B(byte[] v) implements Value {
        public String type() { return "B"; }
        @Override public boolean equals(Object o) { return o instanceof B b && Arrays.equals(v, b.v); }
        @Override public int hashCode() { return Arrays.hashCode(v); }
        @Override public String toString() { return "B(" + Base64.getEncoder().encodeToString(v) + ")"; }
    }

    record Bool(boolean v) implements Value {
        public String type() { return "BOOL"; }
    }

    record Null() implements Value {
        public String type() { return "NULL"; }
    }

    record M(Map<String, Value> v) implements Value {
        public M { v = Collections.unmodifiableMap(new LinkedHashMap<>(v)); }
        public String type() { return "M"; }
    }

    record L(List<Value> v) implements Value {
        public L { v = List.copyOf(v); }
        public String type() { return "L"; }
    }

    record SS(Set<String> v) implements Value {
        public SS { v = Collections.unmodifiableSet(new LinkedHashSet<>(v)); }
        public String type() { return "SS"; }
    }

    record NS(Set<BigDecimal> v) implements Value {
        public NS { v = Collections.unmodifiableSet(new LinkedHashSet<>(v)); }
        public String type() { return "NS"; }
    }

    record BS(Set<B> v) implements Value {
        public BS { v = Collections.unmodifiableSet(new LinkedHashSet<>(v)); }
        public String type() { return "BS"; }
    }

    Null NULL = new Null();

    static boolean isScalarKeyType(Value v) {
        return v instanceof S || v instanceof N || v instanceof B;
    }

    /** Compares two values of the same orderable type (S, N, B); S by UTF-8 bytes (= code points), B unsigned. */
    static int compare(Value a, Value b) {
        if (a instanceof S x && b instanceof S y) return compareUtf8(x.v, y.v);
        if (a instanceof N x && b instanceof N y) return x.v.compareTo(y.v);
        if (a instanceof B x && b instanceof B y) return Arrays.compareUnsigned(x.v, y.v);
        throw new IllegalArgumentException("not comparable: " + a.type() + " vs " + b.type());
    }

    static boolean sameOrderableType(Value a, Value b) {
        return (a instanceof S && b instanceof S) || (a instanceof N && b instanceof N) || (a instanceof B && b instanceof B);
    }

    /** UTF-8 byte order equals Unicode code point order. */
    static int compareUtf8(String a, String b) {
        int i = 0, j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i), cb = b.codePointAt(j);
            if (ca != cb) return Integer.compare(ca, cb);
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) n += 1;
            else if (c < 0x800) n += 2;
            else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) { n += 4; i++; }
            else n += 3;
        }
        return n;
    }

    /** DynamoDB's size of a value in bytes (used for item size and capacity units). */
    static long size(Value v) {
        return switch (v) {
            case S s -> utf8Length(s.v);
            case N n -> Numbers.size(n.v);
            case B b -> b.v.length;
            case Bool ignored -> 1;
            case Null ignored -> 1;
            case M m -> {
                long t = 3;
                for (var e : m.v.entrySet()) t += utf8Length(e.getKey()) + size(e.getValue()) + 1;
                yield t;
            }
            case L l -> {
                long t = 3;
                for (Value e : l.v) t += size(e) + 1;
                yield t;
            }
            case SS ss -> { long t = 0; for (String s : ss.v) t += utf8Length(s); yield t; }
            case NS ns -> { long t = 0; for (BigDecimal d : ns.v) t += Numbers.size(d); yield t; }
            case BS bs -> { long t = 0; for (B b : bs.v) t += b.v.length; yield t; }
        };
    }

    static long itemSize(Map<String, Value> item) {
        long t = 0;
        for (var e : item.entrySet()) t += utf8Length(e.getKey()) + size(e.getValue());
        return t;
    }

    /** A stable (JVM-independent) hash of a key value, used for Scan segments. */
    static int stableHash(Value v) {
        return switch (v) {
            case S s -> s.v.hashCode();
            case N n -> n.v.toPlainString().hashCode();
            case B b -> Arrays.hashCode(b.v);
            default -> v.toString().hashCode();
        };
    }

    static String describe(Value v) {
        return switch (v) {
            case S s -> s.v;
            case N n -> n.v.toPlainString();
            case B b -> new String(Base64.getEncoder().encode(b.v), StandardCharsets.US_ASCII);
            default -> v.toString();
        };
    }
}
