package app.credits.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Executes one request against the {@link Database}. Every request runs under the database's one lock, so every
 * operation (transactions and batches included) is serializable.
 */
final class Engine {
    final Database db = new Database();
    private final TableOperations tableOperations = new TableOperations(db);
    private final ItemOperations itemOperations = new ItemOperations(db);
    private final QueryAndScan queryAndScan = new QueryAndScan(db);
    private final Batches batches = new Batches(db);
    private final Transactions transactions = new Transactions(db);

    /**
     * @param operation the wire name of the operation (X-Amz-Target without its prefix)
     * @throws DynamoError the AWS error to answer
     */
    ObjectNode execute(String operation, JsonNode body, Capacity cap) {
        if (body == null || !body.isObject()) throw new DynamoError("com.amazon.coral.service#SerializationException", "Request body must be a JSON object");
        Operation op = Operation.byWireName(operation).orElseThrow(() -> new DynamoError("com.amazon.coral.service#UnknownOperationException",
                "Operation " + operation + " is not supported by this DynamoDB emulator"));
        Request req = new Request(body);
        db.lock.lock();
        try {
            return switch (op) {
                case CREATE_TABLE -> tableOperations.createTable(req);
                case DESCRIBE_TABLE -> tableOperations.describeTable(req);
                case DELETE_TABLE -> tableOperations.deleteTable(req);
                case LIST_TABLES -> tableOperations.listTables(req);
                case UPDATE_TIME_TO_LIVE -> tableOperations.updateTimeToLive(req);
                case DESCRIBE_TIME_TO_LIVE -> tableOperations.describeTimeToLive(req);
                case GET_ITEM -> itemOperations.getItem(req, cap);
                case PUT_ITEM -> itemOperations.putItem(req, cap);
                case UPDATE_ITEM -> itemOperations.updateItem(req, cap);
                case DELETE_ITEM -> itemOperations.deleteItem(req, cap);
                case QUERY -> queryAndScan.query(req, cap);
                case SCAN -> queryAndScan.scan(req, cap);
                case BATCH_GET_ITEM -> batches.batchGetItem(req, cap);
                case BATCH_WRITE_ITEM -> batches.batchWriteItem(req, cap);
                case TRANSACT_WRITE_ITEMS -> transactions.transactWriteItems(req, cap);
                case TRANSACT_GET_ITEMS -> transactions.transactGetItems(req, cap);
            };
        } finally {
            db.lock.unlock();
        }
    }
}
