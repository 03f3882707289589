package app.credits.ledger;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.regex.Pattern;

/**
 * An exact amount of credits, held as integer hundredths so that 0.25 + 0.25 + 0.5 is exactly 1.
 * Never built from a double: the only ways in are hundredths, whole credits and strict decimal text.
 */
public record Credits(long hundredths) implements Comparable<Credits> {

    public static final Credits ZERO = new Credits(0);
    public static final Credits ONE = whole(1);
    /** The contract's bound on any single amount a caller may send. */
    public static final Credits LIMIT = whole(1_000_000);

    private static final Pattern DECIMAL = Pattern.compile("-?(0|[1-9][0-9]{0,6})(\\.[0-9]{1,2})?");

    public static Credits ofHundredths(long hundredths) {
        return new Credits(hundredths);
    }

    public static Credits whole(long credits) {
        return new Credits(Math.multiplyExact(credits, 100));
    }

    /**
     * Parses what a caller wrote: plain decimal, at most two decimal places, no exponent, within ±1,000,000.
     * The same text rule applies whether the JSON held a string or a number.
     */
    public static Credits parse(String text) {
        if (text == null || !DECIMAL.matcher(text).matches()) {
            throw new InvalidInput("credits must be a decimal with at most two decimal places, e.g. \"2.5\"");
        }
        Credits credits = of(new BigDecimal(text));
        if (credits.abs().compareTo(LIMIT) > 0) {
            throw new InvalidInput("credits must be between -1000000 and 1000000");
        }
        return credits;
    }

    /** From a stored DynamoDB number; refuses anything finer than hundredths instead of rounding it away. */
    public static Credits of(BigDecimal value) {
        try {
            return new Credits(value.setScale(2, RoundingMode.UNNECESSARY).unscaledValue().longValueExact());
        } catch (ArithmeticException e) {
            throw new InvalidInput("credits must have at most two decimal places");
        }
    }

    public BigDecimal toBigDecimal() {
        return BigDecimal.valueOf(hundredths, 2);
    }

    public Credits plus(Credits other) {
        return new Credits(Math.addExact(hundredths, other.hundredths));
    }

    public Credits minus(Credits other) {
        return new Credits(Math.subtractExact(hundredths, other.hundredths));
    }

    public Credits negate() {
        return new Credits(Math.negateExact(hundredths));
    }

    public Credits abs() {
        return hundredths < 0 ? negate() : this;
    }

    public boolean isNegative() {
        return hundredths < 0;
    }

    public boolean isPositive() {
        return hundredths > 0;
    }

    public boolean isZero() {
        return hundredths == 0;
    }

    public boolean isLessThan(Credits other) {
        return hundredths < other.hundredths;
    }

    public static Credits min(Credits a, Credits b) {
        return a.hundredths <= b.hundredths ? a : b;
    }

    @Override
    public int compareTo(Credits other) {
        return Long.compare(hundredths, other.hundredths);
    }

    /** Rendered as the contract wants: "12.75", "3", "0.5", "-2.25". */
    @Override
    public String toString() {
        return hundredths == 0 ? "0" : toBigDecimal().stripTrailingZeros().toPlainString();
    }
}
