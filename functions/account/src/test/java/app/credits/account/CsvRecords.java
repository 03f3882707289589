package app.credits.account;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads RFC 4180 CSV one record at a time, the way a spreadsheet would: quoted cells, doubled quotes, CRLF. */
final class CsvRecords {
    private final Reader in;
    private int next;

    CsvRecords(Reader in) {
        this.in = in;
        this.next = read();
    }

    /** The next record's cells, or empty at the end. */
    Optional<List<String>> next() {
        if (next < 0) {
            return Optional.empty();
        }
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        while (true) {
            int c = next;
            next = read();
            if (quoted) {
                if (c < 0) {
                    throw new AssertionError("the CSV ends inside a quoted cell");
                }
                if (c == '"' && next == '"') {
                    cell.append('"');
                    next = read();
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append((char) c);
                }
            } else if (c == '"' && cell.isEmpty()) {
                quoted = true;
            } else if (c == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
            } else if (c == '\r' && next == '\n') {
                next = read();
                cells.add(cell.toString());
                return Optional.of(cells);
            } else if (c < 0) {
                throw new AssertionError("the CSV's last record has no CRLF");
            } else {
                cell.append((char) c);
            }
        }
    }

    private int read() {
        try {
            return in.read();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
