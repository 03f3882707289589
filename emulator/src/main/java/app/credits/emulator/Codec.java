package app.credits.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Converts between DynamoDB JSON attribute values and {@link Value}. */
final class Codec {
    private Codec() {}

    static final JsonNodeFactory F = JsonNodeFactory.instance;

    static Value fromJson(JsonNode n) {
        if (n == null || !n.isObject()) {
            throw DynamoError.validation("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
        }
        if (n.size() == 0) {
            throw DynamoError.validation("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
        }
        if (n.size() > 1) {
            throw DynamoError.validation("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes");
        }
        var e = n.properties().iterator().next();
        String t = e.getKey();
        JsonNode v = e.getValue();
        switch (t) {
            case "S" -> { return new Value.S(text(v, t)); }
            case "N" -> { return new Value.N(Numbers.parse(text(v, t))); }
            case "B" -> { return bytes(v); }
            case "BOOL" -> {
                if (!v.isBoolean()) throw typeErr(t);
                return new Value.Bool(v.booleanValue());
            }
            case "NULL" -> {
                if (!v.isBoolean()) throw typeErr(t);
                if (!v.booleanValue()) throw DynamoError.invalidParam("Null attribute value types must have the value of true");
                return Value.NULL;
            }
            case "M" -> {
                if (!v.isObject()) throw typeErr(t);
                Map<String, Value> m = new LinkedHashMap<>();
                for (var p : v.properties()) m.put(p.getKey(), fromJson(p.getValue()));
                return new Value.M(m);
            }
            case "L" -> {
                if (!v.isArray()) throw typeErr(t);
                List<Value> l = new ArrayList<>(v.size());
                for (JsonNode x : v) l.add(fromJson(x));
                return new Value.L(l);
            }
            case "SS" -> {
                if (!v.isArray()) throw typeErr(t);
                Set<String> s = new LinkedHashSet<>();
                List<String> seen = new ArrayList<>();
                for (JsonNode x : v) { String str = text(x, t); seen.add(str); if (!s.add(str)) throw dup(seen); }
                if (s.isEmpty()) throw emptySet();
                return new Value.SS(s);
            }
            case "NS" -> {
                if (!v.isArray()) throw typeErr(t);
                Set<BigDecimal> s = new LinkedHashSet<>();
                List<String> seen = new ArrayList<>();
                for (JsonNode x : v) { String str = text(x, t); seen.add(str); if (!s.add(Numbers.parse(str))) throw dup(seen); }
                if (s.isEmpty()) throw emptySet();
                return new Value.NS(s);
            }
            case "BS" -> {
                if (!v.isArray()) throw typeErr(t);
                Set<Value.B> s = new LinkedHashSet<>();
                List<String> seen = new ArrayList<>();
                for (JsonNode x : v) { seen.add(x.asText()); if (!s.add(bytes(x))) throw dup(seen); }
                if (s.isEmpty()) throw emptySet();
                return new Value.BS(s);
            }
            default -> throw DynamoError.validation("Supplied AttributeValue has an unsupported datatype: " + t);
        }
    }

    private static DynamoError typeErr(String t) {
        return DynamoError.validation("Supplied AttributeValue has an invalid value for datatype " + t);
    }

    private static DynamoError emptySet() {
        return DynamoError.invalidParam("An string set  may not be empty");
    }

    private static DynamoError dup(List<String> seen) {
        return DynamoError.invalidParam("Input collection " + seen + " contains duplicates.");
    }

    private static String text(JsonNode v, String t) {
        if (v == null || !v.isTextual()) throw typeErr(t);
        return v.textValue();
    }

    private static Value.B bytes(JsonNode v) {
        if (v == null || !v.isTextual()) throw typeErr("B");
        try {
            return new Value.B(Base64.getMimeDecoder().decode(v.textValue()));
        } catch (IllegalArgumentException e) {
            throw DynamoError.validation("Supplied AttributeValue has an invalid base64 value for datatype B");
        }
    }

    static ObjectNode toJson(Value v) {
        ObjectNode n = F.objectNode();
        switch (v) {
            case Value.S s -> n.put("S", s.v());
            case Value.N x -> n.put("N", Numbers.format(x.v()));
            case Value.B b -> n.put("B", Base64.getEncoder().encodeToString(b.v()));
            case Value.Bool b -> n.put("BOOL", b.v());
            case Value.Null ignored -> n.put("NULL", true);
            case Value.M m -> n.set("M", itemToJson(m.v()));
            case Value.L l -> {
                ArrayNode a = n.putArray("L");
                for (Value e : l.v()) a.add(toJson(e));
            }
            case Value.SS s -> {
                ArrayNode a = n.putArray("SS");
                for (String e : s.v()) a.add(e);
            }
            case Value.NS s -> {
                ArrayNode a = n.putArray("NS");
                for (BigDecimal e : s.v()) a.add(Numbers.format(e));
            }
            case Value.BS s -> {
                ArrayNode a = n.putArray("BS");
                for (Value.B e : s.v()) a.add(Base64.getEncoder().encodeToString(e.v()));
            }
        }
        return n;
    }

    static Map<String, Value> itemFromJson(JsonNode n, String what) {
        if (n == null || n.isNull()) return null;
        if (!n.isObject()) throw DynamoError.validation("Invalid " + what + ": expected a map of attribute values");
        Map<String, Value> m = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.properties().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (e.getKey().isEmpty()) throw DynamoError.invalidParam("An attribute name cannot be empty");
            m.put(e.getKey(), fromJson(e.getValue()));
        }
        return m;
    }

    static ObjectNode itemToJson(Map<String, Value> item) {
        ObjectNode n = F.objectNode();
        for (var e : item.entrySet()) n.set(e.getKey(), toJson(e.getValue()));
        return n;
    }
}
