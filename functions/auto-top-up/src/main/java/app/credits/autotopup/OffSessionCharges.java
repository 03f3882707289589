package app.credits.autotopup;

import app.credits.ledger.AutoTopUp;
import app.credits.ledger.Money;
import app.credits.ledger.TopUpAttempt;
import app.credits.ledger.TopUpFailure;
import app.credits.runtime.Environment;
import app.credits.runtime.StripeClients;
import com.stripe.StripeClient;
import com.stripe.exception.ApiConnectionException;
import com.stripe.exception.ApiException;
import com.stripe.exception.AuthenticationException;
import com.stripe.exception.CardException;
import com.stripe.exception.IdempotencyException;
import com.stripe.exception.RateLimitException;
import com.stripe.exception.StripeException;
import com.stripe.model.PaymentIntent;
import com.stripe.net.RequestOptions;
import com.stripe.param.PaymentIntentCreateParams;
import com.stripe.param.PaymentIntentListParams;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Stripe's side of an automatic purchase: one off-session PaymentIntent on the org's Customer and saved card, for
 * exactly the attempt's quoted amount, confirmed at once. The idempotency key is the attempt's, so a retry (stripe-java's
 * own after a dropped connection, or a later pass after a crash or a timeout) finds the same PaymentIntent instead
 * of charging twice. One {@link StripeClient} per function, never stripe-java's global key.
 */
public final class OffSessionCharges {
    public static final int NETWORK_RETRIES = StripeClients.NETWORK_RETRIES;
    public static final Duration CONNECT_TIMEOUT = StripeClients.CONNECT_TIMEOUT;
    public static final Duration READ_TIMEOUT = StripeClients.READ_TIMEOUT;
    /**
     * Stripe keeps an idempotency key for 24 hours: an attempt older than this is first looked for among the
     * Customer's PaymentIntents (by the metadata naming it), so a forgotten key cannot charge it twice.
     */
    static final Duration KEY_TRUSTED_FOR = Duration.ofHours(23);

    private final StripeClient stripe;

    public OffSessionCharges(StripeClient stripe) {
        this.stripe = stripe;
    }

    /** {@code apiBase} replaces https://api.stripe.com (STRIPE_API_BASE: a local stand-in). */
    public static OffSessionCharges create(String apiKey, Optional<String> apiBase, Duration connectTimeout,
                                           Duration readTimeout, int networkRetries) {
        return new OffSessionCharges(StripeClients.create(apiKey, apiBase, connectTimeout, readTimeout, networkRetries));
    }

    /** STRIPE_API_KEY_PARAM (SSM, in AWS) or STRIPE_API_KEY; STRIPE_API_BASE points at a stand-in. */
    public static Optional<OffSessionCharges> fromEnvironment(Environment env) {
        return StripeClients.apiKey(env).map(key -> create(key, env.get("STRIPE_API_BASE"), CONNECT_TIMEOUT, READ_TIMEOUT, NETWORK_RETRIES));
    }

    /** Charges {@code attempt} to the saved card of {@code state} (its Customer and PaymentMethod). */
    ChargeResult charge(TopUpAttempt attempt, AutoTopUp state, Instant now) {
        String customer = state.customerId().orElseThrow();
        String card = state.card().orElseThrow().paymentMethodId();
        try {
            if (attempt.createdAt().plus(KEY_TRUSTED_FOR).isBefore(now)) {
                Optional<PaymentIntent> made = find(attempt, customer);
                if (made.isPresent()) {
                    return answered(made.get());
                }
            }
            PaymentIntentCreateParams params = PaymentIntentCreateParams.builder()
                    .setAmount(attempt.amount().amount())
                    .setCurrency(attempt.amount().currency())
                    .setCustomer(customer)
                    .setPaymentMethod(card)
                    .setConfirm(true)
                    .setOffSession(true)
                    .setDescription("Automatic top-up of " + attempt.credits() + " credits")
                    .putMetadata("org_id", attempt.org().value())
                    .putMetadata("credits", Long.toString(attempt.credits()))
                    .putMetadata("unit_amount", Long.toString(attempt.unitPrice().amount()))
                    .putMetadata(TopUpAttempt.STRIPE_METADATA_KEY, attempt.id())
                    .build();
            return answered(stripe.v1().paymentIntents().create(params,
                    RequestOptions.builder().setIdempotencyKey(attempt.idempotencyKey()).build()));
        } catch (CardException e) {
            Optional<String> intent = Optional.ofNullable(e.getStripeError()).map(error -> error.getPaymentIntent())
                    .map(PaymentIntent::getId);
            return new ChargeResult.Failed(intent, TopUpFailure.ofCardError(e.getCode(), e.getDeclineCode()));
        } catch (RateLimitException | ApiConnectionException | ApiException | AuthenticationException e) {
            // AuthenticationException covers PermissionException: our key refused is an outage of ours, not a decline.
            return new ChargeResult.Unavailable(describe(e));
        } catch (IdempotencyException e) {
            // 409: the same key is in flight (another pass resuming it); 400: our own request changed, which retrying cannot fix.
            return Integer.valueOf(409).equals(e.getStatusCode()) ? new ChargeResult.Unavailable(describe(e))
                    : new ChargeResult.Failed(Optional.empty(), new TopUpFailure.Refused("idempotency_error"));
        } catch (StripeException e) {
            // Stripe refused the request itself (the card was removed, the amount is below its minimum).
            return new ChargeResult.Failed(Optional.empty(), new TopUpFailure.Refused(
                    Optional.ofNullable(e.getCode()).orElse("invalid_request")));
        }
    }

    /** The attempt's PaymentIntent among the Customer's since it was claimed, if Stripe made one. */
    private Optional<PaymentIntent> find(TopUpAttempt attempt, String customer) throws StripeException {
        PaymentIntentListParams params = PaymentIntentListParams.builder()
                .setCustomer(customer)
                .setCreated(PaymentIntentListParams.Created.builder()
                        .setGte(attempt.createdAt().minusSeconds(60).getEpochSecond()).build())
                .setLimit(100L)
                .build();
        for (PaymentIntent intent : stripe.v1().paymentIntents().list(params).autoPagingIterable()) {
            if (attempt.id().equals(intent.getMetadata().get(TopUpAttempt.STRIPE_METADATA_KEY))) {
                return Optional.of(intent);
            }
        }
        return Optional.empty();
    }

    private static ChargeResult answered(PaymentIntent intent) {
        return switch (intent.getStatus()) {
            case "succeeded" -> new ChargeResult.Succeeded(intent.getId(),
                    Money.of(intent.getAmountReceived(), intent.getCurrency()));
            case "processing" -> new ChargeResult.Processing(intent.getId());
            case "requires_action" -> new ChargeResult.Failed(Optional.of(intent.getId()), new TopUpFailure.NeedsAuthentication());
            case "requires_payment_method" -> new ChargeResult.Failed(Optional.of(intent.getId()), lastFailure(intent));
            default -> new ChargeResult.Failed(Optional.of(intent.getId()), new TopUpFailure.Refused(intent.getStatus()));
        };
    }

    /** A found PaymentIntent that failed: why, from its last payment error. */
    private static TopUpFailure lastFailure(PaymentIntent intent) {
        var error = intent.getLastPaymentError();
        return error == null ? TopUpFailure.ofCardError(null, null) : TopUpFailure.ofCardError(error.getCode(), error.getDeclineCode());
    }

    /** For the log: the kind of failure and Stripe's ids, never Stripe's message (it may quote the key). */
    private static String describe(StripeException e) {
        return e.getClass().getSimpleName() + " (HTTP " + e.getStatusCode() + ", request " + e.getRequestId() + ")";
    }
}
