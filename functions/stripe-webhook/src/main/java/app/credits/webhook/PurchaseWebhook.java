package app.credits.webhook;

import app.credits.ledger.Ledger;
import app.credits.stripe.SaleTerms;
import app.credits.stripe.StripeEvent;
import app.credits.stripe.StripeEvents;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Clock;
import java.util.Optional;

/**
 * The purchase webhook without its Lambda wrapping: verify the signature over the exact raw body, read the
 * event, and apply it through {@link StripeEvents}, the path the reconciliation with Stripe takes too. This class
 * holds no state: exactly-once and any delivery order are the ledger's.
 */
public final class PurchaseWebhook {
    private final StripeEvents events;
    private final String signingSecret;
    private final Clock clock;
    private final ObjectMapper json;

    public PurchaseWebhook(Ledger ledger, String signingSecret, SaleTerms terms, Clock clock, ObjectMapper json) {
        this.events = new StripeEvents(ledger, terms);
        this.signingSecret = signingSecret;
        this.clock = clock;
        this.json = json;
    }

    public WebhookResult receive(String payload, Optional<String> signatureHeader) {
        try {
            StripeSignature.verify(payload, signatureHeader.orElse(null), signingSecret, clock);
        } catch (StripeSignature.BadSignature e) {
            return WebhookResult.rejected("bad_signature", e.getMessage());
        }
        StripeEvent event;
        try {
            event = StripeEvents.read(payload, json);
        } catch (StripeEvent.Malformed e) {
            return WebhookResult.rejected("malformed_event", e.getMessage());
        }
        return WebhookResult.of(events.apply(event));
    }
}
