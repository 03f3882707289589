package app.credits.testkit.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The parameters of one request as stripe-java sends them: {@code application/x-www-form-urlencoded} (a POST body
 * or a query string) in Stripe's bracket encoding ({@code metadata[org_id]=x}, {@code line_items[0][quantity]=2},
 * {@code types[]=a}), read into a tree. Typed reads fail the way Stripe does: a 400 naming the parameter.
 */
final class Params {
    private final String prefix;
    private final JsonNode tree;
    private final Map<String, String> flat;

    private Params(String prefix, JsonNode tree, Map<String, String> flat) {
        this.prefix = prefix;
        this.tree = tree;
        this.flat = flat;
    }

    static Params parse(String encoded) {
        Map<String, String> flat = new LinkedHashMap<>();
        if (encoded != null) {
            for (String pair : encoded.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                // "types[]" repeats: keep each under its own index, as the tree does.
                flat.put(name.endsWith("[]") ? name.substring(0, name.length() - 1) + countOf(flat, name) + "]" : name, value);
            }
        }
        return of(flat);
    }

    static Params of(Map<String, String> flat) {
        ObjectNode root = StripeJson.object();
        flat.forEach((name, value) -> put(root, name, value));
        return new Params("", arrays(root), java.util.Collections.unmodifiableMap(new LinkedHashMap<>(flat)));
    }

    static Params empty() {
        return of(Map.of());
    }

    /** The raw name=value pairs, as sent (for the record of what a test's code sent). */
    Map<String, String> flat() {
        return flat;
    }

    /** A fingerprint of the parameters: the same request sent twice has the same one. */
    String fingerprint() {
        return new java.util.TreeMap<>(flat).toString();
    }

    boolean has(String name) {
        return tree.has(name);
    }

    boolean isHash(String name) {
        return tree.path(name).isObject();
    }

    /** Refuses any parameter but these (Stripe: {@code parameter_unknown}). */
    Params allowOnly(Set<String> names) {
        Iterator<String> fields = tree.isObject() ? tree.fieldNames() : List.<String>of().iterator();
        while (fields.hasNext()) {
            String field = fields.next();
            if (!names.contains(field)) {
                throw StripeError.unknownParameter(name(field));
            }
        }
        return this;
    }

    Optional<String> string(String name) {
        JsonNode value = tree.path(name);
        if (value.isMissingNode()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw StripeError.invalid(name(name), null, "Invalid string: " + name(name) + " must be a string.");
        }
        return value.asText().isEmpty() ? Optional.empty() : Optional.of(value.asText());
    }

    String required(String name) {
        return string(name).orElseThrow(() -> StripeError.missing(name(name)));
    }

    Optional<Long> integer(String name) {
        Optional<String> text = string(name);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(text.get()));
        } catch (NumberFormatException e) {
            throw StripeError.invalid(name(name), "parameter_invalid_integer", "Invalid integer: " + text.get());
        }
    }

    long requiredInteger(String name) {
        return integer(name).orElseThrow(() -> StripeError.missing(name(name)));
    }

    boolean bool(String name) {
        Optional<String> text = string(name);
        if (text.isEmpty()) {
            return false;
        }
        return switch (text.get()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw StripeError.invalid(name(name), null, "Invalid boolean: " + text.get());
        };
    }

    /** One of the allowed values, or empty. */
    Optional<String> oneOf(String name, Set<String> allowed) {
        Optional<String> value = string(name);
        if (value.isPresent() && !allowed.contains(value.get())) {
            throw StripeError.invalid(name(name), null, "Invalid " + name(name) + ": must be one of "
                    + String.join(", ", new java.util.TreeSet<>(allowed)));
        }
        return value;
    }

    /** A nested hash ({@code payment_intent_data[...]}); empty if absent. */
    Params child(String name) {
        JsonNode value = tree.path(name);
        if (value.isMissingNode()) {
            return new Params(name(name), StripeJson.object(), Map.of());
        }
        if (!value.isObject()) {
            throw StripeError.invalid(name(name), null, "Invalid object: " + name(name) + " must be a hash.");
        }
        return new Params(name(name), value, Map.of());
    }

    /** A list of hashes ({@code line_items[0][...]}). */
    List<Params> children(String name) {
        JsonNode value = tree.path(name);
        List<Params> out = new ArrayList<>();
        if (value.isMissingNode()) {
            return out;
        }
        if (!value.isArray()) {
            throw StripeError.invalid(name(name), null, "Invalid array: " + name(name) + " must be an array.");
        }
        for (int i = 0; i < value.size(); i++) {
            if (!value.get(i).isObject()) {
                throw StripeError.invalid(name(name) + "[" + i + "]", null, "Invalid object");
            }
            out.add(new Params(name(name) + "[" + i + "]", value.get(i), Map.of()));
        }
        return out;
    }

    /** A list of strings ({@code expand[0]=x}, {@code types[]=y}). */
    List<String> strings(String name) {
        JsonNode value = tree.path(name);
        List<String> out = new ArrayList<>();
        if (value.isMissingNode()) {
            return out;
        }
        if (value.isTextual()) {
            out.add(value.asText());
            return out;
        }
        if (!value.isArray()) {
            throw StripeError.invalid(name(name), null, "Invalid array: " + name(name) + " must be an array.");
        }
        value.forEach(v -> {
            if (!v.isTextual()) {
                throw StripeError.invalid(name(name), null, "Invalid array of strings: " + name(name));
            }
            out.add(v.asText());
        });
        return out;
    }

    /**
     * {@code metadata[key]=value} with Stripe's limits: at most 50 keys of up to 40 characters, values of up to 500.
     * An empty value unsets a key in Stripe; on creation it is simply left out.
     */
    ObjectNode metadata(String name) {
        return metadata(name, false);
    }

    /** With {@code keepEmpty}, keys given an empty value stay (an update unsets them). */
    ObjectNode metadata(String name, boolean keepEmpty) {
        ObjectNode metadata = StripeJson.object();
        JsonNode value = tree.path(name);
        if (value.isMissingNode() || (value.isTextual() && value.asText().isEmpty())) {
            return metadata;
        }
        if (!value.isObject()) {
            throw StripeError.invalid(name(name), null, "Invalid object: " + name(name) + " must be a hash.");
        }
        if (value.size() > 50) {
            throw StripeError.invalid(name(name), null, "Invalid metadata: metadata can have at most 50 keys.");
        }
        value.properties().forEach(e -> {
            if (e.getKey().length() > 40) {
                throw StripeError.invalid(name(name) + "[" + e.getKey() + "]", null,
                        "Invalid metadata: keys can be at most 40 characters long.");
            }
            if (!e.getValue().isTextual() || e.getValue().asText().length() > 500) {
                throw StripeError.invalid(name(name) + "[" + e.getKey() + "]", null,
                        "Invalid metadata: values must be strings of at most 500 characters.");
            }
            if (keepEmpty || !e.getValue().asText().isEmpty()) {
                metadata.put(e.getKey(), e.getValue().asText());
            }
        });
        return metadata;
    }

    /** The name Stripe's errors use: {@code payment_intent_data[setup_future_usage]}. */
    String name(String field) {
        return prefix.isEmpty() ? field : prefix + "[" + field + "]";
    }

    private static int countOf(Map<String, String> flat, String arrayName) {
        String stem = arrayName.substring(0, arrayName.length() - 1);
        return (int) flat.keySet().stream().filter(k -> k.startsWith(stem) && k.substring(stem.length()).matches("\\d+]"))
                .count();
    }

    private static void put(ObjectNode root, String name, String value) {
        List<String> path = new ArrayList<>();
        int open = name.indexOf('[');
        path.add(open < 0 ? name : name.substring(0, open));
        while (open >= 0) {
            int close = name.indexOf(']', open);
            if (close < 0) {
                throw StripeError.invalid(name, null, "Invalid parameter name: " + name);
            }
            path.add(name.substring(open + 1, close));
            open = name.indexOf('[', close);
        }
        ObjectNode node = root;
        for (int i = 0; i < path.size() - 1; i++) {
            JsonNode next = node.get(path.get(i));
            if (next == null) {
                next = node.putObject(path.get(i));
            } else if (!next.isObject()) {
                throw StripeError.invalid(name, null, "Invalid parameter: " + name + " mixes a value and a hash.");
            }
            node = (ObjectNode) next;
        }
        String last = path.getLast();
        if (node.has(last)) {
            throw StripeError.invalid(name, null, "Invalid parameter: " + name + " is given twice.");
        }
        node.put(last, value);
    }

    /** Hashes whose keys are 0..n-1 are lists. */
    private static JsonNode arrays(JsonNode node) {
        if (!node.isObject()) {
            return node;
        }
        ObjectNode object = (ObjectNode) node;
        boolean indexed = !object.isEmpty();
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            indexed &= names.next().matches("\\d+");
        }
        if (indexed) {
            Map<Integer, JsonNode> byIndex = new java.util.TreeMap<>();
            object.properties().forEach(e -> byIndex.put(Integer.parseInt(e.getKey()), arrays(e.getValue())));
            ArrayNode array = StripeJson.array();
            int expected = 0;
            for (var e : byIndex.entrySet()) {
                if (e.getKey() != expected++) {
                    throw StripeError.invalid(null, null, "Invalid array: indexes must start at 0 and have no gaps.");
                }
                array.add(e.getValue());
            }
            return array;
        }
        ObjectNode copy = StripeJson.object();
        object.properties().forEach(e -> copy.set(e.getKey(), arrays(e.getValue())));
        return copy;
    }
}
