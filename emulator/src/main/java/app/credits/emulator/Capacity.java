package app.credits.emulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/** Capacity units and item counts consumed by one request, per table and index, computed the DynamoDB way. */
final class Capacity {
    static final class Units {
        double read, write;
        final Map<String, double[]> indexes = new LinkedHashMap<>();

        double total() {
            double t = read + write;
            for (double[] x : indexes.values()) t += x[0] + x[1];
            return t;
        }

        double totalRead() {
            double t = read;
            for (double[] x : indexes.values()) t += x[0];
            return t;
        }

        double totalWrite() {
            double t = write;
            for (double[] x : indexes.values()) t += x[1];
            return t;
        }
    }

    final Map<String, Units> tables = new LinkedHashMap<>();
    long itemsRead, itemsWritten;

    /** Read units for an item (or a Query/Scan page) of this many bytes: 4 KB units, halved if eventually consistent. */
    static double readUnits(long bytes, boolean consistent) {
        double u = Math.max(1, Math.ceil(bytes / 4096.0));
        return consistent ? u : u / 2;
    }

    /** Write units for an item of this many bytes: 1 KB units. */
    static double writeUnits(long bytes) {
        return Math.max(1, Math.ceil(bytes / 1024.0));
    }

    Units table(String name) {
        return tables.computeIfAbsent(name, k -> new Units());
    }

    void read(String table, double units) {
        table(table).read += units;
    }

    void write(String table, double units) {
        table(table).write += units;
    }

    void indexRead(String table, String index, double units) {
        table(table).indexes.computeIfAbsent(index, k -> new double[2])[0] += units;
    }

    void indexWrite(String table, String index, double units) {
        table(table).indexes.computeIfAbsent(index, k -> new double[2])[1] += units;
    }

    double totalRead() {
        return tables.values().stream().mapToDouble(Units::totalRead).sum();
    }

    double totalWrite() {
        return tables.values().stream().mapToDouble(Units::totalWrite).sum();
    }

    /** Adds ConsumedCapacity for one table to a single-item or Query/Scan response, when requested. */
    void putConsumed(ObjectNode response, String table, Request.CapacityReport report) {
        ObjectNode c = consumed(table, report);
        if (c != null) response.set("ConsumedCapacity", c);
    }

    /** Adds ConsumedCapacity as a list (batch and transaction operations) to a response, when requested. */
    void putConsumedList(ObjectNode response, Request.CapacityReport report) {
        if (report == Request.CapacityReport.NONE) return;
        ArrayNode a = response.putArray("ConsumedCapacity");
        for (String t : tables.keySet()) a.add(consumed(t, report));
    }

    /** Adds a transaction's units once it commits: its table reads and writes and its index writes. */
    void addUnits(Capacity other) {
        for (var e : other.tables.entrySet()) {
            Units u = table(e.getKey());
            u.read += e.getValue().read;
            u.write += e.getValue().write;
            e.getValue().indexes.forEach((ix, v) -> indexWrite(e.getKey(), ix, v[1]));
        }
    }

    /** The ConsumedCapacity object for one table, or null when not requested. */
    private ObjectNode consumed(String table, Request.CapacityReport report) {
        if (report == Request.CapacityReport.NONE) return null;
        Units u = tables.getOrDefault(table, new Units());
        ObjectNode n = Codec.F.objectNode();
        n.put("TableName", table);
        n.put("CapacityUnits", u.total());
        if (u.totalRead() > 0) n.put("ReadCapacityUnits", u.totalRead());
        if (u.totalWrite() > 0) n.put("WriteCapacityUnits", u.totalWrite());
        if (report == Request.CapacityReport.INDEXES) {
            ObjectNode t = n.putObject("Table");
            t.put("CapacityUnits", u.read + u.write);
            if (u.read > 0) t.put("ReadCapacityUnits", u.read);
            if (u.write > 0) t.put("WriteCapacityUnits", u.write);
            if (!u.indexes.isEmpty()) {
                ObjectNode g = n.putObject("GlobalSecondaryIndexes");
                u.indexes.forEach((k, v) -> {
                    ObjectNode x = g.putObject(k);
                    x.put("CapacityUnits", v[0] + v[1]);
                    if (v[0] > 0) x.put("ReadCapacityUnits", v[0]);
                    if (v[1] > 0) x.put("WriteCapacityUnits", v[1]);
                });
            }
        }
        return n;
    }
}
