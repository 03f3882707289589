package app.credits.ledger;

import java.time.Instant;

/**
 * One movement of an org's balance, as the log shows it. {@code seq} (1, 2, 3, ... in commit order) and
 * {@code balanceAfter} are the entry's position in its log: derived from the entries before it when read, exact and
 * unchanging, because entries are appended in key order (see {@link EntryKey}).
 */
public record LogEntry(
        long seq,
        EntryKey key,
        EntryType type,
        Credits credits,
        Credits balanceAfter,
        String description,
        String reference) {

    /** The public id: stable, unique within the org, and sortable. */
    public String id() {
        return "le_" + seq;
    }

    public Instant createdAt() {
        return key.time();
    }
}
