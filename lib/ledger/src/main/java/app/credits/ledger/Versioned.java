package app.credits.ledger;

/** An item written on the condition that the stored one is the version before it (or absent, for version 1). */
public interface Versioned {
    long version();
}
