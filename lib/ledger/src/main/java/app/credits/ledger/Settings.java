package app.credits.ledger;

import java.util.List;
import java.util.regex.Pattern;

/** An org's low-credit email preferences. Empty {@code notificationEmails} means "the buyers' emails". */
public record Settings(boolean lowCreditEmails, Credits lowCreditThreshold, List<String> notificationEmails) {
    public static final Settings DEFAULT = new Settings(true, Credits.whole(3), List.of());
    public static final int MAX_RECIPIENTS = 10;
    /**
     * Printable ASCII only (RFC 5322's dot-atom): an address goes into an email's To header and into logs, where a
     * NUL, a U+0085 or a U+2028 could split or bend a line.
     */
    private static final Pattern EMAIL = Pattern.compile(
            "[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@[A-Za-z0-9.-]{1,253}\\.[A-Za-z]{2,63}");

    public Settings {
        notificationEmails = List.copyOf(notificationEmails);
        if (lowCreditThreshold.isNegative() || Credits.LIMIT.isLessThan(lowCreditThreshold)) {
            throw new InvalidInput("lowCreditThreshold must be between 0 and 1000000");
        }
        if (notificationEmails.size() > MAX_RECIPIENTS) {
            throw new InvalidInput("notificationEmails holds at most " + MAX_RECIPIENTS + " addresses");
        }
        for (String email : notificationEmails) {
            requireEmail("notificationEmails", email);
        }
    }

    public static String requireEmail(String field, String email) {
        if (email == null || email.length() > 254 || !EMAIL.matcher(email).matches()) {
            throw new InvalidInput(field + " must hold valid email addresses");
        }
        return email;
    }
}
