package app.credits.testkit.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An error as Stripe answers it: an HTTP status and {@code {"error": {"type", "code", "decline_code", "message",
 * "param", "payment_intent", ...}}}. Thrown by the stand-in's operations; the REST layer renders it, and a test
 * calling the Java API sees it as an exception with Stripe's words.
 */
public final class StripeError extends RuntimeException {
    private final int status;
    private final ObjectNode error;

    private StripeError(int status, ObjectNode error) {
        super(status + " " + error.path("type").asText() + (error.hasNonNull("code") ? " " + error.path("code").asText() : "")
                + ": " + error.path("message").asText(), null, false, false);
        this.status = status;
        this.error = error;
    }

    static StripeError of(int status, String type, String code, String message) {
        ObjectNode error = StripeJson.object();
        if (code != null) {
            error.put("code", code);
            error.put("doc_url", "https://stripe.com/docs/error-codes/" + code.replace('_', '-'));
        }
        error.put("message", message);
        error.put("type", type);
        return new StripeError(status, error);
    }

    /** 400 {@code invalid_request_error}, naming the parameter. */
    static StripeError invalid(String param, String code, String message) {
        StripeError e = of(400, "invalid_request_error", code, message);
        if (param != null) {
            e.error.put("param", param);
        }
        return e;
    }

    static StripeError missing(String param) {
        return invalid(param, "parameter_missing", "Missing required param: " + param + ".");
    }

    static StripeError unknownParameter(String param) {
        return invalid(param, "parameter_unknown", "Received unknown parameter: " + param);
    }

    static StripeError noSuch(String what, String id, String param) {
        StripeError e = of(404, "invalid_request_error", "resource_missing", "No such " + what + ": '" + id + "'");
        if (param != null) {
            e.error.put("param", param);
        }
        return e;
    }

    /** What the stand-in does not implement: refused, never approximated. */
    static StripeError unsupported(String param, String what) {
        return invalid(param, null, "The Stripe stand-in does not support " + what + ".");
    }

    static StripeError authentication(String message) {
        return of(401, "invalid_request_error", null, message);
    }

    /** A card declined: 402 {@code card_error}, with the failed attempt's objects as Stripe attaches them. */
    static StripeError card(String code, String declineCode, String message, String chargeId, JsonNode paymentIntent,
                            JsonNode paymentMethod) {
        StripeError e = of(402, "card_error", code, message);
        if (chargeId != null) {
            e.error.put("charge", chargeId);
        }
        if (declineCode != null) {
            e.error.put("decline_code", declineCode);
        }
        if (paymentIntent != null) {
            e.error.set("payment_intent", paymentIntent);
        }
        if (paymentMethod != null) {
            e.error.set("payment_method", paymentMethod);
        }
        return e;
    }

    public int status() {
        return status;
    }

    public String type() {
        return error.path("type").asText();
    }

    /** Stripe's {@code code}, or null. */
    public String code() {
        return error.path("code").asText(null);
    }

    /** The body Stripe sends: {@code {"error": {...}}}. */
    public ObjectNode body() {
        ObjectNode body = StripeJson.object();
        body.set("error", error.deepCopy());
        return body;
    }

    /** The error object without the PaymentIntent, as Stripe keeps it in {@code last_payment_error}. */
    ObjectNode asLastPaymentError() {
        ObjectNode copy = error.deepCopy();
        copy.remove("payment_intent");
        return copy;
    }
}
