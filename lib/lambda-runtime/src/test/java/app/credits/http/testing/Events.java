package app.credits.http.testing;

import app.credits.runtime.Json;
import app.credits.http.Role;
import app.credits.http.Route;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Builds API Gateway HTTP API (payload 2.0) events the way API Gateway sends them: route key, raw path and query,
 * lower-cased headers, path parameters, and the JWT authorizer's claims.
 */
public final class Events {
    private final String routeKey;
    private final Map<String, String> pathParameters = new LinkedHashMap<>();
    private final Map<String, String> query = new LinkedHashMap<>();
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final Map<String, String> claims = new LinkedHashMap<>();
    private byte[] body;
    private boolean base64;

    private Events(String routeKey) {
        this.routeKey = routeKey;
        headers.put("content-type", "application/json");
    }

    /** An event for {@code routeKey}, e.g. {@code "GET /orgs/{orgId}/balance"}. */
    public static Events http(String routeKey) {
        return new Events(routeKey);
    }

    public static Events http(Route route) {
        return new Events(route.key());
    }

    public Events path(String name, String value) {
        pathParameters.put(name, value);
        return this;
    }

    public Events org(String orgId) {
        return path("orgId", orgId);
    }

    public Events query(String name, String value) {
        query.put(name, value);
        return this;
    }

    public Events header(String name, String value) {
        headers.put(name.toLowerCase(), value);
        return this;
    }

    public Events body(String json) {
        this.body = json.getBytes(StandardCharsets.UTF_8);
        this.base64 = false;
        return this;
    }

    /** A body API Gateway base64-encoded (it does so for non-text content types). */
    public Events base64Body(byte[] raw) {
        this.body = raw;
        this.base64 = true;
        return this;
    }

    public Events claims(String sub, String orgId, Role role) {
        claims.clear();
        claims.put("sub", sub);
        if (orgId != null) {
            claims.put("org_id", orgId);
        }
        claims.put("role", role.wireName());
        claims.put("email", sub + "@example.com");
        claims.put("iss", "https://auth.example.com/");
        return this;
    }

    public Events claim(String name, String value) {
        claims.put(name, value);
        return this;
    }

    public Events noClaims() {
        claims.clear();
        return this;
    }

    public byte[] build() {
        String method = routeKey.substring(0, routeKey.indexOf(' '));
        String template = routeKey.substring(routeKey.indexOf(' ') + 1);
        String path = template;
        for (var e : pathParameters.entrySet()) {
            path = path.replace("{" + e.getKey() + "}", URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
        }
        ObjectNode event = Json.object();
        event.put("version", "2.0");
        event.put("routeKey", routeKey);
        event.put("rawPath", path);
        event.put("rawQueryString", query.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&")));
        ObjectNode h = event.putObject("headers");
        headers.forEach(h::put);
        if (!query.isEmpty()) {
            ObjectNode q = event.putObject("queryStringParameters");
            query.forEach(q::put);
        }
        if (!pathParameters.isEmpty()) {
            ObjectNode p = event.putObject("pathParameters");
            pathParameters.forEach(p::put);
        }
        ObjectNode context = event.putObject("requestContext");
        context.put("accountId", "123456789012");
        context.put("apiId", "api");
        context.put("domainName", "api.example.com");
        context.put("requestId", "req-" + UUID.randomUUID());
        context.put("routeKey", routeKey);
        context.put("stage", "$default");
        context.put("timeEpoch", System.currentTimeMillis());
        ObjectNode http = context.putObject("http");
        http.put("method", method);
        http.put("path", path);
        http.put("protocol", "HTTP/1.1");
        http.put("sourceIp", "192.0.2.1");
        http.put("userAgent", "tests");
        if (!claims.isEmpty()) {
            ObjectNode jwt = context.putObject("authorizer").putObject("jwt");
            ObjectNode c = jwt.putObject("claims");
            claims.forEach(c::put);
            jwt.putArray("scopes");
        }
        if (body != null) {
            event.put("body", base64 ? Base64.getEncoder().encodeToString(body) : new String(body, StandardCharsets.UTF_8));
        }
        event.put("isBase64Encoded", base64);
        return Json.write(event).getBytes(StandardCharsets.UTF_8);
    }
}
