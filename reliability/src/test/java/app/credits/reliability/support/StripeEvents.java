package app.credits.reliability.support;

import app.credits.testkit.stripe.WebhookSignatures;
import app.credits.runtime.Json;
import app.credits.http.testing.Events;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;

/** Stripe events as the webhook receives them: the payload, signed with the test secret, in an API Gateway event. */
public final class StripeEvents {
    public static final String SECRET = "whsec_reliability_0123456789SECRET";
    public static final String ROUTE = "POST /webhooks/stripe";

    private StripeEvents() {
    }

    /** checkout.session.completed, paid: {@code credits} for {@code org} at 2900 a credit. */
    public static ObjectNode checkoutCompleted(String eventId, String session, String org, long credits, String paymentIntent) {
        ObjectNode event = envelope(eventId, "checkout.session.completed");
        ObjectNode object = ((ObjectNode) event.path("data")).putObject("object");
        object.put("id", session).put("object", "checkout.session").put("mode", "payment")
                .put("payment_status", "paid").put("status", "complete")
                .put("amount_total", 2900 * credits).put("currency", "usd")
                .put("client_reference_id", org).put("payment_intent", paymentIntent);
        object.putObject("metadata").put("org_id", org).put("credits", Long.toString(credits)).put("unit_amount", "2900");
        object.putObject("customer_details").put("email", "buyer@" + org.toLowerCase().replaceAll("[^a-z0-9]", "") + ".test");
        return event;
    }

    /** charge.refunded with Stripe's cumulative {@code amountRefunded}. */
    public static ObjectNode chargeRefunded(String eventId, String charge, String paymentIntent, long amountRefunded) {
        ObjectNode event = envelope(eventId, "charge.refunded");
        ((ObjectNode) event.path("data")).putObject("object").put("id", charge).put("object", "charge")
                .put("payment_intent", paymentIntent).put("amount_refunded", amountRefunded).put("refunded", true);
        return event;
    }

    /** charge.dispute.created, or .closed with {@code status} won/lost. */
    public static ObjectNode dispute(String eventId, boolean closed, String dispute, String charge, String paymentIntent,
                                     String status) {
        ObjectNode event = envelope(eventId, closed ? "charge.dispute.closed" : "charge.dispute.created");
        ((ObjectNode) event.path("data")).putObject("object").put("id", dispute).put("object", "dispute")
                .put("charge", charge).put("payment_intent", paymentIntent).put("status", status);
        return event;
    }

    private static ObjectNode envelope(String eventId, String type) {
        ObjectNode event = Json.object();
        event.put("id", eventId).put("object", "event").put("api_version", "2025-03-31.basil")
                .put("created", 1_790_000_000L).put("livemode", false).put("type", type);
        event.putObject("data");
        return event;
    }

    /** The API Gateway event delivering {@code payload} signed at {@code signedAt}. */
    public static Events delivery(String payload, Instant signedAt) {
        return Events.http(ROUTE).noClaims().header("stripe-signature", WebhookSignatures.sign(payload, SECRET, signedAt))
                .body(payload);
    }

    public static Events delivery(ObjectNode event, Instant signedAt) {
        return delivery(Json.write(event), signedAt);
    }
}
