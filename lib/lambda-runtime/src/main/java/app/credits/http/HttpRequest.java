package app.credits.http;

import app.credits.runtime.Json;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The API Gateway HTTP API payload-format-2.0 event, reduced to what the handlers read. Parsed from the raw
 * JSON with Jackson's tree (no reflection-based mapping: cheaper cold start).
 *
 * @param routeKey    e.g. {@code "GET /orgs/{orgId}/balance"}; {@code "$default"} when no route matched
 * @param body        the exact raw bytes the client sent ({@code isBase64Encoded} already decoded), empty if none
 * @param claims      {@code requestContext.authorizer.jwt.claims} of the verified token; empty without a JWT
 */
public record HttpRequest(
        String routeKey,
        String method,
        String rawPath,
        String rawQueryString,
        Headers headers,
        Map<String, String> queryStringParameters,
        Map<String, String> pathParameters,
        byte[] body,
        String requestId,
        Map<String, String> claims) {

    public HttpRequest {
        routeKey = routeKey == null ? "" : routeKey;
        method = method == null ? "" : method;
        rawPath = rawPath == null ? "" : rawPath;
        rawQueryString = rawQueryString == null ? "" : rawQueryString;
        headers = headers == null ? Headers.empty() : headers;
        queryStringParameters = queryStringParameters == null ? Map.of() : Map.copyOf(queryStringParameters);
        pathParameters = pathParameters == null ? Map.of() : Map.copyOf(pathParameters);
        body = body == null ? new byte[0] : body;
        requestId = requestId == null ? "" : requestId;
        claims = claims == null ? Map.of() : Map.copyOf(claims);
    }

    /** Parses an event; a document that is not an HTTP API event is a 400. */
    public static HttpRequest parse(byte[] eventJson) {
        JsonNode event;
        try {
            event = Json.MAPPER.readTree(eventJson);
        } catch (IOException e) {
            throw ApiError.invalidRequest("malformed_event", "the event is not valid JSON");
        }
        if (event == null || !event.isObject()) {
            throw ApiError.invalidRequest("malformed_event", "the event is not a JSON object");
        }
        JsonNode context = event.path("requestContext");
        JsonNode http = context.path("http");
        String method = text(http.path("method")).orElse(null);
        String routeKey = text(event.path("routeKey")).orElse(null);
        if (method == null && routeKey != null && routeKey.indexOf(' ') > 0) {
            method = routeKey.substring(0, routeKey.indexOf(' '));
        }
        String rawPath = text(event.path("rawPath")).or(() -> text(http.path("path"))).orElse("");
        return new HttpRequest(
                routeKey,
                method,
                rawPath,
                text(event.path("rawQueryString")).orElse(""),
                Headers.of(strings(event.path("headers"))),
                strings(event.path("queryStringParameters")),
                strings(event.path("pathParameters")),
                body(event),
                text(context.path("requestId")).orElse(""),
                strings(context.path("authorizer").path("jwt").path("claims")));
    }

    private static byte[] body(JsonNode event) {
        Optional<String> body = text(event.path("body"));
        if (body.isEmpty()) {
            return new byte[0];
        }
        if (event.path("isBase64Encoded").asBoolean(false)) {
            try {
                return Base64.getMimeDecoder().decode(body.get());
            } catch (IllegalArgumentException e) {
                throw ApiError.invalidRequest("malformed_event", "the body is not valid base64");
            }
        }
        return body.get().getBytes(StandardCharsets.UTF_8);
    }

    private static Optional<String> text(JsonNode node) {
        return node.isValueNode() && !node.isNull() ? Optional.of(node.asText()) : Optional.empty();
    }

    /** A string map; API Gateway sends claim arrays as text already, anything else is kept as its JSON. */
    private static Map<String, String> strings(JsonNode node) {
        Map<String, String> map = new LinkedHashMap<>();
        if (node.isObject()) {
            node.properties().forEach(e -> {
                JsonNode v = e.getValue();
                if (!v.isNull() && !v.isMissingNode()) {
                    map.put(e.getKey(), v.isValueNode() ? v.asText() : v.toString());
                }
            });
        }
        return map;
    }

    public Optional<String> header(String name) {
        return headers.get(name);
    }

    public Optional<String> query(String name) {
        return Optional.ofNullable(queryStringParameters.get(name));
    }

    public Optional<String> pathParameter(String name) {
        return Optional.ofNullable(pathParameters.get(name));
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    public boolean hasJwt() {
        return !claims.isEmpty();
    }

    /** A copy with the path parameters filled in (when the route was matched from the raw path). */
    public HttpRequest withPathParameters(Map<String, String> parameters) {
        return new HttpRequest(routeKey, method, rawPath, rawQueryString, headers, queryStringParameters, parameters,
                body, requestId, claims);
    }

    public HttpRequest withRouteKey(String key) {
        return new HttpRequest(key, method, rawPath, rawQueryString, headers, queryStringParameters, pathParameters,
                body, requestId, claims);
    }
}
