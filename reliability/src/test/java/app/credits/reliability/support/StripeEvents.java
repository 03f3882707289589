package app.credits.reliability.support;

import app.credits.checkout.StripeCheckout;
import app.credits.http.testing.Events;
import app.credits.ledger.Credits;
import app.credits.ledger.Money;
import app.credits.ledger.OrgId;
import app.credits.ledger.Pricing;
import app.credits.runtime.Json;
import app.credits.testkit.stripe.CheckoutPayment;
import app.credits.testkit.stripe.StripeStandIn;
import app.credits.testkit.stripe.WebhookSignatures;
import app.credits.testkit.stripe.Webhooks;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.stripe.exception.StripeException;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Stripe's events about purchases, made by the test kit's Stripe stand-in: the checkout function's own
 * {@link StripeCheckout} creates the Checkout Session (at a fixed 2900 a credit), the buyer pays it, and the stand-in
 * refunds or disputes its charge as a test asks. The events are held, never sent by the stand-in: a test delivers
 * their payloads, signed with the test secret in an API Gateway event, in whatever order and as often as it likes.
 */
public final class StripeEvents {
    public static final String SECRET = "whsec_reliability_0123456789SECRET";
    public static final String ROUTE = "POST /webhooks/stripe";
    public static final long UNIT_AMOUNT = 2900;

    private static StripeStandIn stripe;
    private static StripeCheckout checkout;

    private StripeEvents() {
    }

    /** A paid purchase of {@code credits} for {@code org}: its session, PaymentIntent and charge, and its event. */
    public record Purchase(String sessionId, String paymentIntentId, String chargeId, ObjectNode completed) {
        /** Refunds {@code amount} of the charge: its {@code charge.refunded} (cumulative {@code amount_refunded}). */
        public ObjectNode refunded(long amount) {
            stripe().refund(chargeId, amount);
            return newest("charge.refunded", chargeId);
        }

        /** The cardholder disputes the charge: {@code charge.dispute.created}. */
        public Dispute disputed() {
            String id = stripe().openDispute(chargeId).path("id").asText();
            return new Dispute(id, newest("charge.dispute.created", id));
        }
    }

    public record Dispute(String id, ObjectNode created) {
        /** {@code charge.dispute.closed}, won or lost. */
        public ObjectNode closed(boolean won) {
            stripe().closeDispute(id, won);
            return newest("charge.dispute.closed", id);
        }
    }

    public static synchronized Purchase purchase(String org, long credits) {
        StripeStandIn s = stripe();
        String sessionId;
        try {
            var quote = Pricing.standard().quote(credits, Credits.ZERO, Optional.of(Money.of(UNIT_AMOUNT, "usd")));
            sessionId = checkout.createSession(OrgId.of(org), quote, "https://app.example.com/ok", "https://app.example.com/no",
                    "reliability-" + UUID.randomUUID()).id();
        } catch (StripeException e) {
            throw new IllegalStateException("the Stripe stand-in refused the checkout function's session", e);
        }
        String buyer = "buyer@" + org.toLowerCase().replaceAll("[^a-z0-9]", "") + ".test";
        ObjectNode session = s.payCheckoutSession(sessionId, CheckoutPayment.visa().email(buyer));
        String paymentIntent = session.path("payment_intent").asText();
        String charge = s.object(paymentIntent).orElseThrow().path("latest_charge").asText();
        return new Purchase(sessionId, paymentIntent, charge, newest("checkout.session.completed", sessionId));
    }

    /** The API Gateway event delivering {@code payload} signed at {@code signedAt}. */
    public static Events delivery(String payload, Instant signedAt) {
        return Events.http(ROUTE).noClaims().header("stripe-signature", WebhookSignatures.sign(payload, SECRET, signedAt))
                .body(payload);
    }

    public static Events delivery(ObjectNode event, Instant signedAt) {
        return delivery(Json.write(event), signedAt);
    }

    /** One stand-in for the JVM, its events held (the tests deliver them to the handler themselves). */
    private static synchronized StripeStandIn stripe() {
        if (stripe == null) {
            stripe = StripeStandIn.start();
            stripe.webhooks().delivery(Webhooks.Delivery.HELD);
            checkout = StripeCheckout.create(StripeStandIn.TEST_API_KEY, Optional.of(stripe.apiBase()));
        }
        return stripe;
    }

    private static ObjectNode newest(String type, String objectId) {
        return stripe().newestEvent(type, objectId)
                .orElseThrow(() -> new AssertionError("the stand-in recorded no " + type + " for " + objectId));
    }
}
