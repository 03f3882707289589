package app.credits.checkout;

import app.credits.http.ApiError;
import app.credits.runtime.Environment;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Where Stripe may send the buyer back: only to an origin this deployment allows, or Stripe's trusted checkout
 * page becomes an open redirect to any site. Deployed, the allowed origins are the template's AllowedOrigins (env
 * {@code ALLOWED_ORIGINS}, comma-separated, the same list CORS allows); without that variable (the local runner),
 * {@code http://127.0.0.1} and {@code http://localhost} on any port, and nothing else.
 */
public final class ReturnUrls {
    static final int MAX_LENGTH = 2048;
    /** Stripe fills this in on success_url; the braces are not legal in a URI, so it is checked without them. */
    private static final String SESSION_ID_TEMPLATE = "{CHECKOUT_SESSION_ID}";
    private static final Set<String> LOCAL_HOSTS = Set.of("127.0.0.1", "localhost");

    /** scheme://host:port with the port made explicit, so that https://a and https://a:443 are one origin. */
    private record Origin(String scheme, String host, int port) {
        static Optional<Origin> of(URI uri) {
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            int defaultPort = switch (scheme) {
                case "https" -> 443;
                case "http" -> 80;
                default -> -1;
            };
            if (defaultPort < 0 || uri.getHost() == null || uri.getRawUserInfo() != null) {
                return Optional.empty();
            }
            return Optional.of(new Origin(scheme, uri.getHost().toLowerCase(Locale.ROOT),
                    uri.getPort() < 0 ? defaultPort : uri.getPort()));
        }

        @Override
        public String toString() {
            return scheme + "://" + host + (port == (scheme.equals("https") ? 443 : 80) ? "" : ":" + port);
        }
    }

    /** Empty: the local rule. */
    private final Optional<List<Origin>> allowed;

    private ReturnUrls(Optional<List<Origin>> allowed) {
        this.allowed = allowed;
    }

    /** The local runner's rule: http on 127.0.0.1 or localhost, any port. */
    public static ReturnUrls local() {
        return new ReturnUrls(Optional.empty());
    }

    /** Exactly these origins ({@code https://app.example.com}, {@code http://localhost:5173}, ...). */
    public static ReturnUrls allowing(List<String> origins) {
        if (origins.isEmpty()) {
            throw new IllegalStateException("ALLOWED_ORIGINS lists no origin");
        }
        return new ReturnUrls(Optional.of(origins.stream().map(ReturnUrls::configuredOrigin).toList()));
    }

    /** {@code ALLOWED_ORIGINS} if set (deployed: the template's AllowedOrigins), else {@link #local()}. */
    public static ReturnUrls fromEnvironment(Environment env) {
        return env.get("ALLOWED_ORIGINS")
                .map(list -> allowing(Arrays.stream(list.split(",")).map(String::trim).filter(o -> !o.isEmpty()).toList()))
                .orElseGet(ReturnUrls::local);
    }

    /** {@code url} if it is an absolute URL on an allowed origin, else a 400 naming {@code field}. */
    String require(String field, String url) {
        if (url.isEmpty() || url.length() > MAX_LENGTH) {
            throw invalid(field);
        }
        URI uri;
        try {
            uri = new URI(url.replace(SESSION_ID_TEMPLATE, "CHECKOUT_SESSION_ID"));
        } catch (URISyntaxException e) {
            throw invalid(field);
        }
        Optional<Origin> origin = Origin.of(uri);
        if (origin.isEmpty() || !isAllowed(origin.get())) {
            throw invalid(field);
        }
        return url;
    }

    private boolean isAllowed(Origin origin) {
        return allowed.map(list -> list.contains(origin))
                .orElseGet(() -> origin.scheme().equals("http") && LOCAL_HOSTS.contains(origin.host()));
    }

    private ApiError invalid(String field) {
        String where = allowed.map(list -> String.join(", ", list.stream().map(Origin::toString).toList()))
                .orElse("http://127.0.0.1 or http://localhost, any port");
        return ApiError.invalidRequest("invalid_field", field + " must be an absolute URL of at most " + MAX_LENGTH
                + " characters on an origin this deployment allows (" + where + ")");
    }

    private static Origin configuredOrigin(String text) {
        try {
            URI uri = new URI(text);
            Optional<Origin> origin = Origin.of(uri);
            boolean bare = (uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))
                    && uri.getRawQuery() == null && uri.getRawFragment() == null;
            if (origin.isPresent() && bare) {
                return origin.get();
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new IllegalStateException("ALLOWED_ORIGINS must list origins such as https://app.example.com, not \"" + text + "\"");
    }
}
