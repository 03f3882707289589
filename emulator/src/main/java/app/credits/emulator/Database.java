package app.credits.emulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The emulator's state: its tables and the ClientRequestTokens in their idempotency window. Every change is
 * journaled (when durable) before it is applied. Callers hold {@link #lock}.
 */
final class Database {

    /** One item change of a committed write: store {@code item} at {@code key} (delete when item is null). */
    record Change(Table table, PrimaryKey key, Map<String, Value> item) {}

    final ReentrantLock lock = new ReentrantLock();
    final TreeMap<String, Table> tables = new TreeMap<>();
    final ClientRequestTokens tokens = new ClientRequestTokens();
    /** Empty unless contention mode lets transactions hold their items while in flight. */
    final InFlightTransactions inFlight = new InFlightTransactions();
    /** Null in memory. */
    Journal journal;

    /** The table named by the request's TableName. */
    Table table(Request request) {
        return existingTable(request.tableName());
    }

    /** A table by a (validated) name. */
    Table existingTable(String name) {
        Table t = tables.get(name);
        if (t == null) throw DynamoError.tableNotFound();
        return t;
    }

    void createTable(ObjectNode definition) {
        append(JournalRecords.createTable(definition));
        Table t = new Table(definition);
        tables.put(t.name, t);
    }

    void deleteTable(Table t) {
        append(JournalRecords.deleteTable(t.name));
        tables.remove(t.name);
    }

    void setTimeToLive(Table t, boolean enabled, String attribute) {
        append(JournalRecords.timeToLive(t.name, enabled, attribute));
        t.setTimeToLive(enabled, attribute);
    }

    /** Journals then applies a set of item changes atomically, with the ClientRequestToken it used (or null). */
    void commit(List<Change> changes, ClientRequestTokens.Use token) {
        if (changes.isEmpty() && token == null) return;
        if (journal != null) append(JournalRecords.write(changes, token));
        for (Change c : changes) c.table().write(c.key(), c.item());
        if (token != null) tokens.remember(token);
    }

    private void append(ObjectNode record) {
        if (journal == null) return;
        try {
            journal.append(record);
        } catch (IOException e) {
            throw DynamoError.internal("The emulator could not make the write durable: " + e.getMessage());
        }
    }
}
