package app.credits.stripe;

import app.credits.ledger.AutomaticPayment;
import app.credits.ledger.ChargeOutcome;
import app.credits.ledger.CompletedCheckout;
import app.credits.ledger.Credits;
import app.credits.ledger.DisputeState;
import app.credits.ledger.EntryType;
import app.credits.ledger.Ids;
import app.credits.ledger.InvalidInput;
import app.credits.ledger.Ledger;
import app.credits.ledger.LedgerBusy;
import app.credits.ledger.Money;
import app.credits.ledger.NewEntry;
import app.credits.ledger.OrgId;
import app.credits.ledger.PaymentOutcome;
import app.credits.ledger.RecordTopUpCharge;
import app.credits.ledger.RefundStatus;
import app.credits.ledger.SaveCard;
import app.credits.ledger.SavedCard;
import app.credits.ledger.TopUpAttempt;
import app.credits.ledger.TopUpFailure;
import app.credits.stripe.EventResult.Outcome;
import app.credits.stripe.StripeEvent.ChargeDispute;
import app.credits.stripe.StripeEvent.ChargeRefunded;
import app.credits.stripe.StripeEvent.CheckoutSessionEvent;
import app.credits.stripe.StripeEvent.Envelope;
import app.credits.stripe.StripeEvent.Ignored;
import app.credits.stripe.StripeEvent.PaymentIntentEvent;
import app.credits.stripe.StripeEvent.PaymentMethodAttached;
import app.credits.stripe.StripeEvent.RefundUpdated;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.core.exception.SdkException;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Applies Stripe's events to the ledger: the one path every event takes, whether the webhook received it or the
 * reconciliation with Stripe listed it. Exactly-once is the ledger's job (it keys purchases by Checkout Session and
 * payment facts by PaymentIntent), so this class holds no state and any order of events is fine.
 * <p>
 * To act on a new event type: a record in {@link StripeEvent} with its reader, a handler here, and one line in
 * {@link #HANDLING}.
 */
public final class StripeEvents {

    /** How one event type is read from its envelope and what applies it. */
    private record Handling<E extends StripeEvent>(Class<E> kind, Function<Envelope, E> reader,
                                                   BiFunction<StripeEvents, E, EventResult> handler) {
        EventResult apply(StripeEvents events, StripeEvent event) {
            return handler.apply(events, kind.cast(event));
        }
    }

    private static <E extends StripeEvent> Map.Entry<String, Handling<?>> on(
            String type, Class<E> kind, Function<Envelope, E> reader, BiFunction<StripeEvents, E, EventResult> handler) {
        return Map.entry(type, new Handling<>(kind, reader, handler));
    }

    /** Every event type acted on, in the order the docs list them: the one place that maps a type to its handler. */
    private static final Map<String, Handling<?>> HANDLING = ordered(
            on(StripeEvent.CHECKOUT_COMPLETED, CheckoutSessionEvent.class, StripeEvent::checkoutSession, StripeEvents::completed),
            on(StripeEvent.CHECKOUT_ASYNC_SUCCEEDED, CheckoutSessionEvent.class, StripeEvent::checkoutSession, StripeEvents::credit),
            on(StripeEvent.CHECKOUT_ASYNC_FAILED, CheckoutSessionEvent.class, StripeEvent::checkoutSession, StripeEvents::notPaid),
            on(StripeEvent.CHARGE_REFUNDED, ChargeRefunded.class, StripeEvent::chargeRefunded, StripeEvents::refund),
            // One refund by id: a failed or canceled one gives back what it took. Stripe sends the charge.* event for
            // some payment methods and the refund.* ones for all; each says the same, so applying both is harmless.
            on(StripeEvent.CHARGE_REFUND_UPDATED, RefundUpdated.class, StripeEvent::refundUpdated, StripeEvents::refundUpdate),
            on(StripeEvent.REFUND_CREATED, RefundUpdated.class, StripeEvent::refundUpdated, StripeEvents::refundUpdate),
            on(StripeEvent.REFUND_UPDATED, RefundUpdated.class, StripeEvent::refundUpdated, StripeEvents::refundUpdate),
            on(StripeEvent.REFUND_FAILED, RefundUpdated.class, StripeEvent::refundUpdated, StripeEvents::refundUpdate),
            on(StripeEvent.CREATED_DISPUTE, ChargeDispute.class, StripeEvent::chargeDispute, StripeEvents::dispute),
            on(StripeEvent.CLOSED_DISPUTE, ChargeDispute.class, StripeEvent::chargeDispute, StripeEvents::dispute),
            // Auto top-up: an automatic purchase's payment (a checkout's re-arms a pause), its failure, a saved card.
            on(StripeEvent.PAYMENT_INTENT_SUCCEEDED, PaymentIntentEvent.class, StripeEvent::paymentIntent, StripeEvents::paymentSucceeded),
            on(StripeEvent.PAYMENT_INTENT_FAILED, PaymentIntentEvent.class, StripeEvent::paymentIntent, StripeEvents::paymentFailed),
            on(StripeEvent.PAYMENT_METHOD_ATTACHED, PaymentMethodAttached.class, StripeEvent::paymentMethodAttached,
                    StripeEvents::cardAttached));

    private final Ledger ledger;
    private final SaleTerms terms;

    public StripeEvents(Ledger ledger, SaleTerms terms) {
        this.ledger = ledger;
        this.terms = terms;
    }

    /** The types acted on; any other is acknowledged and ignored. */
    public static Set<String> handledTypes() {
        return HANDLING.keySet();
    }

    /**
     * Reads a delivered payload. Throws {@link StripeEvent.Malformed} when it is not JSON, not a Stripe event, or a
     * handled event without its object's {@code id}: nothing may be applied from it.
     */
    public static StripeEvent read(String payload, ObjectMapper json) {
        return read(StripeEvent.envelope(payload, json));
    }

    /** Reads an event already parsed (one of a {@code GET /v1/events} page); {@link StripeEvent.Malformed} as above. */
    public static StripeEvent read(JsonNode event) {
        return read(StripeEvent.envelope(event));
    }

    private static StripeEvent read(Envelope envelope) {
        Handling<?> handling = HANDLING.get(envelope.type());
        return handling == null ? new Ignored(envelope.eventId(), envelope.type()) : handling.reader().apply(envelope);
    }

    /**
     * Applies one event. Never throws for the ledger's answers: a busy ledger or a DynamoDB failure is
     * {@link Outcome#RETRY_LATER} (nothing was applied), ids or amounts the ledger refuses are
     * {@link Outcome#UNPROCESSABLE}.
     */
    public EventResult apply(StripeEvent event) {
        Handling<?> handling = HANDLING.get(event.type());
        if (handling == null || !handling.kind().isInstance(event)) {
            return EventResult.of(event, Outcome.IGNORED, "event type " + event.type() + " is not handled");
        }
        try {
            return handling.apply(this, event);
        } catch (InvalidInput e) {
            // A genuine event whose ids or amounts break the ledger's rules: retrying cannot fix it.
            return EventResult.of(event, Outcome.UNPROCESSABLE, e.getMessage());
        } catch (LedgerBusy e) {
            return EventResult.of(event, Outcome.RETRY_LATER, e.getMessage());
        } catch (SdkException e) {
            return EventResult.of(event, Outcome.RETRY_LATER, "DynamoDB failed: " + e.getClass().getSimpleName());
        }
    }

    // ------------------------------------------------------------------ the handlers

    private EventResult completed(CheckoutSessionEvent session) {
        // Delayed methods (bank debits) complete unpaid; async_payment_succeeded credits them later.
        if (session.paymentStatus().filter("unpaid"::equals).isPresent()) {
            return EventResult.of(session, Outcome.AWAITING_PAYMENT, "session " + session.sessionId()
                    + " completed unpaid; credited when its payment succeeds");
        }
        return credit(session);
    }

    private EventResult notPaid(CheckoutSessionEvent session) {
        return EventResult.of(session, Outcome.PAYMENT_FAILED, "session " + session.sessionId() + " was not paid; nothing credited");
    }

    private EventResult credit(CheckoutSessionEvent session) {
        // Sessions rendered in API versions older than payment_status only completed once paid.
        if (session.paymentStatus().filter(status -> !"paid".equals(status)).isPresent()) {
            return EventResult.of(session, Outcome.UNPROCESSABLE, session.type() + " with payment_status "
                    + session.paymentStatus().get() + " cannot be credited");
        }
        // Checked here, on the one path every purchase takes (webhook deliveries and the reconciliation's replays).
        return switch (SaleCheck.of(session, terms)) {
            case SaleCheck.Mismatch mismatch -> EventResult.of(session, Outcome.SALE_MISMATCH,
                    "session " + session.sessionId() + " is not a sale of ours: " + mismatch.reason());
            case SaleCheck.SessionMatchesSale sale -> outcome(session, ledger.creditPurchase(new CompletedCheckout(
                            session.sessionId(), sale.org(), sale.credits(), sale.paid(), session.paymentIntentId(),
                            session.buyerEmail())),
                    "credited " + sale.credits() + " credits to " + sale.org());
        };
    }

    private EventResult refund(ChargeRefunded refund) {
        if (refund.paymentIntentId().isEmpty()) {
            return EventResult.of(refund, Outcome.UNPROCESSABLE, "charge " + refund.chargeId() + " has no payment_intent");
        }
        if (refund.amountRefunded().isEmpty()) {
            return EventResult.of(refund, Outcome.UNPROCESSABLE, "charge " + refund.chargeId() + " has no amount_refunded");
        }
        return outcome(refund, ledger.recordRefund(refund.paymentIntentId().get(), refund.chargeId(),
                refund.amountRefunded().get()), "refund of " + refund.amountRefunded().get() + " recorded");
    }

    private EventResult refundUpdate(RefundUpdated refund) {
        if (refund.paymentIntentId().isEmpty() || refund.chargeId().isEmpty()) {
            return EventResult.of(refund, Outcome.UNPROCESSABLE, "refund " + refund.refundId() + " names no charge or payment_intent");
        }
        Optional<RefundStatus> status = refund.status().flatMap(StripeEvents::refundStatus);
        if (refund.amount().isEmpty() || status.isEmpty()) {
            return EventResult.of(refund, Outcome.UNPROCESSABLE, "refund " + refund.refundId() + " has amount "
                    + refund.amount().map(String::valueOf).orElse("(none)") + " and status " + refund.status().orElse("(none)"));
        }
        return outcome(refund, ledger.recordRefundUpdate(refund.paymentIntentId().get(), refund.chargeId().get(),
                refund.refundId(), refund.amount().get(), status.get()),
                "refund " + refund.refundId() + " of " + refund.amount().get() + " " + refund.status().get() + " recorded");
    }

    /** Stripe's refund statuses; requires_action waits on the customer like pending. */
    private static Optional<RefundStatus> refundStatus(String status) {
        return switch (status) {
            case "pending", "requires_action" -> Optional.of(RefundStatus.PENDING);
            case "succeeded" -> Optional.of(RefundStatus.SUCCEEDED);
            case "failed" -> Optional.of(RefundStatus.FAILED);
            case "canceled" -> Optional.of(RefundStatus.CANCELED);
            default -> Optional.empty();
        };
    }

    private EventResult dispute(ChargeDispute dispute) {
        if (dispute.paymentIntentId().isEmpty() || dispute.chargeId().isEmpty()) {
            return EventResult.of(dispute, Outcome.UNPROCESSABLE,
                    "dispute " + dispute.disputeId() + " names no charge or payment_intent");
        }
        Optional<DisputeState> state = dispute.closed()
                ? closedState(dispute.status().orElse(""))
                : Optional.of(DisputeState.OPEN);
        if (state.isEmpty()) {
            return EventResult.of(dispute, Outcome.UNPROCESSABLE, "dispute " + dispute.disputeId()
                    + " closed with status " + dispute.status().orElse("(none)"));
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

    // ------------------------------------------------------------------ auto top-up

    /**
     * An automatic purchase's payment (its metadata names the attempt): its credits, once, if it is one of our
     * top-ups. A checkout's payment (the org, no attempt) is ignored: its credits come with the session.
     */
    private EventResult paymentSucceeded(PaymentIntentEvent payment) {
        Optional<OrgId> org = payment.orgId().filter(Ids::isValid).map(OrgId::of);
        if (org.isEmpty()) {
            return EventResult.of(payment, Outcome.IGNORED, "payment " + payment.paymentIntentId() + " is not one of ours");
        }
        if (payment.attemptId().isEmpty()) {
            // A checkout's payment: credited by its session (which also re-arms a paused auto top-up).
            return EventResult.of(payment, Outcome.IGNORED, "a checkout's payment of " + org.get() + ": credited by its session");
        }
        Optional<String> mismatch = automaticPaymentMismatch(payment);
        if (mismatch.isPresent()) {
            return EventResult.of(payment, Outcome.SALE_MISMATCH, "payment " + payment.paymentIntentId()
                    + " is not an automatic purchase of ours: " + mismatch.get());
        }
        long credits = Long.parseLong(payment.credits().get());
        return outcome(payment, ledger.autoTopUps().credit(new AutomaticPayment(org.get(), payment.attemptId().get(),
                        payment.paymentIntentId(), credits, Money.of(payment.amountReceived().get(), payment.currency().get()))),
                "credited " + credits + " credits to " + org.get() + " (automatic top-up)");
    }

    /** Why a succeeded payment naming an attempt cannot be one of our top-ups; the attempt itself is the ledger's to check. */
    private Optional<String> automaticPaymentMismatch(PaymentIntentEvent payment) {
        Optional<String> notOurs = terms.mismatch(payment.livemode(), payment.currency());
        if (notOurs.isPresent()) {
            return notOurs;
        }
        if (payment.status().filter("succeeded"::equals).isEmpty()) {
            return Optional.of("status " + payment.status().orElse("(none)"));
        }
        if (payment.credits().filter(c -> SaleCheck.WHOLE_NUMBER.matcher(c).matches()).isEmpty()) {
            return Optional.of("metadata.credits is not a whole number");
        }
        if (payment.amountReceived().isEmpty()) {
            return Optional.of("no amount_received");
        }
        return Optional.empty();
    }

    /** An automatic purchase failed: recorded once, whichever of this and the pass's own answer from Stripe comes first. */
    private EventResult paymentFailed(PaymentIntentEvent payment) {
        Optional<String> attempt = payment.attemptId().filter(TopUpAttempt::isId);
        Optional<OrgId> org = payment.orgId().filter(Ids::isValid).map(OrgId::of);
        if (attempt.isEmpty() || org.isEmpty()) {
            return EventResult.of(payment, Outcome.IGNORED, "payment " + payment.paymentIntentId()
                    + " is not an automatic purchase; a checkout's failed payment credits nothing");
        }
        TopUpFailure failure = TopUpFailure.ofCardError(payment.failureCode().orElse(null), payment.declineCode().orElse(null));
        return switch (ledger.autoTopUps().recordCharge(org.get(), attempt.get(),
                new ChargeOutcome.Failed(Optional.of(payment.paymentIntentId()), failure))) {
            case RecordTopUpCharge.Recorded.Noted noted -> EventResult.of(payment, Outcome.RECORDED,
                    "automatic purchase " + attempt.get() + " of " + org.get() + " failed: " + failure.code());
            case RecordTopUpCharge.Recorded.AlreadySettled settled -> EventResult.of(payment, Outcome.DUPLICATE,
                    "automatic purchase " + attempt.get() + " is " + settled.attempt().status().wireName());
            case RecordTopUpCharge.Recorded.UnknownAttempt unknown -> EventResult.of(payment, Outcome.UNPROCESSABLE,
                    "no automatic purchase " + attempt.get() + " of " + org.get());
        };
    }

    /** A card attached to a Customer our checkout made for an org: the card auto top-up charges from now on. */
    private EventResult cardAttached(PaymentMethodAttached method) {
        if (method.methodType().filter("card"::equals).isEmpty() || method.customerId().filter(Ids::isValid).isEmpty()
                || method.brand().isEmpty() || method.last4().isEmpty() || method.expMonth().isEmpty()
                || method.expYear().isEmpty()) {
            return EventResult.of(method, Outcome.IGNORED, "payment method " + method.paymentMethodId()
                    + " is not a card on a customer");
        }
        SavedCard card = new SavedCard(method.paymentMethodId(), method.brand().get(), method.last4().get(),
                Math.toIntExact(method.expMonth().get()), Math.toIntExact(method.expYear().get()),
                Instant.ofEpochSecond(method.created().orElse(0L)));
        String customer = method.customerId().get();
        return switch (ledger.autoTopUps().saveCard(customer, card).orElse(null)) {
            case SaveCard.Outcome.Saved saved -> EventResult.of(method, Outcome.RECORDED,
                    "card " + card.brand() + " " + card.last4() + " saved for " + saved.state().org());
            case SaveCard.Outcome.AlreadyKept kept -> EventResult.of(method, Outcome.DUPLICATE,
                    "card " + kept.kept().paymentMethodId() + " (this one or newer) is kept");
            case SaveCard.Outcome.NotTheOrgsCustomer other -> EventResult.of(method, Outcome.IGNORED,
                    "customer " + customer + " is no longer its org's");
            case null -> EventResult.of(method, Outcome.IGNORED, "customer " + customer + " was not made by our checkout");
        };
    }

    private static EventResult outcome(StripeEvent event, PaymentOutcome outcome, String done) {
        return switch (outcome) {
            case PaymentOutcome.Applied applied -> {
                String detail = done + "; balance of " + applied.org() + " is " + applied.balance();
                Credits bought = applied.entries().stream().filter(e -> e.type() == EntryType.PURCHASE)
                        .map(NewEntry::credits).reduce(Credits.ZERO, Credits::plus);
                yield bought.isPositive()
                        ? new EventResult(event.eventId(), event.type(), Outcome.CREDITED, detail, bought)
                        : EventResult.of(event, Outcome.APPLIED, detail);
            }
            case PaymentOutcome.AlreadyApplied already -> EventResult.of(event, Outcome.DUPLICATE,
                    "already applied to " + already.org() + "; nothing moved");
            case PaymentOutcome.RecordedForLater later -> EventResult.of(event, Outcome.RECORDED_FOR_LATER,
                    "payment " + later.paymentIntentId() + " has no purchase yet; applied when it arrives");
            case PaymentOutcome.Conflict conflict -> EventResult.of(event, Outcome.UNPROCESSABLE,
                    "session " + conflict.checkoutSessionId() + " conflicts: " + conflict.reason());
        };
    }

    @SafeVarargs
    private static Map<String, Handling<?>> ordered(Map.Entry<String, Handling<?>>... entries) {
        Map<String, Handling<?>> map = new LinkedHashMap<>();
        for (Map.Entry<String, Handling<?>> entry : entries) {
            map.put(entry.getKey(), entry.getValue());
        }
        return java.util.Collections.unmodifiableMap(map);
    }
}
