package app.credits.emulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A global secondary index: a sparse copy of the table's items, ordered by the index key. */
final class GlobalIndex {
    final String name;
    final KeySchema keys;
    final KeySchema tableKeys;
    /** ALL, KEYS_ONLY or INCLUDE. */
    final String projectionType;
    final List<String> nonKeyAttributes;
    final long readCapacityUnits, writeCapacityUnits;
    final TreeMap<Key, Map<String, Value>> entries = new TreeMap<>();
    long sizeBytes;

    GlobalIndex(String name, KeySchema keys, KeySchema tableKeys, String projectionType, List<String> nonKeyAttributes,
                long readCapacityUnits, long writeCapacityUnits) {
        this.name = name;
        this.keys = keys;
        this.tableKeys = tableKeys;
        this.projectionType = projectionType;
        this.nonKeyAttributes = nonKeyAttributes;
        this.readCapacityUnits = readCapacityUnits;
        this.writeCapacityUnits = writeCapacityUnits;
    }

    boolean projectsAll() {
        return projectionType.equals("ALL");
    }

    /** The index position of an item, or null if the item is not in this (sparse) index. */
    IndexKey keyOf(Map<String, Value> item) {
        if (item == null) return null;
        Value partition = item.get(keys.partition().name());
        if (partition == null || !partition.type().equals(keys.partition().type())) return null;
        Value sort = null;
        if (keys.sort() != null) {
            sort = item.get(keys.sort().name());
            if (sort == null || !sort.type().equals(keys.sort().type())) return null;
        }
        return new IndexKey(partition, sort, tableKeys.keyOf(item));
    }

    /** The item as stored in the index (per its projection). */
    Map<String, Value> project(Map<String, Value> item) {
        if (item == null) return null;
        if (projectsAll()) return item;
        Map<String, Value> out = new LinkedHashMap<>();
        for (var e : item.entrySet()) {
            String k = e.getKey();
            if (tableKeys.isKeyAttribute(k) || keys.isKeyAttribute(k)
                    || (projectionType.equals("INCLUDE") && nonKeyAttributes.contains(k))) {
                out.put(k, e.getValue());
            }
        }
        return out;
    }

    /** Table key attributes plus index key attributes of an item (a LastEvaluatedKey for this index). */
    Map<String, Value> keyAttributes(Map<String, Value> item) {
        Map<String, Value> k = tableKeys.keyAttributes(item);
        k.putAll(keys.keyAttributes(item));
        return k;
    }

    /** Replaces {@code old} by {@code item} (either may be null) in the index. */
    void write(Map<String, Value> old, Map<String, Value> item) {
        IndexKey oldKey = keyOf(old);
        if (oldKey != null) {
            entries.remove(oldKey);
            sizeBytes -= Value.itemSize(project(old));
        }
        IndexKey newKey = keyOf(item);
        if (newKey != null) {
            entries.put(newKey, item);
            sizeBytes += Value.itemSize(project(item));
        }
    }

    /** Write capacity consumed in this index by replacing old with item (either may be null). */
    double writeUnits(Map<String, Value> old, Map<String, Value> item) {
        IndexKey oldKey = keyOf(old), newKey = keyOf(item);
        if (oldKey != null && newKey != null) {
            Map<String, Value> oldProjected = project(old), newProjected = project(item);
            if (!oldKey.equals(newKey)) {
                return Capacity.writeUnits(Value.itemSize(oldProjected)) + Capacity.writeUnits(Value.itemSize(newProjected));
            }
            if (!oldProjected.equals(newProjected)) {
                return Capacity.writeUnits(Math.max(Value.itemSize(oldProjected), Value.itemSize(newProjected)));
            }
            return 0;
        }
        if (newKey != null) return Capacity.writeUnits(Value.itemSize(project(item)));
        if (oldKey != null) return Capacity.writeUnits(Value.itemSize(project(old)));
        return 0;
    }

    ObjectNode describe(String tableArn) {
        ObjectNode n = Codec.F.objectNode();
        n.put("IndexName", name);
        n.set("KeySchema", keys.toJson());
        ObjectNode p = n.putObject("Projection");
        p.put("ProjectionType", projectionType);
        if (projectionType.equals("INCLUDE")) {
            ArrayNode a = p.putArray("NonKeyAttributes");
            nonKeyAttributes.forEach(a::add);
        }
        n.put("IndexStatus", "ACTIVE");
        ObjectNode pt = n.putObject("ProvisionedThroughput");
        pt.put("NumberOfDecreasesToday", 0);
        pt.put("ReadCapacityUnits", readCapacityUnits);
        pt.put("WriteCapacityUnits", writeCapacityUnits);
        n.put("IndexSizeBytes", sizeBytes);
        n.put("ItemCount", entries.size());
        n.put("IndexArn", tableArn + "/index/" + name);
        return n;
    }
}
