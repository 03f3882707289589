package app.credits.http;

import app.credits.runtime.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.Map;

/** The payload-format-2.0 response: {@code {"statusCode","headers","body","isBase64Encoded":false}}. */
public record HttpResponse(int statusCode, Map<String, String> headers, String body) {

    public HttpResponse {
        headers = Map.copyOf(headers);
        body = body == null ? "" : body;
    }

    public static HttpResponse json(int status, JsonNode body) {
        return new HttpResponse(status, Map.of("content-type", "application/json"), Json.write(body));
    }

    public static HttpResponse text(int status, String contentType, String body) {
        return new HttpResponse(status, Map.of("content-type", contentType), body);
    }

    public static HttpResponse error(int status, String type, String code, String message) {
        ObjectNode error = Json.object();
        error.putObject("error").put("type", type).put("code", code).put("message", message);
        return json(status, error);
    }

    public HttpResponse withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new HttpResponse(statusCode, more, body);
    }

    /** The body as a JSON tree (tests and the local runner). */
    public JsonNode bodyJson() {
        return Json.read(body);
    }

    public String toJson() {
        ObjectNode out = Json.object();
        out.put("statusCode", statusCode);
        ObjectNode h = out.putObject("headers");
        headers.forEach(h::put);
        out.put("body", body);
        out.put("isBase64Encoded", false);
        return Json.write(out);
    }

    /** Reads a response the way API Gateway would (tests, the local runner). */
    public static HttpResponse fromJson(String json) {
        JsonNode node = Json.read(json);
        Map<String, String> headers = new LinkedHashMap<>();
        node.path("headers").properties().forEach(e -> headers.put(e.getKey(), e.getValue().asText()));
        return new HttpResponse(node.path("statusCode").asInt(), headers, node.path("body").asText(""));
    }
}
