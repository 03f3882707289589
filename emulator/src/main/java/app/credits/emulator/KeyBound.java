package app.credits.emulator;

import java.util.Objects;

/**
 * A position just before or just after every item of a partition (sort null) or of one sort key value within it.
 * Never stored: it only cuts ranges out of the item order.
 */
record KeyBound(Value partition, Value sort, Edge edge) implements Key {

    enum Edge {
        BEFORE(-1), AFTER(1);

        final int sign;

        Edge(int sign) {
            this.sign = sign;
        }
    }

    KeyBound {
        Objects.requireNonNull(partition, "partition");
        Objects.requireNonNull(edge, "edge");
    }

    static KeyBound before(Value partition) {
        return new KeyBound(partition, null, Edge.BEFORE);
    }

    static KeyBound after(Value partition) {
        return new KeyBound(partition, null, Edge.AFTER);
    }

    static KeyBound before(Value partition, Value sort) {
        return new KeyBound(partition, sort, Edge.BEFORE);
    }

    static KeyBound after(Value partition, Value sort) {
        return new KeyBound(partition, sort, Edge.AFTER);
    }
}
