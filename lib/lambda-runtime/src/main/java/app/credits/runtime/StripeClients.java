package app.credits.runtime;

import com.stripe.StripeClient;
import com.stripe.exception.ApiConnectionException;
import com.stripe.exception.ApiException;
import com.stripe.exception.RateLimitException;
import com.stripe.exception.StripeException;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How every function that speaks Stripe builds its client: one {@link StripeClient} per function (never stripe-java's
 * global {@code Stripe.apiKey}: the local runner hosts several handlers in one JVM, and the tests point each at its
 * own stand-in), with its timeouts and network retries (stripe-java retries connection failures, 409s and 5xx with the
 * same idempotency key). Only functions that declare stripe-java load this class.
 */
public final class StripeClients {
    /** stripe-java retries connection failures, 409s and 5xx with backoff; the idempotency key makes that safe. */
    public static final int NETWORK_RETRIES = 2;
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    public static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    private StripeClients() {
    }

    /** {@code apiBase} replaces https://api.stripe.com ({@code STRIPE_API_BASE}: the test kit's stand-in, the local runner). */
    public static StripeClient create(String apiKey, Optional<String> apiBase, Duration connectTimeout,
                                      Duration readTimeout, int networkRetries) {
        StripeClient.StripeClientBuilder builder = StripeClient.builder()
                .setApiKey(apiKey)
                .setConnectTimeout(Math.toIntExact(connectTimeout.toMillis()))
                .setReadTimeout(Math.toIntExact(readTimeout.toMillis()))
                .setMaxNetworkRetries(networkRetries);
        apiBase.ifPresent(builder::setApiBase);
        return builder.build();
    }

    /** The Stripe secret key: {@code STRIPE_API_KEY_PARAM} (an SSM SecureString, in AWS), else {@code STRIPE_API_KEY}. */
    public static Optional<String> apiKey(Environment env) {
        return SecureParameter.find(env, "STRIPE_API_KEY_PARAM", "STRIPE_API_KEY");
    }

    /** The same key, required: without it {@link SecureParameter#load} fails naming both variables. */
    public static String requireApiKey(Environment env) {
        return SecureParameter.load(env, "STRIPE_API_KEY_PARAM", "STRIPE_API_KEY");
    }

    /** Rate limits, timeouts and Stripe's 5xx: the same request may be tried again (with its idempotency key). */
    public static boolean isTransient(StripeException failure) {
        return failure instanceof RateLimitException || failure instanceof ApiConnectionException
                || failure instanceof ApiException;
    }

    /**
     * What a log line says of a Stripe failure: its class, HTTP status, Stripe's request id and error code. Never
     * Stripe's message: an authentication error quotes part of the key.
     */
    public static Map<String, Object> failureFields(StripeException failure) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("stripeError", failure.getClass().getSimpleName());
        fields.put("stripeStatus", failure.getStatusCode());
        fields.put("stripeRequestId", failure.getRequestId());
        fields.put("stripeCode", failure.getCode());
        return fields;
    }
}
