package app.credits.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The key attributes of a table or an index: a partition key and an optional sort key (null when absent). */
record KeySchema(Attribute partition, Attribute sort) {

    /** A key attribute: its name and its scalar type (S, N or B). */
    record Attribute(String name, String type) {}

    /** Reads a validated KeySchema, taking the types from the table's AttributeDefinitions. */
    static KeySchema fromJson(JsonNode keySchema, Map<String, String> types) {
        Attribute partition = null, sort = null;
        for (JsonNode e : keySchema) {
            String name = e.get("AttributeName").textValue();
            Attribute a = new Attribute(name, types.get(name));
            if (e.get("KeyType").textValue().equals("HASH")) partition = a; else sort = a;
        }
        return new KeySchema(partition, sort);
    }

    ArrayNode toJson() {
        ArrayNode a = Codec.F.arrayNode();
        a.addObject().put("AttributeName", partition.name()).put("KeyType", "HASH");
        if (sort != null) a.addObject().put("AttributeName", sort.name()).put("KeyType", "RANGE");
        return a;
    }

    /** The key attributes in order: partition, then sort if any. */
    List<Attribute> attributes() {
        return sort == null ? List.of(partition) : List.of(partition, sort);
    }

    boolean isKeyAttribute(String name) {
        return name.equals(partition.name()) || (sort != null && name.equals(sort.name()));
    }

    /** The primary key of an item whose key attributes are present and valid. */
    PrimaryKey keyOf(Map<String, Value> item) {
        return new PrimaryKey(item.get(partition.name()), sort == null ? null : item.get(sort.name()));
    }

    /** The key attributes of an item, as a Key or LastEvaluatedKey map. */
    Map<String, Value> keyAttributes(Map<String, Value> item) {
        Map<String, Value> k = new LinkedHashMap<>();
        k.put(partition.name(), item.get(partition.name()));
        if (sort != null) k.put(sort.name(), item.get(sort.name()));
        return k;
    }

    /** A primary key as a map of attributes. */
    Map<String, Value> keyAttributes(PrimaryKey key) {
        Map<String, Value> k = new LinkedHashMap<>();
        k.put(partition.name(), key.partition());
        if (sort != null) k.put(sort.name(), key.sort());
        return k;
    }
}
