package app.credits.checkout;

import app.credits.http.ApiError;
import app.credits.http.Call;
import app.credits.runtime.Environment;
import app.credits.http.HttpFunction;
import app.credits.http.HttpResponse;
import app.credits.runtime.Json;
import app.credits.http.JsonBody;
import app.credits.runtime.Ledgers;
import app.credits.http.Role;
import app.credits.http.Route;
import app.credits.runtime.Telemetry;
import app.credits.ledger.Account;
import app.credits.ledger.Ids;
import app.credits.ledger.Ledger;
import app.credits.ledger.OrgId;
import app.credits.ledger.Pricing;
import app.credits.ledger.Quote;
import app.credits.runtime.StripeClients;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.stripe.exception.StripeException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /orgs/{orgId}/checkout} (admin, staff): quote N credits from the ledger's numbers, then create a
 * Stripe Checkout Session at exactly that price. The credits arrive through the webhook once Stripe reports the
 * payment. With {@code "saveCard": true} the session is made on the org's Stripe Customer (made and recorded in the
 * ledger on first need) and keeps the card for auto top-up; that is the only write here.
 */
public final class CheckoutFunction extends HttpFunction {
    public static final String ROUTE = "POST /orgs/{orgId}/checkout";

    private final Ledger ledger;
    private final Pricing pricing;
    private final Optional<StripeCheckout> stripe;
    private final ReturnUrls returnUrls;
    private final Clock clock;
    private final Telemetry telemetry;

    /**
     * Lambda's constructor: ledger from TABLE_NAME, pricing from env, the Stripe key from SSM (or env locally), the
     * return URLs' origins from ALLOWED_ORIGINS.
     */
    public CheckoutFunction() {
        this(Environment.system());
    }

    private CheckoutFunction(Environment env) {
        this(Ledgers.fromEnvironment(), env.pricing(), stripeFrom(env), ReturnUrls.fromEnvironment(env), Clock.systemUTC(),
                Telemetry.fromEnvironment(env));
    }

    public CheckoutFunction(Ledger ledger, Pricing pricing, Optional<StripeCheckout> stripe, ReturnUrls returnUrls,
                            Clock clock, Telemetry telemetry) {
        super(telemetry);
        this.ledger = ledger;
        this.pricing = pricing;
        this.stripe = stripe;
        this.returnUrls = returnUrls;
        this.clock = clock;
        this.telemetry = telemetry;
    }

    /** Return URLs by the local rule (127.0.0.1 and localhost only), as without ALLOWED_ORIGINS. */
    public CheckoutFunction(Ledger ledger, Pricing pricing, Optional<StripeCheckout> stripe, Clock clock,
                            Telemetry telemetry) {
        this(ledger, pricing, stripe, ReturnUrls.local(), clock, telemetry);
    }

    /** STRIPE_API_KEY_PARAM (SSM, in AWS) or STRIPE_API_KEY; STRIPE_API_BASE points at a stand-in. */
    public static Optional<StripeCheckout> stripeFrom(Environment env) {
        return StripeClients.apiKey(env).map(key -> StripeCheckout.create(key, env.get("STRIPE_API_BASE")));
    }

    @Override
    protected List<Route> declareRoutes() {
        return List.of(Route.of(ROUTE, EnumSet.of(Role.ADMIN, Role.STAFF), this::checkout));
    }

    private HttpResponse checkout(Call call) {
        OrgId org = call.org();
        JsonBody body = call.body();
        long credits = body.requiredWholeNumber("credits", 1, Pricing.MAX_CREDITS_PER_ORDER);
        String successUrl = returnUrls.require("successUrl", body.requiredString("successUrl"));
        String cancelUrl = returnUrls.require("cancelUrl", body.requiredString("cancelUrl"));
        boolean saveCard = body.optionalBoolean("saveCard").orElse(false);
        Optional<String> callerKey = call.header("Idempotency-Key");
        if (callerKey.isPresent() && !Ids.isValid(callerKey.get())) {
            throw ApiError.invalidRequest("invalid_id", "Idempotency-Key must be 1-128 characters of A-Z a-z 0-9 _ . : -");
        }
        StripeCheckout checkout = stripe.orElseThrow(() -> new ApiError(500, "internal", "stripe_not_configured",
                "Stripe is not configured on this deployment (STRIPE_API_KEY_PARAM or STRIPE_API_KEY)."));

        Account account = ledger.account(org);
        Quote quote = pricing.quote(credits, account.lifetimePurchased(), account.plan().fixedUnitPrice());
        String idempotencyKey = idempotencyKey(org, callerKey, quote, successUrl, cancelUrl, saveCard);
        StripeCheckout.CheckoutSession session;
        try {
            Optional<String> customer = saveCard ? Optional.of(customerOf(org, call, checkout)) : Optional.empty();
            session = checkout.createSession(org, quote, successUrl, cancelUrl, customer, idempotencyKey);
        } catch (StripeException e) {
            logStripeFailure(call, org, e);
            call.outcome("stripe_failed");
            throw StripeFailures.toApiError(e);
        }
        call.outcome("session_created");
        call.metrics().count("CheckoutSessionsCreated");
        ObjectNode out = Json.object()
                .put("checkoutSessionId", session.id())
                .put("url", session.url());
        out.set("quote", render(quote));
        return HttpResponse.json(201, out);
    }

    /**
     * The org's Stripe Customer, which keeps the card for auto top-up: made by the first checkout that saves a card,
     * recorded in the ledger (which also lets the webhook tell whose card an attached one is), reused after that.
     */
    private String customerOf(OrgId org, Call call, StripeCheckout checkout) throws StripeException {
        var topUps = ledger.autoTopUps();
        Optional<String> known = topUps.customerOf(org);
        if (known.isPresent()) {
            return known.get();
        }
        String made = checkout.createCustomer(org, call.caller().email());
        // A concurrent checkout may have recorded one first: the org keeps that one.
        return topUps.recordCustomer(org, made);
    }

    /**
     * The key Stripe deduplicates session creation by, scoped to the org so that two orgs' keys never meet.
     * With the caller's Idempotency-Key, a retry returns the same session (and a reuse with another body is a
     * 409 from Stripe); without one, the same order within the same minute does (a double click, a retry).
     */
    static String idempotencyKey(OrgId org, Optional<String> callerKey, Quote quote, String successUrl, String cancelUrl,
                                 long epochMinute) {
        return idempotencyKey(org, callerKey, quote, successUrl, cancelUrl, false, epochMinute);
    }

    /** As above; an order that saves the card is another order than one that does not. */
    static String idempotencyKey(OrgId org, Optional<String> callerKey, Quote quote, String successUrl, String cancelUrl,
                                 boolean saveCard, long epochMinute) {
        String material = callerKey
                .map(key -> "key\n" + org.value() + "\n" + key)
                .orElseGet(() -> String.join("\n", "order", org.value(), Long.toString(quote.credits()),
                        Long.toString(quote.unitPrice().amount()), quote.unitPrice().currency(), successUrl, cancelUrl,
                        Long.toString(epochMinute)) + (saveCard ? "\nsave-card" : ""));
        return "checkout_" + sha256(material);
    }

    private String idempotencyKey(OrgId org, Optional<String> callerKey, Quote quote, String successUrl, String cancelUrl,
                                  boolean saveCard) {
        return idempotencyKey(org, callerKey, quote, successUrl, cancelUrl, saveCard, clock.millis() / 60_000);
    }

    /** As the pricing route renders a quote: credits as a string, money as {amount, currency}. */
    static ObjectNode render(Quote quote) {
        ObjectNode node = Json.object().put("credits", Long.toString(quote.credits()));
        node.set("listUnitPrice", Json.money(quote.listUnitPrice()));
        node.set("unitPrice", Json.money(quote.unitPrice()));
        node.put("discountPercent", quote.discountPercent());
        node.put("fixedPricing", quote.fixedPricing());
        node.set("total", Json.money(quote.total()));
        return node;
    }

    private void logStripeFailure(Call call, OrgId org, StripeException e) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("requestId", call.request().requestId());
        fields.put("orgId", org.value());
        fields.putAll(StripeClients.failureFields(e));
        telemetry.log(StripeClients.isTransient(e) ? "WARN" : "ERROR", "stripe checkout session failed", fields);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
