package app.credits.emulator;

import java.math.BigDecimal;
import java.util.regex.Pattern;

/** DynamoDB number rules: exact decimals, up to 38 significant digits, magnitude in [1E-130, 1E126). */
final class Numbers {
    private Numbers() {}

    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final BigDecimal MAX_EXCLUSIVE = new BigDecimal("1E126");
    private static final BigDecimal MIN_INCLUSIVE = new BigDecimal("1E-130");

    /**
     * Parses a number as sent on the wire; throws ValidationException like DynamoDB for invalid input, which
     * includes surrounding spaces ({@code " 1"}, {@code "1 "}): DynamoDB does not trim them.
     */
    static BigDecimal parse(String s) {
        if (!NUMBER.matcher(s).matches()) throw notANumber(s);
        BigDecimal d;
        try {
            d = new BigDecimal(s);
        } catch (NumberFormatException | ArithmeticException e) {
            throw notANumber(s);
        }
        return normalise(d);
    }

    private static DynamoError notANumber(String s) {
        return DynamoError.validation("The parameter cannot be converted to a numeric value" + (s.isEmpty() ? "" : ": " + s));
    }

    /** Strips trailing zeros, checks precision and range; the result is the canonical form. */
    static BigDecimal normalise(BigDecimal d) {
        if (d.signum() == 0) return BigDecimal.ZERO;
        BigDecimal n = d.stripTrailingZeros();
        if (n.precision() > 38) {
            throw DynamoError.validation("Attempting to store more than 38 significant digits in a Number");
        }
        BigDecimal abs = n.abs();
        if (abs.compareTo(MAX_EXCLUSIVE) >= 0) {
            throw DynamoError.validation("Number overflow. Attempting to store a number with magnitude larger than supported range");
        }
        if (abs.compareTo(MIN_INCLUSIVE) < 0) {
            throw DynamoError.validation("Number underflow. Attempting to store a number with magnitude smaller than supported range");
        }
        return n;
    }

    /** Wire form: plain notation, no trailing zeros, no exponent. */
    static String format(BigDecimal d) {
        return d.toPlainString();
    }

    /** Approximate DynamoDB storage size: 1 byte per two significant digits, plus one. */
    static long size(BigDecimal d) {
        int digits = d.signum() == 0 ? 1 : d.precision();
        return (digits + 1) / 2 + 1;
    }
}
