package app.credits.testkit.s3;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * One HTTP request as the stand-in reads it. {@code rawPath} is the whole path the client signed (with the prefix
 * a host serves the stand-in under); header names are looked up in lower case.
 */
record S3Request(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, byte[] body) {

    S3Request {
        Map<String, List<String>> lower = new TreeMap<>();
        headers.forEach((name, values) -> lower.computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new java.util.ArrayList<>())
                .addAll(values));
        headers = lower;
        rawQuery = rawQuery == null ? "" : rawQuery;
        body = body == null ? new byte[0] : body;
    }

    Optional<String> header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    List<String> headerValues(String name) {
        return headers.getOrDefault(name, List.of());
    }

    Set<String> headerNames() {
        return headers.keySet();
    }

    /** The query's parameters, decoded; a parameter without a value ({@code ?uploads}) maps to "". */
    Map<String, String> query() {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            params.put(decode(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : decode(pair.substring(eq + 1)));
        }
        return params;
    }

    /** Whether the query authenticates the request (a presigned URL). */
    boolean presigned() {
        return query().containsKey("X-Amz-Algorithm") || query().containsKey("X-Amz-Signature");
    }

    static String decode(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
