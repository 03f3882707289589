package app.credits.emulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Durability for a data directory: a lock file, an append-only journal (one JSON line per committed write,
 * forced to disk before the response) and an optional snapshot that the journal is compacted into.
 */
final class Storage implements Journal, AutoCloseable {
    static final String LOCK = "emulator.lock";
    static final String JOURNAL = "journal.jsonl";
    static final String SNAPSHOT = "snapshot.jsonl";
    /** Journal size above which a clean start compacts it into a snapshot (overridable for tests). */
    static volatile long compactThreshold = Long.getLong("dynamodb.emulator.compactThresholdBytes", 10L * 1024 * 1024);

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private FileChannel journal;
    private long seq;
    /** Statistics of the last open, for tests and logs. */
    int replayedRecords;
    boolean truncatedTornLine;
    boolean compacted;

    private Storage(Path dir, FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** Locks the directory, loads snapshot + journal into the database, compacts if large, and opens the journal for appends. */
    static Storage open(Path dir, Database db) throws IOException {
        Path abs = dir.toAbsolutePath();
        try {
            Files.createDirectories(abs);
        } catch (IOException e) {
            throw new IOException("DynamoDB emulator: cannot create data dir " + abs + ": " + e, e);
        }
        if (!Files.isDirectory(abs)) throw new IOException("DynamoDB emulator: data dir " + abs + " is not a directory");
        if (!Files.isWritable(abs)) throw new IOException("DynamoDB emulator: data dir " + abs + " is not writable");
        FileChannel lc;
        try {
            lc = FileChannel.open(abs.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (AccessDeniedException e) {
            throw new IOException("DynamoDB emulator: data dir " + abs + " is not writable (" + e.getMessage() + ")", e);
        }
        FileLock fl;
        try {
            fl = lc.tryLock();
        } catch (OverlappingFileLockException e) {
            fl = null;
        }
        if (fl == null) {
            lc.close();
            throw new IOException("DynamoDB emulator: data dir " + abs + " is locked by another running emulator ("
                    + abs.resolve(LOCK) + "); stop it or use another --data-dir");
        }
        Storage s = new Storage(abs, lc, fl);
        try {
            s.load(db);
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private void load(Database db) throws IOException {
        Path snap = dir.resolve(SNAPSHOT);
        long snapSeq = 0;
        if (Files.exists(snap)) {
            try (var lines = Files.lines(snap, StandardCharsets.UTF_8)) {
                var it = lines.iterator();
                if (!it.hasNext()) throw new IOException("DynamoDB emulator: snapshot " + snap + " is empty");
                JsonNode header = MAPPER.readTree(it.next());
                snapSeq = header.path("seq").asLong();
                while (it.hasNext()) JournalRecords.replay(db, MAPPER.readTree(it.next()));
            } catch (JsonProcessingException | UncheckedIOException e) {
                throw new IOException("DynamoDB emulator: snapshot " + snap + " is corrupt: " + e.getMessage(), e);
            }
        }
        seq = snapSeq;
        Path jp = dir.resolve(JOURNAL);
        journal = FileChannel.open(jp, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        long size = journal.size();
        long good = 0;
        if (size > 0) {
            byte[] all = Files.readAllBytes(jp);
            int start = 0, lineNo = 0;
            while (start < all.length) {
                int nl = indexOf(all, (byte) '\n', start);
                lineNo++;
                boolean last = nl < 0 || nl == all.length - 1;
                if (nl < 0) {
                    // torn last line (the process died mid-write): ignore it and truncate it away
                    truncatedTornLine = true;
                    break;
                }
                String line = new String(all, start, nl - start, StandardCharsets.UTF_8);
                JsonNode rec;
                try {
                    rec = MAPPER.readTree(line);
                } catch (JsonProcessingException e) {
                    if (last) {
                        truncatedTornLine = true;
                        break;
                    }
                    throw new IOException("DynamoDB emulator: journal " + jp + " is corrupt at line " + lineNo + ": " + e.getOriginalMessage(), e);
                }
                long rs = rec.path("seq").asLong();
                if (rs > snapSeq) {
                    JournalRecords.replay(db, rec);
                    replayedRecords++;
                    seq = Math.max(seq, rs);
                }
                start = nl + 1;
                good = start;
            }
            if (good < size) {
                journal.truncate(good);
                journal.force(true);
            }
        }
        journal.position(good);
        if (good > compactThreshold) compact(db);
    }

    private static int indexOf(byte[] a, byte b, int from) {
        for (int i = from; i < a.length; i++) if (a[i] == b) return i;
        return -1;
    }

    /** Writes the database to a snapshot (temp file, fsync, atomic rename) and empties the journal. */
    void compact(Database db) throws IOException {
        Path tmp = dir.resolve(SNAPSHOT + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
             BufferedWriter w = new BufferedWriter(new OutputStreamWriter(Channels.newOutputStream(ch), StandardCharsets.UTF_8), 1 << 16)) {
            w.write(MAPPER.writeValueAsString(Codec.F.objectNode().put("format", 1).put("seq", seq)));
            w.write('\n');
            IOException[] err = new IOException[1];
            JournalRecords.snapshot(db, rec -> {
                if (err[0] != null) return;
                try {
                    w.write(MAPPER.writeValueAsString(rec));
                    w.write('\n');
                } catch (IOException e) {
                    err[0] = e;
                }
            });
            if (err[0] != null) throw err[0];
            w.flush();
            ch.force(true);
        }
        Files.move(tmp, dir.resolve(SNAPSHOT), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDir();
        journal.truncate(0);
        journal.force(true);
        journal.position(0);
        compacted = true;
    }

    private void forceDir() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException ignored) {
            // not supported on every platform; the rename is still atomic
        }
    }

    @Override
    public void append(ObjectNode record) throws IOException {
        long next = seq + 1;
        ObjectNode withSeq = Codec.F.objectNode().put("seq", next);
        withSeq.setAll(record);
        byte[] line = (MAPPER.writeValueAsString(withSeq) + "\n").getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.wrap(line);
        long pos = journal.position();
        try {
            while (buf.hasRemaining()) journal.write(buf);
            journal.force(false);
        } catch (IOException e) {
            try {
                journal.truncate(pos);
                journal.position(pos);
            } catch (IOException ignored) {
                // best effort
            }
            throw e;
        }
        seq = next;
    }

    long journalSize() throws IOException {
        return journal.size();
    }

    @Override
    public void close() {
        try {
            if (journal != null && journal.isOpen()) {
                journal.force(true);
                journal.close();
            }
        } catch (IOException ignored) {
            // closing
        }
        try {
            if (lock.isValid()) lock.release();
            lockChannel.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
