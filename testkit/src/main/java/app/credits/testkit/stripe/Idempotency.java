package app.credits.testkit.stripe;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Stripe's idempotent requests: a POST's result is kept under its {@code Idempotency-Key} (per API key, 24 hours).
 * The same key with the same endpoint and parameters replays it; with others it is a 400 {@code idempotency_error};
 * while the first is still running, a 409. A result is kept only once the endpoint ran: a request refused by
 * validation (400, 401, 404) can be retried with the same key.
 */
final class Idempotency {
    static final Duration KEPT = Duration.ofHours(24);

    sealed interface Begin {
    }

    record Proceed() implements Begin {
    }

    record Replay(StripeApi.Answer answer, String originalRequest) implements Begin {
    }

    record Refused(StripeError error) implements Begin {
    }

    private record Saved(String request, StripeApi.Answer answer, String requestId, Instant at) {
    }

    private final Clock clock;
    private final Map<String, Saved> saved = new HashMap<>();
    private final Map<String, String> running = new HashMap<>();

    Idempotency(Clock clock) {
        this.clock = clock;
    }

    /** {@code request}: the endpoint and a fingerprint of its parameters. */
    synchronized Begin begin(String scopedKey, String request) {
        Saved previous = saved.get(scopedKey);
        if (previous != null && previous.at().plus(KEPT).isBefore(clock.instant())) {
            saved.remove(scopedKey);
            previous = null;
        }
        if (previous != null) {
            if (previous.request().equals(request)) {
                return new Replay(previous.answer(), previous.requestId());
            }
            String key = scopedKey.substring(scopedKey.indexOf('\n') + 1);
            return new Refused(StripeError.of(400, "idempotency_error", null, "Keys for idempotent requests can only be "
                    + "used with the same parameters they were first used with. Try using a key other than '" + key
                    + "' if you meant to execute a different request."));
        }
        if (running.putIfAbsent(scopedKey, request) != null) {
            return new Refused(StripeError.of(409, "invalid_request_error", "idempotency_key_in_use",
                    "There is currently another in-progress request using this Idempotent Key (that probably means you "
                            + "submitted twice, and the other request is still going through)."));
        }
        return new Proceed();
    }

    synchronized void finish(String scopedKey, String request, StripeApi.Answer answer, String requestId) {
        running.remove(scopedKey);
        int status = answer.status();
        boolean ran = status < 400 || status == 402 || status >= 500;
        if (ran) {
            saved.put(scopedKey, new Saved(request, answer, requestId, clock.instant()));
        }
    }

    synchronized void clear() {
        saved.clear();
        running.clear();
    }
}
