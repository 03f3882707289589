package app.credits.webhook;

import app.credits.ledger.AutoTopUps;
import app.credits.ledger.AutomaticPayment;
import app.credits.ledger.ChargeOutcome;
import app.credits.ledger.Ids;
import app.credits.ledger.InvalidInput;
import app.credits.ledger.Ledger;
import app.credits.ledger.LedgerBusy;
import app.credits.ledger.Money;
import app.credits.ledger.OrgId;
import app.credits.ledger.RecordTopUpCharge;
import app.credits.ledger.SaveCard;
import app.credits.ledger.SavedCard;
import app.credits.ledger.TopUpAttempt;
import app.credits.ledger.TopUpFailure;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.core.exception.SdkException;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Stripe's events about auto top-up, read field by field from the raw JSON like {@link StripeEvent}:
 * <ul>
 * <li>{@code payment_intent.succeeded} of an automatic purchase (its metadata names the attempt): the credits, once;
 * of a checkout's payment (metadata {@code org_id}, no attempt): a successful purchase, which re-arms a paused
 * auto top-up (the credits come with the session's event);</li>
 * <li>{@code payment_intent.payment_failed} of an automatic purchase: the failure, recorded once, whichever of this
 * and the pass's own answer from Stripe comes first;</li>
 * <li>{@code payment_method.attached} to an org's Customer: the card auto top-up charges from now on.</li>
 * </ul>
 * Exactly-once is the ledger's, as for purchases: any order, any number of deliveries.
 */
final class AutoTopUpEvents {
    static final String PAYMENT_SUCCEEDED = "payment_intent.succeeded";
    static final String PAYMENT_FAILED = "payment_intent.payment_failed";
    static final String CARD_ATTACHED = "payment_method.attached";
    static final Set<String> TYPES = Set.of(PAYMENT_SUCCEEDED, PAYMENT_FAILED, CARD_ATTACHED);

    private final AutoTopUps topUps;
    private final SaleTerms terms;
    private final ObjectMapper json;

    AutoTopUpEvents(Ledger ledger, SaleTerms terms, ObjectMapper json) {
        this.topUps = ledger.autoTopUps();
        this.terms = terms;
        this.json = json;
    }

    /** The result of a verified delivery of one of {@link #TYPES}; empty for any other event (or a payload that is not one). */
    Optional<WebhookResult> receive(String payload) {
        JsonNode root;
        try {
            root = json.reader().with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).readTree(payload);
        } catch (JacksonException e) {
            return Optional.empty(); // StripeEvent answers it 400
        }
        if (root == null || !TYPES.contains(root.path("type").asText())) {
            return Optional.empty();
        }
        String eventId = root.path("id").asText("");
        String type = root.path("type").asText();
        JsonNode object = root.path("data").path("object");
        if (eventId.isBlank() || !object.isObject() || object.path("id").asText("").isBlank()) {
            return Optional.of(WebhookResult.rejected("malformed_event", "the event has no id, or no data.object with an id"));
        }
        Event event = new Event(eventId, type, object, object.path("livemode").isBoolean()
                ? object.path("livemode").asBoolean() : root.path("livemode").asBoolean(false));
        try {
            return Optional.of(switch (type) {
                case CARD_ATTACHED -> cardAttached(event);
                case PAYMENT_FAILED -> paymentFailed(event);
                default -> paymentSucceeded(event);
            });
        } catch (InvalidInput e) {
            return Optional.of(WebhookResult.unprocessable(event.carrier(), e.getMessage()));
        } catch (LedgerBusy e) {
            return Optional.of(WebhookResult.retryLater(event.carrier(), e.getMessage()));
        } catch (SdkException e) {
            return Optional.of(WebhookResult.retryLater(event.carrier(), "DynamoDB failed: " + e.getClass().getSimpleName()));
        }
    }

    /** One event: its id and type, its {@code data.object}, and the mode it was made in. */
    private record Event(String eventId, String type, JsonNode object, boolean livemode) {
        /** What the webhook's results are made for. */
        StripeEvent carrier() {
            return new StripeEvent.Ignored(eventId, type);
        }

        String id() {
            return object.path("id").asText();
        }

        Optional<String> metadata(String key) {
            JsonNode value = object.path("metadata").path(key);
            return value.isTextual() && !value.asText().isEmpty() ? Optional.of(value.asText()) : Optional.empty();
        }
    }

    private WebhookResult paymentSucceeded(Event event) {
        Optional<String> attempt = event.metadata(TopUpAttempt.STRIPE_METADATA_KEY);
        Optional<OrgId> org = event.metadata("org_id").filter(Ids::isValid).map(OrgId::of);
        if (org.isEmpty()) {
            return WebhookResult.acknowledged(event.carrier(), "ignored", "payment " + event.id() + " is not one of ours");
        }
        if (attempt.isEmpty()) {
            // A checkout's payment: its credits come with checkout.session.completed; the success re-arms a pause.
            boolean rearmed = topUps.rearm(org.get());
            return WebhookResult.acknowledged(event.carrier(), rearmed ? "rearmed" : "ignored",
                    "a purchase of " + org.get() + (rearmed ? " re-armed its paused auto top-up" : "; credited by its session"));
        }
        Optional<String> mismatch = mismatch(event);
        if (mismatch.isPresent()) {
            return WebhookResult.saleMismatch(event.carrier(), "payment " + event.id() + " is not an automatic purchase of"
                    + " ours: " + mismatch.get());
        }
        long credits = Long.parseLong(event.metadata("credits").orElseThrow());
        Money received = Money.of(event.object().path("amount_received").asLong(), event.object().path("currency").asText());
        return PurchaseWebhook.outcome(event.carrier(), topUps.credit(new AutomaticPayment(org.get(), attempt.get(),
                event.id(), credits, received)), "credited " + credits + " credits to " + org.get() + " (automatic top-up)");
    }

    /** Why a succeeded payment naming an attempt cannot be one of ours; the attempt itself is checked by the ledger. */
    private Optional<String> mismatch(Event event) {
        JsonNode pi = event.object();
        if (event.livemode() != terms.livemode()) {
            return Optional.of("livemode " + event.livemode() + " on a " + terms.modeName() + "-mode deployment");
        }
        if (!terms.currency().equals(pi.path("currency").asText())) {
            return Optional.of("currency " + pi.path("currency").asText("(none)") + ", not " + terms.currency());
        }
        if (!"succeeded".equals(pi.path("status").asText())) {
            return Optional.of("status " + pi.path("status").asText("(none)"));
        }
        if (event.metadata("credits").filter(c -> SaleCheck.WHOLE_NUMBER.matcher(c).matches()).isEmpty()) {
            return Optional.of("metadata.credits is not a whole number");
        }
        if (!pi.path("amount_received").canConvertToLong() || !pi.path("amount_received").isIntegralNumber()) {
            return Optional.of("no amount_received");
        }
        return Optional.empty();
    }

    private WebhookResult paymentFailed(Event event) {
        Optional<String> attempt = event.metadata(TopUpAttempt.STRIPE_METADATA_KEY).filter(TopUpAttempt::isId);
        Optional<OrgId> org = event.metadata("org_id").filter(Ids::isValid).map(OrgId::of);
        if (attempt.isEmpty() || org.isEmpty()) {
            return WebhookResult.acknowledged(event.carrier(), "ignored", "payment " + event.id()
                    + " is not an automatic purchase; a checkout's failed payment credits nothing");
        }
        JsonNode error = event.object().path("last_payment_error");
        TopUpFailure failure = TopUpFailure.ofCardError(text(error, "code"), text(error, "decline_code"));
        RecordTopUpCharge.Recorded recorded = topUps.recordCharge(org.get(), attempt.get(),
                new ChargeOutcome.Failed(Optional.of(event.id()), failure));
        return switch (recorded) {
            case RecordTopUpCharge.Recorded.Noted noted -> WebhookResult.acknowledged(event.carrier(), "applied",
                    "automatic purchase " + attempt.get() + " of " + org.get() + " failed: " + failure.code());
            case RecordTopUpCharge.Recorded.AlreadySettled settled -> WebhookResult.acknowledged(event.carrier(),
                    "duplicate", "automatic purchase " + attempt.get() + " is " + settled.attempt().status().wireName());
            case RecordTopUpCharge.Recorded.UnknownAttempt unknown -> WebhookResult.unprocessable(event.carrier(),
                    "no automatic purchase " + attempt.get() + " of " + org.get());
        };
    }

    private WebhookResult cardAttached(Event event) {
        JsonNode pm = event.object();
        JsonNode card = pm.path("card");
        String customer = pm.path("customer").isTextual() ? pm.path("customer").asText() : "";
        if (!"card".equals(pm.path("type").asText()) || !Ids.isValid(customer) || !card.isObject()) {
            return WebhookResult.acknowledged(event.carrier(), "ignored", "payment method " + event.id()
                    + " is not a card on a customer");
        }
        SavedCard saved = new SavedCard(event.id(), card.path("brand").asText(), card.path("last4").asText(),
                card.path("exp_month").asInt(), card.path("exp_year").asInt(),
                Instant.ofEpochSecond(pm.path("created").asLong()));
        Optional<SaveCard.Outcome> outcome = topUps.saveCard(customer, saved);
        return WebhookResult.acknowledged(event.carrier(), switch (outcome.orElse(null)) {
            case SaveCard.Outcome.Saved s -> "card_saved";
            case SaveCard.Outcome.AlreadyKept k -> "duplicate";
            case SaveCard.Outcome.NotTheOrgsCustomer n -> "ignored";
            case null -> "ignored";
        }, outcome.isPresent() ? "card " + saved.brand() + " " + saved.last4() + " of customer " + customer
                : "customer " + customer + " was not made by our checkout");
    }

    private static String text(JsonNode node, String field) {
        return node.path(field).isTextual() ? node.path(field).asText() : null;
    }
}
