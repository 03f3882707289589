package app.credits.account;

import app.credits.ledger.LogEntry;
import app.credits.ledger.Times;

/** The log as CSV (RFC 4180), safe to open in a spreadsheet. */
final class Csv {
    static final String HEADER = "id,type,credits,balanceAfter,createdAt,description,reference\r\n";
    /** What starts a formula: = + - @ and their full-width forms ＝ ＋ － ＠. */
    private static final String FORMULA_SIGNS = "=+-@\uFF1D\uFF0B\uFF0D\uFF20";

    private Csv() {
    }

    /** One entry as a CSV line, CRLF-terminated: the same line whether the CSV is answered inline or stored. */
    static String row(LogEntry e) {
        return cell(e.id()) + ','
                + cell(e.type().wireName()) + ','
                + cell(e.credits().toString()) + ','
                + cell(e.balanceAfter().toString()) + ','
                + cell(Times.format(e.createdAt())) + ','
                + cell(text(e.description())) + ','
                + cell(text(e.reference())) + "\r\n";
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
