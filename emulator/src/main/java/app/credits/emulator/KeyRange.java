package app.credits.emulator;

import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The items a Query reads: one partition, cut by its sort key condition ({@code from} and {@code to} lie between
 * items), and with {@code begins_with} only the sort values that begin with {@code sortPrefix} (else null).
 */
record KeyRange(Value partition, KeyBound from, KeyBound to, Value sortPrefix) {

    /** Every item of a partition. */
    static KeyRange wholePartition(Value partition) {
        return new KeyRange(partition, KeyBound.before(partition), KeyBound.after(partition), null);
    }

    /** This range of {@code items} (in ascending order). */
    <V> NavigableMap<Key, V> of(NavigableMap<Key, V> items) {
        if (from.compareTo(to) > 0) return new TreeMap<>();
        return items.subMap(from, true, to, true);
    }

    /** True if an item at {@code key} satisfies the key condition. */
    boolean contains(Key key) {
        return from.compareTo(key) < 0 && key.compareTo(to) < 0 && matchesPrefix(key.sort());
    }

    /** True if the item's sort key value is within the prefix condition (always, without one). */
    boolean matchesPrefix(Value sortValue) {
        return sortPrefix == null || beginsWith(sortValue, sortPrefix);
    }

    static boolean beginsWith(Value v, Value prefix) {
        if (v instanceof Value.S s && prefix instanceof Value.S p) return s.v().startsWith(p.v());
        if (v instanceof Value.B b && prefix instanceof Value.B p) {
            return b.v().length >= p.v().length && java.util.Arrays.equals(b.v(), 0, p.v().length, p.v(), 0, p.v().length);
        }
        return false;
    }
}
