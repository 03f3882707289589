package app.credits.bench.perf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One of the repository's sample events ({@code events/<function>/<file>.json}) with fields changed, so every
 * measured request is the real event shape with a fresh id (a repeated id would be a replay, not a charge).
 */
final class SampleEvent {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final ObjectNode event;

    private SampleEvent(ObjectNode event) {
        this.event = event;
    }

    static SampleEvent load(Path repo, String relative) {
        try {
            return new SampleEvent((ObjectNode) MAPPER.readTree(repo.resolve("events").resolve(relative).toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read sample event " + relative, e);
        }
    }

    SampleEvent copy() {
        return new SampleEvent(event.deepCopy());
    }

    /** Sets one top-level field of the JSON body. */
    SampleEvent body(String field, String value) {
        try {
            ObjectNode body = (ObjectNode) MAPPER.readTree(event.path("body").asText("{}"));
            body.put(field, value);
            event.put("body", MAPPER.writeValueAsString(body));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Replaces the whole raw body (a webhook's payload, byte for byte as signed). */
    SampleEvent rawBody(String body) {
        event.put("body", body);
        event.put("isBase64Encoded", false);
        return this;
    }

    /** Sets a path parameter and rewrites the raw path to match. */
    SampleEvent path(String name, String value) {
        ObjectNode params = (ObjectNode) event.path("pathParameters");
        String old = params.path(name).asText();
        params.put(name, value);
        String rawPath = event.path("rawPath").asText().replace("/" + old, "/" + value);
        event.put("rawPath", rawPath);
        ((ObjectNode) event.path("requestContext").path("http")).put("path", rawPath);
        return this;
    }

    /** Sets one claim of the (already verified) JWT. */
    SampleEvent claim(String name, String value) {
        ((ObjectNode) event.path("requestContext").path("authorizer").path("jwt").path("claims")).put(name, value);
        return this;
    }

    SampleEvent header(String name, String value) {
        ((ObjectNode) event.path("headers")).put(name, value);
        return this;
    }

    byte[] bytes() {
        return json().getBytes(StandardCharsets.UTF_8);
    }

    String json() {
        try {
            return MAPPER.writeValueAsString(event);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void writeTo(Path file) {
        try {
            Files.writeString(file, json());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The HTTP status of a payload-2.0 response document (-1 if it is not one). */
    static int status(String response) {
        for (String line : response.split("\n")) {
            if (line.contains("\"statusCode\"")) {
                try {
                    JsonNode node = MAPPER.readTree(line);
                    return node.path("statusCode").asInt(-1);
                } catch (IOException ignored) {
                    // a log line that mentions statusCode: keep looking
                }
            }
        }
        return -1;
    }
}
