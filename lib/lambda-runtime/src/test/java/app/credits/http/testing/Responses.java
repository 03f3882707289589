package app.credits.http.testing;

import app.credits.http.HttpResponse;
import com.fasterxml.jackson.databind.JsonNode;

/** Checks on answers shared by the handler tests. */
public final class Responses {
    private Responses() {
    }

    /** The contract's error shape with the given status, type and code; returns the error object. */
    public static JsonNode assertError(HttpResponse response, int status, String type, String code) {
        JsonNode body = response.bodyJson();
        JsonNode error = body.path("error");
        boolean shaped = body.size() == 1 && error.isObject() && error.size() == 3
                && error.path("type").isTextual() && error.path("code").isTextual()
                && error.path("message").isTextual() && !error.path("message").asText().isBlank();
        if (response.statusCode() != status || !shaped || !error.path("type").asText().equals(type)
                || (code != null && !error.path("code").asText().equals(code))) {
            throw new AssertionError("expected " + status + " " + type + "/" + code + ", got "
                    + response.statusCode() + " " + response.body());
        }
        return error;
    }

    /** Any contract-shaped error (status 4xx/5xx with {type, code, message}). */
    public static boolean isContractError(HttpResponse response) {
        JsonNode error = response.bodyJson().path("error");
        return response.statusCode() >= 400 && error.path("type").isTextual() && error.path("code").isTextual()
                && error.path("message").isTextual();
    }

    public static JsonNode assertStatus(HttpResponse response, int status) {
        if (response.statusCode() != status) {
            throw new AssertionError("expected " + status + ", got " + response.statusCode() + " " + response.body());
        }
        return response.bodyJson();
    }
}
