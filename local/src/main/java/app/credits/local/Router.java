package app.credits.local;

import app.credits.testkit.template.SamTemplate;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Matches requests to the template's HTTP API routes the way API Gateway does: {@code {name}} matches one path
 * segment, a trailing {@code {name+}} the rest; the most specific route wins (more literal segments first);
 * {@code ANY} matches every method.
 */
public final class Router {

    /** A route and the function that serves it. */
    public record Target(SamTemplate.HttpRoute route, SamTemplate.Function function) {
    }

    /** A matched request: its route, function and decoded path parameters. */
    public record Match(Target target, Map<String, String> pathParameters) {
    }

    private record Compiled(Target target, String[] segments, int literals) {
    }

    private final List<Compiled> routes = new ArrayList<>();

    public Router(SamTemplate template) {
        for (SamTemplate.Function function : template.httpFunctions()) {
            for (SamTemplate.HttpRoute route : function.routes()) {
                String[] segments = split(route.path());
                int literals = 0;
                for (String s : segments) {
                    if (!isParameter(s)) {
                        literals++;
                    }
                }
                routes.add(new Compiled(new Target(route, function), segments, literals));
            }
        }
        routes.sort(Comparator.comparingInt((Compiled c) -> -c.literals)
                .thenComparing(c -> c.target.route().method().equals("ANY")));
    }

    public List<Target> targets() {
        return routes.stream().map(Compiled::target).toList();
    }

    public Optional<Match> match(String method, String rawPath) {
        String[] path = split(rawPath);
        for (Compiled c : routes) {
            String routeMethod = c.target.route().method();
            if (!routeMethod.equals("ANY") && !routeMethod.equals(method)) {
                continue;
            }
            Map<String, String> params = matchSegments(c.segments, path);
            if (params != null) {
                return Optional.of(new Match(c.target, params));
            }
        }
        return Optional.empty();
    }

    private static Map<String, String> matchSegments(String[] pattern, String[] path) {
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < pattern.length; i++) {
            String p = pattern[i];
            if (p.startsWith("{") && p.endsWith("+}")) {
                if (i >= path.length) {
                    return null;
                }
                StringBuilder rest = new StringBuilder();
                for (int j = i; j < path.length; j++) {
                    rest.append(j > i ? "/" : "").append(decode(path[j]));
                }
                params.put(p.substring(1, p.length() - 2), rest.toString());
                return params;
            }
            if (i >= path.length) {
                return null;
            }
            if (isParameter(p)) {
                if (path[i].isEmpty()) {
                    return null;
                }
                params.put(p.substring(1, p.length() - 1), decode(path[i]));
            } else if (!p.equals(path[i])) {
                return null;
            }
        }
        return pattern.length == path.length ? params : null;
    }

    private static boolean isParameter(String segment) {
        return segment.startsWith("{") && segment.endsWith("}");
    }

    private static String[] split(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        return trimmed.isEmpty() ? new String[0] : trimmed.split("/", -1);
    }

    private static String decode(String segment) {
        try {
            // Path segments: '+' is a plus sign, not a space.
            return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return segment;
        }
    }
}
