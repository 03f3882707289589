package app.credits.account;

import app.credits.ledger.LogEntry;
import app.credits.ledger.Times;

import java.util.List;

/** The log as CSV (RFC 4180), safe to open in a spreadsheet. */
final class Csv {
    static final String HEADER = "id,type,credits,balanceAfter,createdAt,description,reference";
    /** What starts a formula: = + - @ and their full-width forms ＝ ＋ － ＠. */
    private static final String FORMULA_SIGNS = "=+-@\uFF1D\uFF0B\uFF0D\uFF20";

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
     * Free text a user or staff member wrote (an adjustment's reason): a spreadsheet runs a cell starting with
     * = + - @ as a formula, also in their full-width forms (＝ ＋ － ＠) and also after leading blanks or a line
     * break, which it skips. Such cells get a leading apostrophe (OWASP's advice), as does any cell whose first
     * character is not visible (a blank, a control or a format character), whatever follows it.
     */
    static String text(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        return startsLikeAFormula(value) ? "'" + value : value;
    }

    private static boolean startsLikeAFormula(String value) {
        int first = value.codePointAt(0);
        return FORMULA_SIGNS.indexOf(first) >= 0 || Character.isWhitespace(first) || Character.isSpaceChar(first)
                || Character.isISOControl(first) || Character.getType(first) == Character.FORMAT;
    }

    /** Quotes a cell holding a comma, quote, line break or edge spaces; doubles its quotes. */
    static String cell(String value) {
        boolean quote = value.indexOf(',') >= 0 || value.indexOf('"') >= 0 || value.indexOf('\n') >= 0
                || value.indexOf('\r') >= 0 || (!value.isEmpty()
                && (value.charAt(0) == ' ' || value.charAt(value.length() - 1) == ' '));
        return quote ? '"' + value.replace("\"", "\"\"") + '"' : value;
    }
}
