package app.credits.emulator;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The DynamoDB operations the emulator implements, by their wire name (the X-Amz-Target suffix). */
enum Operation {
    CREATE_TABLE("CreateTable"),
    DESCRIBE_TABLE("DescribeTable"),
    DELETE_TABLE("DeleteTable"),
    LIST_TABLES("ListTables"),
    UPDATE_TIME_TO_LIVE("UpdateTimeToLive"),
    DESCRIBE_TIME_TO_LIVE("DescribeTimeToLive"),
    GET_ITEM("GetItem"),
    PUT_ITEM("PutItem"),
    UPDATE_ITEM("UpdateItem"),
    DELETE_ITEM("DeleteItem"),
    QUERY("Query"),
    SCAN("Scan"),
    BATCH_GET_ITEM("BatchGetItem"),
    BATCH_WRITE_ITEM("BatchWriteItem"),
    TRANSACT_WRITE_ITEMS("TransactWriteItems"),
    TRANSACT_GET_ITEMS("TransactGetItems");

    private static final Map<String, Operation> BY_WIRE_NAME = Stream.of(values())
            .collect(Collectors.toUnmodifiableMap(o -> o.wireName, Function.identity()));

    final String wireName;

    Operation(String wireName) {
        this.wireName = wireName;
    }

    /** The operation named by a request, if the emulator implements it. */
    static Optional<Operation> byWireName(String name) {
        return Optional.ofNullable(BY_WIRE_NAME.get(name));
    }
}
