package app.credits.emulator;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counters since start (or since {@link #reset()}), per operation name such as "TransactWriteItems": requests,
 * items read (returned or examined: for Query/Scan the items examined before the filter, as DynamoDB charges),
 * items written, consumed read/write capacity units computed the DynamoDB way, and transaction conflicts (requests
 * refused because a transaction in flight held one of their items, in contention mode or injected). Thread-safe.
 */
public final class EmulatorStats {

    /** An immutable view of one operation's counters. */
    public record OperationStats(long requests, long errors, long itemsRead, long itemsWritten,
                                 double readCapacityUnits, double writeCapacityUnits, long serverNanos, long transactionConflicts) {
        static final OperationStats ZERO = new OperationStats(0, 0, 0, 0, 0, 0, 0, 0);

        /** Mean time spent executing one request inside the emulator (excluding HTTP and JSON parsing), in microseconds. */
        public double meanServerMicros() {
            return requests == 0 ? 0 : serverNanos / 1000.0 / requests;
        }
    }

    private static final class Counter {
        long requests, errors, itemsRead, itemsWritten, nanos, transactionConflicts;
        double rcu, wcu;

        synchronized OperationStats view() {
            return new OperationStats(requests, errors, itemsRead, itemsWritten, rcu, wcu, nanos, transactionConflicts);
        }
    }

    private final ConcurrentHashMap<String, Counter> ops = new ConcurrentHashMap<>();

    EmulatorStats() {}

    void record(String operation, boolean error, boolean transactionConflict, long itemsRead, long itemsWritten, double rcu, double wcu, long nanos) {
        Counter c = ops.computeIfAbsent(operation, k -> new Counter());
        synchronized (c) {
            c.requests++;
            if (error) c.errors++;
            if (transactionConflict) c.transactionConflicts++;
            c.itemsRead += itemsRead;
            c.itemsWritten += itemsWritten;
            c.rcu += rcu;
            c.wcu += wcu;
            c.nanos += nanos;
        }
    }

    /** Counters of one operation (zeros if it was never called). */
    public OperationStats operation(String operation) {
        Counter c = ops.get(operation);
        return c == null ? OperationStats.ZERO : c.view();
    }

    /** All operations seen, sorted by name. */
    public Map<String, OperationStats> snapshot() {
        Map<String, OperationStats> m = new TreeMap<>();
        ops.forEach((k, v) -> m.put(k, v.view()));
        return m;
    }

    public long requests(String operation) { return operation(operation).requests(); }

    public long errors(String operation) { return operation(operation).errors(); }

    public long itemsRead(String operation) { return operation(operation).itemsRead(); }

    public long itemsWritten(String operation) { return operation(operation).itemsWritten(); }

    public double readCapacityUnits(String operation) { return operation(operation).readCapacityUnits(); }

    public double writeCapacityUnits(String operation) { return operation(operation).writeCapacityUnits(); }

    /** Requests of this operation refused because a transaction in flight held one of their items. */
    public long transactionConflicts(String operation) { return operation(operation).transactionConflicts(); }

    public long totalRequests() { return snapshot().values().stream().mapToLong(OperationStats::requests).sum(); }

    public long totalItemsRead() { return snapshot().values().stream().mapToLong(OperationStats::itemsRead).sum(); }

    public long totalItemsWritten() { return snapshot().values().stream().mapToLong(OperationStats::itemsWritten).sum(); }

    public double totalReadCapacityUnits() { return snapshot().values().stream().mapToDouble(OperationStats::readCapacityUnits).sum(); }

    public double totalWriteCapacityUnits() { return snapshot().values().stream().mapToDouble(OperationStats::writeCapacityUnits).sum(); }

    public long totalTransactionConflicts() { return snapshot().values().stream().mapToLong(OperationStats::transactionConflicts).sum(); }

    /** Sets every counter back to zero. */
    public void reset() {
        ops.clear();
    }

    @Override
    public String toString() {
        return "EmulatorStats" + snapshot();
    }
}
