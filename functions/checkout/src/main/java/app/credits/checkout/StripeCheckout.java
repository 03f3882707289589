package app.credits.checkout;

import app.credits.ledger.Money;
import app.credits.ledger.OrgId;
import app.credits.ledger.Quote;
import app.credits.runtime.StripeClients;
import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.model.Customer;
import com.stripe.model.checkout.Session;
import com.stripe.net.RequestOptions;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.checkout.SessionCreateParams;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Stripe's side of a checkout: one Checkout Session (mode {@code payment}) for exactly the quoted price. One
 * {@link StripeClient} per function, never stripe-java's global {@code Stripe.apiKey}: the local runner hosts
 * several handlers in one JVM, and the tests point each at its own stand-in.
 */
public final class StripeCheckout {
    /** What the buyer sees on Stripe's page and receipt. */
    public static final String PRODUCT_NAME = "Photoshoot credits";
    /** The client's settings: every function's Stripe client has the same ({@link StripeClients}). */
    public static final int NETWORK_RETRIES = StripeClients.NETWORK_RETRIES;
    public static final Duration CONNECT_TIMEOUT = StripeClients.CONNECT_TIMEOUT;
    public static final Duration READ_TIMEOUT = StripeClients.READ_TIMEOUT;

    /** The session the browser is sent to. */
    public record CheckoutSession(String id, String url) {
    }

    private final StripeClient stripe;

    /** The org's Stripe Customer for saving a card, made once: the key makes a concurrent second creation the same one. */
    public String createCustomer(OrgId org, Optional<String> email) throws StripeException {
        CustomerCreateParams.Builder params = CustomerCreateParams.builder()
                .setDescription("Credits: " + org.value())
                .putMetadata("org_id", org.value());
        email.ifPresent(params::setEmail);
        Customer customer = stripe.v1().customers().create(params.build(),
                RequestOptions.builder().setIdempotencyKey("customer_" + org.value()).build());
        return customer.getId();
    }

    public StripeCheckout(StripeClient stripe) {
        this.stripe = stripe;
    }

    /** {@code apiBase} replaces https://api.stripe.com (STRIPE_API_BASE: a local stand-in, stripe-mock). */
    public static StripeCheckout create(String apiKey, Optional<String> apiBase, Duration connectTimeout,
                                        Duration readTimeout, int networkRetries) {
        return new StripeCheckout(StripeClients.create(apiKey, apiBase, connectTimeout, readTimeout, networkRetries));
    }

    public static StripeCheckout create(String apiKey, Optional<String> apiBase) {
        return create(apiKey, apiBase, CONNECT_TIMEOUT, READ_TIMEOUT, NETWORK_RETRIES);
    }

    /**
     * Creates the session. The org and the credits ride in the session's metadata (the webhook credits from them)
     * and in the PaymentIntent's (so that refunds and disputes, which arrive as charges, name the org too).
     */
    public CheckoutSession createSession(OrgId org, Quote quote, String successUrl, String cancelUrl,
                                         String idempotencyKey) throws StripeException {
        return createSession(org, quote, successUrl, cancelUrl, Optional.empty(), idempotencyKey);
    }

    /**
     * As above; with {@code savingFor} (the org's Stripe Customer) the payment is made on that Customer and its card is
     * kept for later off-session payments ({@code setup_future_usage=off_session}): auto top-up's saved card.
     */
    public CheckoutSession createSession(OrgId org, Quote quote, String successUrl, String cancelUrl,
                                         Optional<String> savingFor, String idempotencyKey) throws StripeException {
        Money unit = quote.unitPrice();
        Map<String, String> metadata = Map.of(
                "org_id", org.value(),
                "credits", Long.toString(quote.credits()),
                "unit_amount", Long.toString(unit.amount()));
        SessionCreateParams.PaymentIntentData.Builder payment = SessionCreateParams.PaymentIntentData.builder()
                .putAllMetadata(metadata);
        savingFor.ifPresent(customer -> payment.setSetupFutureUsage(
                SessionCreateParams.PaymentIntentData.SetupFutureUsage.OFF_SESSION));
        SessionCreateParams.Builder params = SessionCreateParams.builder()
                .setMode(SessionCreateParams.Mode.PAYMENT)
                .setClientReferenceId(org.value())
                .setSuccessUrl(successUrl)
                .setCancelUrl(cancelUrl)
                .addLineItem(SessionCreateParams.LineItem.builder()
                        .setQuantity(quote.credits())
                        .setPriceData(SessionCreateParams.LineItem.PriceData.builder()
                                .setCurrency(unit.currency())
                                .setUnitAmount(unit.amount())
                                .setProductData(SessionCreateParams.LineItem.PriceData.ProductData.builder()
                                        .setName(PRODUCT_NAME)
                                        .build())
                                .build())
                        .build())
                .putAllMetadata(metadata)
                .setPaymentIntentData(payment.build());
        savingFor.ifPresent(params::setCustomer);
        Session session = stripe.v1().checkout().sessions().create(params.build(),
                RequestOptions.builder().setIdempotencyKey(idempotencyKey).build());
        return new CheckoutSession(session.getId(), session.getUrl());
    }
}
