package app.credits.emulator;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The items and ClientRequestTokens of the TransactWriteItems in flight (contention mode only: otherwise a
 * transaction commits under the same lock that prepared it, and nothing is ever held). Callers hold the database lock.
 */
final class InFlightTransactions {

    private record HeldItem(String table, PrimaryKey key) {}

    private final Set<HeldItem> items = new HashSet<>();
    private final Set<String> tokens = new HashSet<>();

    private boolean isHeld(Table table, PrimaryKey key) {
        return !items.isEmpty() && items.contains(new HeldItem(table.name, key));
    }

    /** A PutItem, UpdateItem or DeleteItem meets an item a transaction holds: TransactionConflictException. */
    void checkWrite(Table table, PrimaryKey key) {
        if (isHeld(table, key)) throw DynamoError.transactionConflict();
    }

    /** BatchWriteItem: refused as a whole if any of its items is held, so none of its writes is lost. */
    void checkWrites(Collection<Database.Change> changes) {
        for (Database.Change c : changes) checkWrite(c.table(), c.key());
    }

    /** A transaction (write or read) on held items is cancelled: TransactionConflict for those, None for the others. */
    void checkTransaction(List<? extends Transactions.ItemAction> actions) {
        if (items.isEmpty()) return;
        List<CancellationReason> reasons = new ArrayList<>();
        boolean conflict = false;
        for (Transactions.ItemAction a : actions) {
            boolean held = isHeld(a.table(), a.key());
            conflict |= held;
            reasons.add(held ? CancellationReason.transactionConflict() : CancellationReason.NONE);
        }
        if (conflict) throw DynamoError.transactionCanceled(reasons);
    }

    /** A retry of a transaction still in flight (same ClientRequestToken): TransactionInProgressException. */
    void checkToken(String token) {
        if (tokens.contains(token)) throw DynamoError.transactionInProgress();
    }

    /** Holds the items (and token) of a transaction ready to commit; returns it. */
    Transactions.Prepared hold(Transactions.Prepared prepared) {
        if (prepared instanceof Transactions.ReadyToCommit ready) {
            for (Transactions.WriteAction a : ready.actions()) items.add(new HeldItem(a.table().name, a.key()));
            if (ready.token() != null) tokens.add(ready.token().token());
        }
        return prepared;
    }

    void release(Transactions.Prepared prepared) {
        if (prepared instanceof Transactions.ReadyToCommit ready) {
            for (Transactions.WriteAction a : ready.actions()) items.remove(new HeldItem(a.table().name, a.key()));
            if (ready.token() != null) tokens.remove(ready.token().token());
        }
    }

    /** For tests: whether anything is held. */
    boolean isEmpty() {
        return items.isEmpty() && tokens.isEmpty();
    }
}
