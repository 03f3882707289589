package app.credits.http;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** HTTP headers, looked up case-insensitively (API Gateway lower-cases them; callers and tests may not). */
public final class Headers {
    private final Map<String, String> values;

    private Headers(Map<String, String> values) {
        this.values = values;
    }

    public static Headers of(Map<String, String> raw) {
        TreeMap<String, String> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (raw != null) {
            map.putAll(raw);
        }
        return new Headers(Collections.unmodifiableMap(map));
    }

    public static Headers empty() {
        return of(Map.of());
    }

    public Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name));
    }

    /** Every header, with case-insensitive keys. */
    public Map<String, String> asMap() {
        return values;
    }

    @Override
    public String toString() {
        return "Headers" + values.keySet();
    }
}
