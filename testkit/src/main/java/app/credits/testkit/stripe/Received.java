package app.credits.testkit.stripe;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One API request as the stand-in received it: {@code endpoint} is the method and path with object IDs written
 * {@code {id}} ({@code "GET /v1/payment_intents/{id}"}), {@code headers} have lower-case names, {@code params} are
 * the raw form or query parameters ({@code "metadata[org_id]" -> "org_acme"}).
 */
public record Received(String method, String path, String endpoint, Map<String, String> headers,
                       Map<String, String> params, Instant at) {
    private static final Pattern ID = Pattern.compile(
            "(cus|pm|pi|ch|re|dp|evt|cs|txn|py|card|tok|seti|li|price|prod|req)_[A-Za-z0-9_]+");

    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    static String endpointOf(String method, String path) {
        StringBuilder out = new StringBuilder(method).append(' ');
        for (String segment : path.split("/")) {
            if (!segment.isEmpty()) {
                out.append('/').append(ID.matcher(segment).matches() ? "{id}" : segment);
            }
        }
        return out.toString();
    }
}
