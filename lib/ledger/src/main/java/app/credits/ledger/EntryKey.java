package app.credits.ledger;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Where an entry sits in its org's log: microseconds since the epoch. Every commit that writes entries requires
 * its first key to be above the account's last one, so keys grow in commit order and an entry's position (its
 * sequence number and balance after it) never changes once written, without writers having to agree on a counter.
 */
public record EntryKey(long micros) implements Comparable<EntryKey> {
    /** Before any entry: an org whose log is empty. */
    public static final EntryKey NONE = new EntryKey(0);

    public EntryKey {
        if (micros < 0) {
            throw new IllegalArgumentException("an entry key is never negative");
        }
    }

    /** The key for an entry written at {@code now}: its time, or just after the last key if that is later. */
    public static EntryKey after(EntryKey last, Instant now) {
        long nowMicros = ChronoUnit.MICROS.between(Instant.EPOCH, now);
        return new EntryKey(Math.max(nowMicros, Math.addExact(last.micros, 1)));
    }

    public EntryKey next() {
        return new EntryKey(Math.addExact(micros, 1));
    }

    /** When the entry was written, as the log shows it (milliseconds, never earlier than an older entry's). */
    public Instant time() {
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS).truncatedTo(ChronoUnit.MILLIS);
    }

    @Override
    public int compareTo(EntryKey other) {
        return Long.compare(micros, other.micros);
    }
}
