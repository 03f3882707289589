package app.credits.checkout;

import app.credits.http.ApiError;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;

/**
 * Where Stripe sends the buyer back. Absolute https URLs only, so that a session can never return a buyer to a
 * plain-http page; http is allowed for localhost, where the Billing page runs during development.
 */
final class ReturnUrls {
    static final int MAX_LENGTH = 2048;
    /** Stripe fills this in on success_url; the braces are not legal in a URI, so it is checked without them. */
    private static final String SESSION_ID_TEMPLATE = "{CHECKOUT_SESSION_ID}";
    private static final Set<String> LOCAL_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

    private ReturnUrls() {
    }

    static String require(String field, String url) {
        if (url.isEmpty() || url.length() > MAX_LENGTH) {
            throw invalid(field);
        }
        URI uri;
        try {
            uri = new URI(url.replace(SESSION_ID_TEMPLATE, "CHECKOUT_SESSION_ID"));
        } catch (URISyntaxException e) {
            throw invalid(field);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        boolean secure = scheme.equals("https") && !host.isEmpty();
        boolean local = scheme.equals("http") && LOCAL_HOSTS.contains(host);
        if (!(secure || local) || uri.getUserInfo() != null) {
            throw invalid(field);
        }
        return url;
    }

    private static ApiError invalid(String field) {
        return ApiError.invalidRequest("invalid_field",
                field + " must be an absolute https URL of at most " + MAX_LENGTH + " characters (http only for localhost)");
    }
}
