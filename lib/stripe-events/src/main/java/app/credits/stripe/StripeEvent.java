package app.credits.stripe;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.Optional;

/**
 * The Stripe events the webhook acts on, read field by field from the raw JSON. Events carry the API version of
 * the sender's account, not the one stripe-java is pinned to, so nothing here goes through stripe-java's typed
 * models: only the few fields that have kept their names across versions are read.
 */
public sealed interface StripeEvent {

    String eventId();

    String type();

    /**
     * The three Checkout Session events, read from the event's {@code data.object}. {@code livemode} is the
     * session's, else the event's; {@code orgId}, {@code credits} and {@code unitAmount} are the metadata our
     * checkout wrote (see {@link SaleCheck} for what must hold before any of it is believed).
     */
    record CheckoutSessionEvent(String eventId, String type, String sessionId, Optional<String> paymentStatus,
                                Optional<String> mode, Optional<Boolean> livemode,
                                Optional<String> orgId, Optional<String> clientReferenceId,
                                Optional<String> credits, Optional<String> unitAmount,
                                Optional<Long> amountSubtotal, Optional<Long> amountTotal,
                                Optional<String> currency, Optional<String> paymentIntentId,
                                Optional<String> buyerEmail) implements StripeEvent {
    }

    /** {@code charge.refunded}: {@code amountRefunded} is Stripe's cumulative figure for the charge. */
    record ChargeRefunded(String eventId, String type, String chargeId, Optional<String> paymentIntentId,
                          Optional<Long> amountRefunded) implements StripeEvent {
    }

    /**
     * One refund, as {@code refund.created}, {@code refund.updated}, {@code refund.failed} and
     * {@code charge.refund.updated} describe it: {@code status} is Stripe's ({@code pending}, {@code requires_action},
     * {@code succeeded}, {@code failed}, {@code canceled}).
     */
    record RefundUpdated(String eventId, String type, String refundId, Optional<String> chargeId,
                         Optional<String> paymentIntentId, Optional<Long> amount, Optional<String> status)
            implements StripeEvent {
    }

    /** {@code charge.dispute.created} / {@code charge.dispute.closed}. */
    record ChargeDispute(String eventId, String type, String disputeId, Optional<String> chargeId,
                         Optional<String> paymentIntentId, Optional<String> status) implements StripeEvent {
        public boolean closed() {
            return CLOSED_DISPUTE.equals(type);
        }
    }

    /**
     * {@code payment_intent.succeeded} / {@code payment_intent.payment_failed}. An automatic purchase's metadata names
     * its attempt ({@code attemptId}); a checkout's names only the org. {@code failureCode} and {@code declineCode}
     * are the {@code last_payment_error}'s.
     */
    record PaymentIntentEvent(String eventId, String type, String paymentIntentId, Optional<String> orgId,
                              Optional<String> attemptId, Optional<String> credits, Optional<String> status,
                              Optional<Long> amountReceived, Optional<String> currency, Optional<Boolean> livemode,
                              Optional<String> failureCode, Optional<String> declineCode) implements StripeEvent {
    }

    /** {@code payment_method.attached}: a card saved on a Customer ({@code created}: the PaymentMethod's, in seconds). */
    record PaymentMethodAttached(String eventId, String type, String paymentMethodId, Optional<String> customerId,
                                 Optional<String> methodType, Optional<String> brand, Optional<String> last4,
                                 Optional<Long> expMonth, Optional<Long> expYear, Optional<Long> created)
            implements StripeEvent {
    }

    /** Any other type: acknowledged and ignored. */
    record Ignored(String eventId, String type) implements StripeEvent {
    }

    String CHECKOUT_COMPLETED = "checkout.session.completed";
    String CHECKOUT_ASYNC_SUCCEEDED = "checkout.session.async_payment_succeeded";
    String CHECKOUT_ASYNC_FAILED = "checkout.session.async_payment_failed";
    String CHARGE_REFUNDED = "charge.refunded";
    String CHARGE_REFUND_UPDATED = "charge.refund.updated";
    String REFUND_CREATED = "refund.created";
    String REFUND_UPDATED = "refund.updated";
    String REFUND_FAILED = "refund.failed";
    String CREATED_DISPUTE = "charge.dispute.created";
    String CLOSED_DISPUTE = "charge.dispute.closed";
    String PAYMENT_INTENT_SUCCEEDED = "payment_intent.succeeded";
    String PAYMENT_INTENT_FAILED = "payment_intent.payment_failed";
    String PAYMENT_METHOD_ATTACHED = "payment_method.attached";

    /**
     * What every event has: its id, its type, {@code data.object}, and the whole event (a few fields, such as
     * {@code livemode}, are read off the event when the object lacks them). Which record an event becomes is decided
     * by its type, in {@link StripeEvents}' table.
     */
    record Envelope(String eventId, String type, JsonNode object, JsonNode event) {
    }

    /**
     * Reads a payload's envelope. Throws {@link Malformed} when the payload is not JSON or not a Stripe event (no
     * {@code id}, {@code type} or {@code data.object}): such a request is answered 400.
     */
    static Envelope envelope(String payload, ObjectMapper json) {
        JsonNode root;
        try {
            // Stripe never repeats a key: a payload that does is malformed, not "last one wins".
            root = json.reader().with(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                    .readTree(payload);
        } catch (JacksonException e) {
            throw new Malformed("the body is not JSON");
        }
        return envelope(root);
    }

    /** The envelope of an event already parsed (one of a {@code GET /v1/events} page). */
    static Envelope envelope(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new Malformed("the body is not a JSON object");
        }
        String eventId = requiredText(root, "id", "event id");
        String type = requiredText(root, "type", "event type");
        JsonNode object = root.path("data").path("object");
        if (!object.isObject()) {
            throw new Malformed("the event has no data.object");
        }
        return new Envelope(eventId, type, object, root);
    }

    /**
     * The readers of the handled kinds. Fields a handled event may lack are left empty (deciding what that means is
     * the handler's business); only an acted-on object without its {@code id} is {@link Malformed}.
     */
    static CheckoutSessionEvent checkoutSession(Envelope e) {
        JsonNode object = e.object();
        JsonNode metadata = object.path("metadata");
        return new CheckoutSessionEvent(e.eventId(), e.type(), requiredText(object, "id", "data.object.id"),
                text(object, "payment_status"), text(object, "mode"),
                bool(object, "livemode").or(() -> bool(e.event(), "livemode")),
                text(metadata, "org_id"), text(object, "client_reference_id"),
                text(metadata, "credits"), text(metadata, "unit_amount"),
                integer(object, "amount_subtotal"), integer(object, "amount_total"), text(object, "currency"),
                idOf(object.path("payment_intent")),
                text(object.path("customer_details"), "email").or(() -> text(object, "customer_email")));
    }

    static ChargeRefunded chargeRefunded(Envelope e) {
        JsonNode object = e.object();
        return new ChargeRefunded(e.eventId(), e.type(), requiredText(object, "id", "data.object.id"),
                idOf(object.path("payment_intent")), integer(object, "amount_refunded"));
    }

    static RefundUpdated refundUpdated(Envelope e) {
        JsonNode object = e.object();
        return new RefundUpdated(e.eventId(), e.type(), requiredText(object, "id", "data.object.id"),
                idOf(object.path("charge")), idOf(object.path("payment_intent")), integer(object, "amount"),
                text(object, "status"));
    }

    static ChargeDispute chargeDispute(Envelope e) {
        JsonNode object = e.object();
        JsonNode charge = object.path("charge");
        // Older API versions have no payment_intent on the dispute; an expanded charge still names it.
        Optional<String> paymentIntent = idOf(object.path("payment_intent")).or(() -> idOf(charge.path("payment_intent")));
        return new ChargeDispute(e.eventId(), e.type(), requiredText(object, "id", "data.object.id"), idOf(charge),
                paymentIntent, text(object, "status"));
    }

    static PaymentIntentEvent paymentIntent(Envelope e) {
        JsonNode object = e.object();
        JsonNode metadata = object.path("metadata");
        JsonNode error = object.path("last_payment_error");
        return new PaymentIntentEvent(e.eventId(), e.type(), requiredText(object, "id", "data.object.id"),
                text(metadata, "org_id"), text(metadata, app.credits.ledger.TopUpAttempt.STRIPE_METADATA_KEY),
                text(metadata, "credits"), text(object, "status"), integer(object, "amount_received"),
                text(object, "currency"), bool(object, "livemode").or(() -> bool(e.event(), "livemode")),
                text(error, "code"), text(error, "decline_code"));
    }

    static PaymentMethodAttached paymentMethodAttached(Envelope e) {
        JsonNode object = e.object();
        JsonNode card = object.path("card");
        return new PaymentMethodAttached(e.eventId(), e.type(), requiredText(object, "id", "data.object.id"),
                idOf(object.path("customer")), text(object, "type"), text(card, "brand"), text(card, "last4"),
                integer(card, "exp_month"), integer(card, "exp_year"), integer(object, "created"));
    }

    private static String requiredText(JsonNode node, String field, String what) {
        JsonNode value = node.path(field);
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new Malformed("the event has no " + what);
        }
        return value.asText();
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() && !value.asText().isEmpty() ? Optional.of(value.asText()) : Optional.empty();
    }

    private static Optional<Boolean> bool(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isBoolean() ? Optional.of(value.asBoolean()) : Optional.empty();
    }

    /** Stripe amounts are integers in minor units; anything else (fractions, strings, huge) is absent. */
    private static Optional<Long> integer(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isIntegralNumber() && value.canConvertToLong() ? Optional.of(value.asLong()) : Optional.empty();
    }

    /** A reference Stripe may send as an id string or, when expanded, as the object itself. */
    private static Optional<String> idOf(JsonNode reference) {
        if (reference.isTextual() && !reference.asText().isEmpty()) {
            return Optional.of(reference.asText());
        }
        return reference.isObject() ? text(reference, "id") : Optional.empty();
    }

    /** Not a Stripe event we can read: 400, nothing written. */
    final class Malformed extends RuntimeException {
        public Malformed(String message) {
            super(message);
        }
    }
}
