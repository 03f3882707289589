package app.credits.testkit.stripe;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stripe misbehaving on purpose, for the next N requests (to any endpoint, or to one such as
 * {@code "POST /v1/payment_intents"}): an error answered before anything is done (500, 429 {@code rate_limit}, or
 * any Stripe error), the connection dropped before anything is done, or the request carried out and its answer
 * never sent (the client's read times out after the charge was made).
 */
public final class Faults {

    /** What a caught request gets. */
    public static final class Fault {
        enum Kind { ANSWER_BEFORE, DISCONNECT_BEFORE, TIMEOUT_AFTER }

        final Kind kind;
        final int status;
        final ObjectNode body;

        private Fault(Kind kind, int status, ObjectNode body) {
            this.kind = kind;
            this.status = status;
            this.body = body;
        }

        @Override
        public String toString() {
            return kind == Kind.ANSWER_BEFORE ? status + " " + body.path("error").path("type").asText() : kind.toString();
        }
    }

    /** 500 {@code api_error}; stripe-java retries it (same Idempotency-Key). */
    public static Fault serverError() {
        return error(500, "api_error", null, "Sorry, something went wrong. We've already been notified of the problem.");
    }

    /** 429 with Stripe's {@code rate_limit} code. */
    public static Fault rateLimited() {
        return error(429, "invalid_request_error", "rate_limit",
                "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.");
    }

    /** Any Stripe error, answered before anything is done. */
    public static Fault error(int status, String type, String code, String message) {
        return new Fault(Fault.Kind.ANSWER_BEFORE, status, StripeError.of(status, type, code, message).body());
    }

    /** The connection is closed before anything is done: nothing was created. */
    public static Fault disconnectBeforePerforming() {
        return new Fault(Fault.Kind.DISCONNECT_BEFORE, 0, null);
    }

    /**
     * The request is carried out (and remembered under its Idempotency-Key) but no answer comes: the client times out
     * not knowing that the object exists. Its retry with the same key gets the object.
     */
    public static Fault timeoutAfterPerforming() {
        return new Fault(Fault.Kind.TIMEOUT_AFTER, 0, null);
    }

    private record Rule(String endpoint, Fault fault, AtomicInteger left) {
    }

    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final AtomicInteger injected = new AtomicInteger();

    Faults() {
    }

    /** The next {@code times} requests, whatever their endpoint. */
    public Faults next(int times, Fault fault) {
        return next(times, null, fault);
    }

    /**
     * The next {@code times} requests to {@code endpoint}: {@code "POST /v1/payment_intents"}, or a path alone for
     * any method; object IDs are written {@code {id}} ({@code "GET /v1/payment_intents/{id}"}).
     */
    public Faults next(int times, String endpoint, Fault fault) {
        rules.add(new Rule(endpoint, fault, new AtomicInteger(times)));
        return this;
    }

    public Faults always(Fault fault) {
        return next(Integer.MAX_VALUE, fault);
    }

    public Faults always(String endpoint, Fault fault) {
        return next(Integer.MAX_VALUE, endpoint, fault);
    }

    /** How many requests a fault caught so far. */
    public int injected() {
        return injected.get();
    }

    public void clear() {
        rules.clear();
    }

    /** The fault for this request, if a rule catches it (and counts it). */
    Optional<Fault> take(String endpoint) {
        for (Rule rule : rules) {
            if (rule.endpoint() != null && !rule.endpoint().equals(endpoint)
                    && !rule.endpoint().equals(endpoint.substring(endpoint.indexOf(' ') + 1))) {
                continue;
            }
            if (rule.left().getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
                injected.incrementAndGet();
                return Optional.of(rule.fault());
            }
        }
        return Optional.empty();
    }
}
