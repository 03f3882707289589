package app.credits.webhook;

import app.credits.ledger.CompletedCheckout;
import app.credits.ledger.Credits;
import app.credits.ledger.EntryType;
import app.credits.ledger.NewEntry;
import app.credits.ledger.DisputeState;
import app.credits.ledger.InvalidInput;
import app.credits.ledger.Ledger;
import app.credits.ledger.LedgerBusy;
import app.credits.ledger.PaymentOutcome;
import app.credits.webhook.StripeEvent.ChargeDispute;
import app.credits.webhook.StripeEvent.ChargeRefunded;
import app.credits.webhook.StripeEvent.CheckoutSessionEvent;
import app.credits.webhook.StripeEvent.Ignored;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.core.exception.SdkException;

import java.time.Clock;
import java.util.Optional;

/**
 * The purchase webhook without its Lambda wrapping: verify the signature over the exact raw body, read the
 * event, hand the facts to the ledger. Exactly-once is the ledger's job (it keys purchases by Checkout Session
 * and payment facts by PaymentIntent), so this class holds no state and any delivery order is fine.
 */
public final class PurchaseWebhook {
    private final Ledger ledger;
    private final String signingSecret;
    private final SaleTerms terms;
    private final Clock clock;
    private final ObjectMapper json;
    private final AutoTopUpEvents autoTopUp;

    public PurchaseWebhook(Ledger ledger, String signingSecret, SaleTerms terms, Clock clock, ObjectMapper json) {
        this.ledger = ledger;
        this.signingSecret = signingSecret;
        this.terms = terms;
        this.clock = clock;
        this.json = json;
        this.autoTopUp = new AutoTopUpEvents(ledger, terms, json);
    }

    public WebhookResult receive(String payload, Optional<String> signatureHeader) {
        try {
            StripeSignature.verify(payload, signatureHeader.orElse(null), signingSecret, clock);
        } catch (StripeSignature.BadSignature e) {
            return WebhookResult.rejected("bad_signature", e.getMessage());
        }
        // Auto top-up's events (payment_intent.*, payment_method.attached): see AutoTopUpEvents.
        Optional<WebhookResult> topUp = autoTopUp.receive(payload);
        if (topUp.isPresent()) {
            return topUp.get();
        }
        StripeEvent event;
        try {
            event = StripeEvent.parse(payload, json);
        } catch (StripeEvent.Malformed e) {
            return WebhookResult.rejected("malformed_event", e.getMessage());
        }
        try {
            return apply(event);
        } catch (InvalidInput e) {
            // A genuine event whose ids or amounts break the ledger's rules: retrying cannot fix it.
            return WebhookResult.unprocessable(event, e.getMessage());
        } catch (LedgerBusy e) {
            return WebhookResult.retryLater(event, e.getMessage());
        } catch (SdkException e) {
            return WebhookResult.retryLater(event, "DynamoDB failed: " + e.getClass().getSimpleName());
        }
    }

    private WebhookResult apply(StripeEvent event) {
        return switch (event) {
            case CheckoutSessionEvent session -> switch (session.type()) {
                case StripeEvent.CHECKOUT_ASYNC_FAILED ->
                        WebhookResult.acknowledged(event, "payment_failed", "session " + session.sessionId() + " was not paid; nothing credited");
                case StripeEvent.CHECKOUT_ASYNC_SUCCEEDED -> credit(session);
                // Delayed methods (bank debits) complete unpaid; async_payment_succeeded credits them later.
                default -> session.paymentStatus().filter("unpaid"::equals).isPresent()
                        ? WebhookResult.acknowledged(event, "awaiting_payment", "session " + session.sessionId()
                                + " completed unpaid; credited when its payment succeeds")
                        : credit(session);
            };
            case ChargeRefunded refund -> refund(refund);
            case ChargeDispute dispute -> dispute(dispute);
            case Ignored ignored -> WebhookResult.acknowledged(event, "ignored", "event type " + ignored.type() + " is not handled");
        };
    }

    private WebhookResult credit(CheckoutSessionEvent session) {
        // Sessions rendered in API versions older than payment_status only completed once paid.
        if (session.paymentStatus().filter(status -> !"paid".equals(status)).isPresent()) {
            return WebhookResult.unprocessable(session, session.type() + " with payment_status "
                    + session.paymentStatus().get() + " cannot be credited");
        }
        // Checked here, on the one path every purchase takes (webhook deliveries and the reconciliation's replays).
        return switch (SaleCheck.of(session, terms)) {
            case SaleCheck.Mismatch mismatch -> WebhookResult.saleMismatch(session,
                    "session " + session.sessionId() + " is not a sale of ours: " + mismatch.reason());
            case SaleCheck.SessionMatchesSale sale -> outcome(session, ledger.creditPurchase(new CompletedCheckout(
                            session.sessionId(), sale.org(), sale.credits(), sale.paid(), session.paymentIntentId(),
                            session.buyerEmail())),
                    "credited " + sale.credits() + " credits to " + sale.org());
        };
    }

    private WebhookResult refund(ChargeRefunded refund) {
        if (refund.paymentIntentId().isEmpty()) {
            return WebhookResult.unprocessable(refund, "charge " + refund.chargeId() + " has no payment_intent");
        }
        if (refund.amountRefunded().isEmpty()) {
            return WebhookResult.unprocessable(refund, "charge " + refund.chargeId() + " has no amount_refunded");
        }
        return outcome(refund, ledger.recordRefund(refund.paymentIntentId().get(), refund.chargeId(),
                refund.amountRefunded().get()), "refund of " + refund.amountRefunded().get() + " recorded");
    }

    private WebhookResult dispute(ChargeDispute dispute) {
        if (dispute.paymentIntentId().isEmpty() || dispute.chargeId().isEmpty()) {
            return WebhookResult.unprocessable(dispute, "dispute " + dispute.disputeId() + " names no charge or payment_intent");
        }
        Optional<DisputeState> state = dispute.closed()
                ? closedState(dispute.status().orElse(""))
                : Optional.of(DisputeState.OPEN);
        if (state.isEmpty()) {
            return WebhookResult.unprocessable(dispute, "dispute " + dispute.disputeId() + " closed with status "
                    + dispute.status().orElse("(none)"));
        }
        return outcome(dispute, ledger.recordDispute(dispute.paymentIntentId().get(), dispute.chargeId().get(),
                dispute.disputeId(), state.get()), "dispute " + state.get().name().toLowerCase() + " recorded");
    }

    /** A closed dispute is won or lost; an inquiry closed without a chargeback gives the credits back like a win. */
    private static Optional<DisputeState> closedState(String status) {
        return switch (status) {
            case "won", "warning_closed" -> Optional.of(DisputeState.WON);
            case "lost" -> Optional.of(DisputeState.LOST);
            default -> Optional.empty();
        };
    }

    static WebhookResult outcome(StripeEvent event, PaymentOutcome outcome, String done) {
        return switch (outcome) {
            case PaymentOutcome.Applied applied -> {
                String detail = done + "; balance of " + applied.org() + " is " + applied.balance();
                Credits bought = applied.entries().stream().filter(e -> e.type() == EntryType.PURCHASE)
                        .map(NewEntry::credits).reduce(Credits.ZERO, Credits::plus);
                yield bought.isPositive()
                        ? WebhookResult.credited(event, bought, detail)
                        : WebhookResult.acknowledged(event, "applied", detail);
            }
            case PaymentOutcome.AlreadyApplied already -> WebhookResult.acknowledged(event, "duplicate",
                    "already applied to " + already.org() + "; nothing moved");
            case PaymentOutcome.RecordedForLater later -> WebhookResult.acknowledged(event, "recorded_for_later",
                    "payment " + later.paymentIntentId() + " has no purchase yet; applied when it arrives");
            case PaymentOutcome.Conflict conflict -> WebhookResult.unprocessable(event,
                    "session " + conflict.checkoutSessionId() + " conflicts: " + conflict.reason());
        };
    }
}
