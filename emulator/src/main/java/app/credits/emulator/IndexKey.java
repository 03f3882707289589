package app.credits.emulator;

import java.util.Objects;

/** Where an item sits in a global secondary index: the index's key values, then the item's primary key. */
record IndexKey(Value partition, Value sort, PrimaryKey item) implements Key {
    IndexKey {
        Objects.requireNonNull(partition, "partition");
        Objects.requireNonNull(item, "item");
    }
}
