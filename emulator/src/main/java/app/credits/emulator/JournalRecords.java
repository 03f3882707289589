package app.credits.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.function.Consumer;

/**
 * The journal's records, one JSON line each: {@code createTable}, {@code deleteTable}, {@code ttl} and
 * {@code write} (the item changes of one committed request, with the ClientRequestToken it used); replaying them
 * in order rebuilds the state, and a snapshot is the shortest list of records that describes it.
 */
final class JournalRecords {
    private JournalRecords() {}

    private static final int ITEMS_PER_SNAPSHOT_RECORD = 500;

    static ObjectNode createTable(ObjectNode definition) {
        return Codec.F.objectNode().put("op", "createTable").set("table", definition);
    }

    static ObjectNode deleteTable(String name) {
        return Codec.F.objectNode().put("op", "deleteTable").put("name", name);
    }

    static ObjectNode timeToLive(String table, boolean enabled, String attribute) {
        return Codec.F.objectNode().put("op", "ttl").put("name", table).put("enabled", enabled).put("attr", attribute);
    }

    static ObjectNode write(List<Database.Change> changes, ClientRequestTokens.Use token) {
        ObjectNode rec = Codec.F.objectNode();
        rec.put("op", "write");
        ArrayNode w = rec.putArray("w");
        for (Database.Change c : changes) {
            ObjectNode x = w.addObject();
            x.put("t", c.table().name);
            x.set("k", Codec.itemToJson(c.table().keys.keyAttributes(c.key())));
            if (c.item() != null) x.set("i", Codec.itemToJson(c.item()));
        }
        if (token != null) rec.set("tok", token.toJson());
        return rec;
    }

    /** Re-applies a journal or snapshot record during recovery. */
    static void replay(Database db, JsonNode rec) {
        switch (rec.path("op").asText()) {
            case "createTable" -> {
                Table t = new Table((ObjectNode) rec.get("table"));
                db.tables.put(t.name, t);
            }
            case "deleteTable" -> db.tables.remove(rec.get("name").textValue());
            case "ttl" -> {
                Table t = db.tables.get(rec.get("name").textValue());
                if (t != null) t.setTimeToLive(rec.path("enabled").asBoolean(), rec.path("attr").asText(null));
            }
            case "write" -> {
                for (JsonNode x : rec.get("w")) {
                    Table t = db.tables.get(x.get("t").textValue());
                    if (t == null) throw new IllegalStateException("journal refers to unknown table " + x.get("t"));
                    PrimaryKey key = t.keys.keyOf(Codec.itemFromJson(x.get("k"), "key"));
                    t.write(key, x.has("i") ? Codec.itemFromJson(x.get("i"), "item") : null);
                }
                JsonNode tok = rec.get("tok");
                if (tok != null) db.tokens.restore(ClientRequestTokens.Use.fromJson(tok));
            }
            default -> throw new IllegalStateException("unknown journal record " + rec);
        }
    }

    /** Records that describe the whole current state (for a snapshot). */
    static void snapshot(Database db, Consumer<ObjectNode> out) {
        for (Table t : db.tables.values()) {
            out.accept(createTable(t.definition));
            ObjectNode rec = null;
            ArrayNode w = null;
            for (var e : t.items.entrySet()) {
                if (rec == null) {
                    rec = Codec.F.objectNode().put("op", "write");
                    w = rec.putArray("w");
                }
                ObjectNode x = w.addObject();
                x.put("t", t.name);
                x.set("k", Codec.itemToJson(t.keys.keyAttributes(e.getValue())));
                x.set("i", Codec.itemToJson(e.getValue()));
                if (w.size() >= ITEMS_PER_SNAPSHOT_RECORD) {
                    out.accept(rec);
                    rec = null;
                }
            }
            if (rec != null) out.accept(rec);
        }
        db.tokens.forEachUnexpired(System.currentTimeMillis(), use -> {
            ObjectNode rec = Codec.F.objectNode().put("op", "write");
            rec.putArray("w");
            rec.set("tok", use.toJson());
            out.accept(rec);
        });
    }
}
