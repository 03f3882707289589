package app.credits.emulator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** ProjectionExpression: an item reduced to some (non-overlapping) document paths. */
final class Projections {
    private Projections() {}

    /** The part of an item kept by a projection: a whole value, or some map keys, or some list elements. */
    private static final class Kept {
        Value whole;
        Map<String, Kept> mapEntries;
        TreeMap<Integer, Kept> listElements;

        Value build() {
            if (whole != null) return whole;
            if (mapEntries != null) {
                Map<String, Value> m = new LinkedHashMap<>();
                mapEntries.forEach((k, v) -> m.put(k, v.build()));
                return new Value.M(m);
            }
            List<Value> l = new ArrayList<>();
            listElements.values().forEach(v -> l.add(v.build()));
            return new Value.L(l);
        }
    }

    /** Returns the item reduced to the given paths (the whole item when {@code paths} is null). */
    static Map<String, Value> project(Map<String, Value> item, List<AttributePath> paths) {
        if (item == null) return null;
        if (paths == null) return item;
        Map<String, Kept> root = new LinkedHashMap<>();
        for (AttributePath p : paths) {
            Value v = p.in(item);
            if (v == null) continue;
            Kept node = root.computeIfAbsent(p.top(), k -> new Kept());
            for (int i = 1; i < p.steps().size(); i++) {
                switch (p.steps().get(i)) {
                    case AttributePath.Name n -> {
                        if (node.mapEntries == null) node.mapEntries = new LinkedHashMap<>();
                        node = node.mapEntries.computeIfAbsent(n.name(), k -> new Kept());
                    }
                    case AttributePath.Index x -> {
                        if (node.listElements == null) node.listElements = new TreeMap<>();
                        node = node.listElements.computeIfAbsent(x.index(), k -> new Kept());
                    }
                }
            }
            node.whole = v;
        }
        Map<String, Value> out = new LinkedHashMap<>();
        // keep the item's attribute order
        for (String k : item.keySet()) {
            Kept n = root.get(k);
            if (n != null) out.put(k, n.build());
        }
        return out;
    }
}
