package app.credits.http;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One route a function serves and the roles it allows: the single place the authorization matrix lives (the
 * tests generate their role × org matrix from it). {@code key} is API Gateway's route key, e.g.
 * {@code "GET /orgs/{orgId}/balance"}.
 */
public record Route(String key, Set<Role> roles, boolean authenticated, Handler handler) {

    /** A route's logic: parse the call, make one ledger call, render. */
    @FunctionalInterface
    public interface Handler {
        HttpResponse handle(Call call);
    }

    public Route {
        roles = roles.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(roles));
        if (key.indexOf(' ') < 1) {
            throw new IllegalArgumentException("a route key is \"METHOD /path\": " + key);
        }
    }

    /** A route behind the JWT authorizer, open to {@code roles}. */
    public static Route of(String key, Set<Role> roles, Handler handler) {
        if (roles.isEmpty()) {
            throw new IllegalArgumentException("an authenticated route must allow at least one role: " + key);
        }
        return new Route(key, roles, true, handler);
    }

    /** A route without a JWT (the Stripe webhook authenticates by signature itself). */
    public static Route open(String key, Handler handler) {
        return new Route(key, Set.of(), false, handler);
    }

    public String method() {
        return key.substring(0, key.indexOf(' '));
    }

    public String pathTemplate() {
        return key.substring(key.indexOf(' ') + 1);
    }

    /** Whether the template carries an {@code {orgId}} the caller must be allowed to act on. */
    public boolean orgScoped() {
        return pathTemplate().contains("{orgId}");
    }

    /** Matches a concrete method and path against this route's template; the path parameters if it fits. */
    public Optional<Map<String, String>> match(String requestMethod, String path) {
        if (!method().equalsIgnoreCase(requestMethod)) {
            return Optional.empty();
        }
        String[] want = split(pathTemplate());
        String[] got = split(path);
        if (want.length != got.length) {
            return Optional.empty();
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < want.length; i++) {
            if (want[i].startsWith("{") && want[i].endsWith("}")) {
                if (got[i].isEmpty()) {
                    return Optional.empty();
                }
                params.put(want[i].substring(1, want[i].length() - 1), decode(got[i]));
            } else if (!want[i].equals(got[i])) {
                return Optional.empty();
            }
        }
        return Optional.of(params);
    }

    /** A concrete path for this route (tests): each {@code {name}} replaced by {@code values.get(name)}. */
    public String path(Map<String, String> values) {
        List<String> parts = new ArrayList<>();
        for (String part : split(pathTemplate())) {
            parts.add(part.startsWith("{") ? values.get(part.substring(1, part.length() - 1)) : part);
        }
        return "/" + String.join("/", parts);
    }

    private static String[] split(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        return p.split("/", -1);
    }

    private static String decode(String segment) {
        try {
            return java.net.URLDecoder.decode(segment.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return segment;
        }
    }
}
