package app.credits.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Executes one request against the {@link Database}. Every request runs under the database's one lock, so every
 * operation (transactions and batches included) is serializable. In contention mode a request is answered after
 * its latency (slept outside the lock), and a TransactWriteItems holds its items from its arrival until it commits
 * at the end of its latency.
 */
final class Engine {
    final Database db = new Database();
    private final Contention contention;
    private final TableOperations tableOperations = new TableOperations(db);
    private final ItemOperations itemOperations = new ItemOperations(db);
    private final QueryAndScan queryAndScan = new QueryAndScan(db);
    private final Batches batches = new Batches(db);
    private final Transactions transactions = new Transactions(db);
    /** Tests: runs in a transaction's thread while it holds its items, before its latency. */
    volatile Runnable whileHolding;

    Engine(Contention contention) {
        this.contention = contention;
    }

    /**
     * @param operation the wire name of the operation (X-Amz-Target without its prefix)
     * @throws DynamoError the AWS error to answer
     */
    ObjectNode execute(String operation, JsonNode body, Capacity cap) {
        if (body == null || !body.isObject()) throw new DynamoError("com.amazon.coral.service#SerializationException", "Request body must be a JSON object");
        Operation op = Operation.byWireName(operation).orElseThrow(() -> new DynamoError("com.amazon.coral.service#UnknownOperationException",
                "Operation " + operation + " is not supported by this DynamoDB emulator"));
        Request req = new Request(body);
        if (op == Operation.TRANSACT_WRITE_ITEMS && contention.enabled()) return transactWriteInFlight(req, cap);
        try {
            return locked(() -> dispatch(op, req, cap));
        } finally {
            awaitLatency(op == Operation.TRANSACT_GET_ITEMS ? 2 : 1);
        }
    }

    private ObjectNode dispatch(Operation op, Request req, Capacity cap) {
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
    }

    /** Contention mode: prepare and hold, wait out the latency (both phases), then commit and release. */
    private ObjectNode transactWriteInFlight(Request req, Capacity cap) {
        Transactions.Prepared prepared;
        try {
            prepared = locked(() -> db.inFlight.hold(transactions.prepare(req)));
        } catch (DynamoError refused) {
            awaitLatency(1);
            throw refused;
        }
        RuntimeException failed = null;
        try {
            Runnable hook = whileHolding;
            if (hook != null && prepared instanceof Transactions.ReadyToCommit) hook.run();
            awaitLatency(2);
        } catch (RuntimeException e) {
            failed = e;
        }
        db.lock.lock();
        try {
            if (failed != null) throw failed;
            return transactions.commit(prepared, cap);
        } finally {
            db.inFlight.release(prepared);
            db.lock.unlock();
        }
    }

    private <T> T locked(Supplier<T> action) {
        db.lock.lock();
        try {
            return action.get();
        } finally {
            db.lock.unlock();
        }
    }

    /** Sleeps {@code draws} request latencies (none unless in contention mode), outside the lock. */
    private void awaitLatency(int draws) {
        if (!contention.enabled()) return;
        long nanos = 0;
        for (int i = 0; i < draws; i++) {
            nanos += contention.baseLatency().toNanos() + (long) (ThreadLocalRandom.current().nextDouble() * contention.jitter().toNanos());
        }
        if (nanos == 0) return;
        try {
            Thread.sleep(Duration.ofNanos(nanos));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
