package app.credits.account;

import app.credits.ledger.LogEntry;
import app.credits.ledger.Times;

import java.util.List;

/** The log as CSV (RFC 4180), safe to open in a spreadsheet. */
final class Csv {
    static final String HEADER = "id,type,credits,balanceAfter,createdAt,description,reference";

    private Csv() {
    }

    static String log(List<LogEntry> entries) {
        StringBuilder out = new StringBuilder(64 * (entries.size() + 1));
        out.append(HEADER).append("\r\n");
        for (LogEntry e : entries) {
            out.append(cell(e.id())).append(',')
                    .append(cell(e.type().wireName())).append(',')
                    .append(cell(e.credits().toString())).append(',')
                    .append(cell(e.balanceAfter().toString())).append(',')
                    .append(cell(Times.format(e.createdAt()))).append(',')
                    .append(cell(text(e.description()))).append(',')
                    .append(cell(text(e.reference()))).append("\r\n");
        }
        return out.toString();
    }

    /**
     * Free text a user or staff member wrote (an adjustment's reason): a spreadsheet would run a cell starting
     * with = + - @ (or a tab/CR) as a formula, so such cells get a leading apostrophe (OWASP's advice).
     */
    static String text(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        char first = value.charAt(0);
        return first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r'
                ? "'" + value : value;
    }

    /** Quotes a cell holding a comma, quote, line break or edge spaces; doubles its quotes. */
    static String cell(String value) {
        boolean quote = value.indexOf(',') >= 0 || value.indexOf('"') >= 0 || value.indexOf('\n') >= 0
                || value.indexOf('\r') >= 0 || (!value.isEmpty()
                && (value.charAt(0) == ' ' || value.charAt(value.length() - 1) == ' '));
        return quote ? '"' + value.replace("\"", "\"\"") + '"' : value;
    }
}
