package app.credits.local;

import app.credits.emulator.FaultInjector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * {@code /_local/faults}: makes the embedded DynamoDB emulator fail, so that a client (the Billing page, a test)
 * sees what the API really answers when the database is in trouble, e.g. 503 {@code unavailable} once the SDK's
 * retries of a {@code ThrottlingException} run out. {@code POST} sets one fault, {@code DELETE} clears it.
 */
final class LocalFaults implements LocalServer.Extras {
    static final String PATH = "/_local/faults";

    private final Consumer<FaultInjector> emulator;

    LocalFaults(Consumer<FaultInjector> emulator) {
        this.emulator = emulator;
    }

    @Override
    public Optional<LocalServer.Reply> handle(String method, String path, String rawQuery,
                                             Map<String, List<String>> headers, byte[] body) {
        if (!path.equals(PATH)) {
            return Optional.empty();
        }
        return switch (method) {
            case "POST" -> Optional.of(set(body));
            case "DELETE" -> {
                emulator.accept(null);
                yield Optional.of(LocalServer.Reply.json(200, ApiGatewayEvents.JSON.createObjectNode().put("cleared", true)));
            }
            default -> Optional.empty();
        };
    }

    /**
     * {@code {"operation": "*" | "GetItem" | ..., "errorType": "ThrottlingException", "httpStatus": 400,
     * "requests": N}}: the next N matching DynamoDB requests (all of them without {@code requests}) fail with that
     * AWS error; nothing is executed. With {@code "delayMillis": D} instead of an error, each waits D ms and then
     * runs (a slow network: past the functions' 2 s attempt timeout the API answers 503 "could not be reached").
     */
    private LocalServer.Reply set(byte[] body) {
        JsonNode request;
        try {
            request = ApiGatewayEvents.JSON.readTree(body);
        } catch (IOException e) {
            request = null;
        }
        if (request == null || !request.isObject()) {
            return invalid("the body must be a JSON object: {\"operation\",\"errorType\",\"httpStatus\",\"requests\"?}");
        }
        String operation = request.path("operation").asText("*");
        String errorType = request.path("errorType").asText("ThrottlingException");
        int status = request.path("httpStatus").asInt(400);
        long requests = request.path("requests").asLong(Long.MAX_VALUE);
        if (status < 400 || status > 599 || requests < 1 || !errorType.matches("[A-Za-z]{1,64}")) {
            return invalid("httpStatus must be 400-599, requests at least 1, errorType an AWS error name");
        }
        long delayMillis = request.path("delayMillis").asLong(0);
        if (delayMillis < 0 || delayMillis > 60_000) {
            return invalid("delayMillis must be 0-60000");
        }
        AtomicLong left = new AtomicLong(requests);
        FaultInjector.Outcome failure = delayMillis > 0 ? FaultInjector.delay(Duration.ofMillis(delayMillis))
                : FaultInjector.failBefore(errorType, status, "injected by POST " + PATH);
        emulator.accept((op, json) -> (operation.equals("*") || operation.equals(op)) && left.getAndDecrement() > 0
                ? failure : FaultInjector.proceed());
        ObjectNode answer = ApiGatewayEvents.JSON.createObjectNode().put("operation", operation);
        if (delayMillis > 0) {
            answer.put("delayMillis", delayMillis);
        } else {
            answer.put("errorType", errorType).put("httpStatus", status);
        }
        if (requests != Long.MAX_VALUE) {
            answer.put("requests", requests);
        }
        return LocalServer.Reply.json(200, answer);
    }

    private static LocalServer.Reply invalid(String message) {
        return LocalServer.Reply.error(400, "invalid_request", "invalid_field", message);
    }
}
