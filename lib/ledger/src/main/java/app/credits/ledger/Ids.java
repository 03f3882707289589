package app.credits.ledger;

import java.util.regex.Pattern;

/**
 * Caller-chosen identifiers (org, submission, invite, idempotency keys, Stripe ids).
 * The character set has no '#', so no id can forge another item's key in the single table.
 */
public final class Ids {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

    private Ids() {
    }

    public static boolean isValid(String value) {
        return value != null && ID.matcher(value).matches();
    }

    public static String require(String field, String value) {
        if (!isValid(value)) {
            throw new InvalidInput(field + " must be 1-128 characters of A-Z a-z 0-9 _ . : -");
        }
        return value;
    }
}
