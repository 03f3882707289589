package app.credits.runtime;

import com.stripe.StripeClient;

import java.time.Duration;
import java.util.Optional;

/**
 * How every function that speaks Stripe builds its client: one {@link StripeClient} per function (never stripe-java's
 * global {@code Stripe.apiKey}: the local runner hosts several handlers in one JVM, and the tests point each at its
 * own stand-in), with its timeouts and network retries (stripe-java retries connection failures, 409s and 5xx with the
 * same idempotency key). Only functions that declare stripe-java load this class.
 */
public final class StripeClients {
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
}
