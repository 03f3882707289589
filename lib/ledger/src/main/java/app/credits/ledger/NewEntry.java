package app.credits.ledger;

import java.time.Instant;

/** An entry a decision appends to the log: immutable once written; its position is derived when read. */
public record NewEntry(EntryKey key, EntryType type, Credits credits, String description, String reference) {

    public Instant createdAt() {
        return key.time();
    }
}
