package app.credits.lowcredit;

import app.credits.lowcredit.testing.SesEmulator;
import app.credits.runtime.Json;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The custom headers the SES emulator stored with an email: aws-ses-v2-local 2.10.2 keeps SES v2's
 * {@code Content.Simple.Headers} as {@code headers: [{name, value}]} in {@code GET /store}, which
 * {@link SesEmulator.SentEmail} does not carry.
 */
final class StoredHeaders {
    private StoredHeaders() {
    }

    /** The headers of the stored email {@code messageId}, in the order sent (empty if it had none). */
    static Map<String, String> of(SesEmulator ses, String messageId) {
        JsonNode store;
        try (HttpClient http = HttpClient.newHttpClient()) {
            store = Json.read(http.send(HttpRequest.newBuilder(ses.endpoint().resolve("/store")).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        for (JsonNode email : store.path("emails")) {
            if (email.path("messageId").asText().equals(messageId)) {
                Map<String, String> headers = new LinkedHashMap<>();
                email.path("headers").forEach(h -> headers.put(h.path("name").asText(), h.path("value").asText()));
                return headers;
            }
        }
        throw new AssertionError("no stored email " + messageId);
    }
}
