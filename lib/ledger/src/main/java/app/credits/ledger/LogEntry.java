package app.credits.ledger;

import java.time.Instant;

/** One immutable movement of an org's balance. {@code seq} orders an org's log; newest first when read. */
public record LogEntry(
        long seq,
        EntryType type,
        Credits credits,
        Credits balanceAfter,
        Instant createdAt,
        String description,
        String reference) {

    /** The public id: stable, unique within the org, and sortable. */
    public String id() {
        return "le_" + seq;
    }
}
