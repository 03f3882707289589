package app.credits.ledger;

/**
 * An item to write, and the version the stored one must have for the write to happen: {@code next.version() - 1},
 * named here so that no reader has to know a "the store writes version + 1" rule. Expected version 0 means the
 * item must not exist yet.
 */
public record VersionedWrite<T extends Versioned>(T next) {

    public VersionedWrite {
        if (next.version() < 1) {
            throw new IllegalArgumentException("a written item has version 1 or more");
        }
    }

    public long expectedVersion() {
        return next.version() - 1;
    }

    public boolean isNew() {
        return expectedVersion() == 0;
    }
}
