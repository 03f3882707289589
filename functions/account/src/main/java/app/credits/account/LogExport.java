package app.credits.account;

import app.credits.ledger.Ledger;
import app.credits.ledger.LogEntry;
import app.credits.ledger.OrgId;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The whole log as CSV, newest first, read from the ledger a page at a time in constant memory. A log whose CSV fits
 * in one Lambda response is answered inline; a longer one is written to the {@link ExportStore} in parts while it
 * is read, and answered with a link. Which one is decided on the CSV's actual size, not on an estimate from the
 * number of entries: an adjustment's reason can be 500 characters, so entries vary tenfold in size.
 */
final class LogExport {
    /**
     * Lambda answers at most 6 MB (6,291,456 bytes) of JSON, the CSV escaped inside it. Inline CSV stays at 4 MiB
     * once escaped: room for the headers, and for base64's 4/3 should the body ever be sent encoded.
     */
    static final int INLINE_LIMIT = 4 * 1024 * 1024;
    /** S3's minimum for every part but the last; a bigger part only holds more memory for no fewer round trips that matter. */
    static final int PART_SIZE = 5 * 1024 * 1024;

    /** How the CSV is answered. */
    sealed interface Export permits Inline, Stored {
        long entries();
    }

    /** Small enough for the response itself. */
    record Inline(String csv, long entries) implements Export {
    }

    /** Written to the store; {@code bytes} of CSV behind the link. */
    record Stored(ExportStore.Link link, long entries, long bytes) implements Export {
    }

    private final Ledger ledger;
    private final ExportStore store;
    private final int inlineLimit;

    LogExport(Ledger ledger, ExportStore store) {
        this(ledger, store, INLINE_LIMIT);
    }

    /** {@code inlineLimit}: tests that want a short log exported through the store. */
    LogExport(Ledger ledger, ExportStore store, int inlineLimit) {
        this.ledger = ledger;
        this.store = store;
        this.inlineLimit = inlineLimit;
    }

    /** The name a download is saved as. */
    static String fileName(OrgId org) {
        return "credits-log-" + org + ".csv";
    }

    Export export(OrgId org) {
        Writer writer = new Writer(org);
        try {
            writer.add(Csv.HEADER);
            ledger.forEachLogEntry(org, writer::add);
            return writer.finish();
        } catch (RuntimeException e) {
            writer.abandon();
            throw e;
        }
    }

    /** Buffers the CSV until it outgrows the inline limit, then sends it to the store a part at a time. */
    private final class Writer {
        private final OrgId org;
        private final Buffer buffer = new Buffer();
        private ExportStore.Upload upload;
        private long escapedBytes;
        private long entries;
        private long bytes;

        Writer(OrgId org) {
            this.org = org;
        }

        void add(LogEntry entry) {
            add(Csv.row(entry));
            entries++;
        }

        void add(String line) {
            byte[] encoded = line.getBytes(StandardCharsets.UTF_8);
            buffer.write(encoded, 0, encoded.length);
            bytes += encoded.length;
            if (upload == null) {
                escapedBytes += encoded.length + jsonEscapes(line);
                if (escapedBytes > inlineLimit) {
                    upload = store.start(org, fileName(org));
                }
            }
            if (upload != null && buffer.size() >= PART_SIZE) {
                upload.part(buffer.array(), buffer.size());
                buffer.reset();
            }
        }

        Export finish() {
            if (upload == null) {
                return new Inline(buffer.toString(StandardCharsets.UTF_8), entries);
            }
            if (buffer.size() > 0) {
                upload.part(buffer.array(), buffer.size());
                buffer.reset();
            }
            return new Stored(upload.complete(), entries, bytes);
        }

        void abandon() {
            if (upload != null) {
                upload.abort();
            }
        }
    }

    /** Bytes JSON adds to {@code line} inside a string: one for {@code " \ } and the short escapes, five for other control characters. */
    static int jsonEscapes(String line) {
        int extra = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f') {
                extra += 1;
            } else if (c < 0x20) {
                extra += 5;
            }
        }
        return extra;
    }

    /** A byte buffer whose array can be handed to the store without a copy. */
    private static final class Buffer extends ByteArrayOutputStream {
        Buffer() {
            super(8 * 1024);
        }

        byte[] array() {
            return buf;
        }
    }
}
