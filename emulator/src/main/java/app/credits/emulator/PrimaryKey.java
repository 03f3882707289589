package app.credits.emulator;

import java.util.Objects;

/** The primary key of an item: its partition key value and its sort key value (null when the table has none). */
record PrimaryKey(Value partition, Value sort) implements Key {
    PrimaryKey {
        Objects.requireNonNull(partition, "partition");
    }
}
