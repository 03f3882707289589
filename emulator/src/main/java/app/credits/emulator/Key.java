package app.credits.emulator;

/**
 * A position in the item order of a table or a global secondary index: by partition key value, then sort key
 * value; in an index, items with the same index key are ordered by their primary key. A {@link KeyBound} is a
 * position between items, used to cut a range out of that order.
 */
sealed interface Key extends Comparable<Key> permits PrimaryKey, IndexKey, KeyBound {

    Value partition();

    /** The sort key value; null when the table or index has no sort key (for a bound: the whole partition). */
    Value sort();

    @Override
    default int compareTo(Key other) {
        int c = Value.compare(partition(), other.partition());
        if (c != 0) return c;
        // a bound without a sort value lies before or after the whole partition
        if (this instanceof KeyBound b && b.sort() == null) {
            return other instanceof KeyBound o && o.sort() == null ? b.edge().compareTo(o.edge()) : b.edge().sign;
        }
        if (other instanceof KeyBound o && o.sort() == null) return -o.edge().sign;
        if (sort() != null && other.sort() != null) {
            c = Value.compare(sort(), other.sort());
            if (c != 0) return c;
        } else if (sort() != other.sort()) {
            return sort() == null ? -1 : 1;
        }
        // same partition and sort value: a bound lies before or after every item that has them
        if (this instanceof KeyBound b) return other instanceof KeyBound o ? b.edge().compareTo(o.edge()) : b.edge().sign;
        if (other instanceof KeyBound o) return -o.edge().sign;
        if (this instanceof IndexKey i && other instanceof IndexKey o) return i.item().compareTo(o.item());
        return 0;
    }
}
