package app.credits.webhook;

import app.credits.http.ApiError;
import app.credits.http.Call;
import app.credits.runtime.Environment;
import app.credits.http.HttpFunction;
import app.credits.http.HttpResponse;
import app.credits.runtime.Json;
import app.credits.runtime.Ledgers;
import app.credits.runtime.Metrics;
import app.credits.http.Route;
import app.credits.runtime.Telemetry;
import app.credits.ledger.Ledger;
import app.credits.runtime.SecureParameter;
import app.credits.stripe.SaleTerms;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /webhooks/stripe}: no JWT, the {@code Stripe-Signature} header authenticates the body instead.
 * Stripe retries anything but a 2xx for three days, so the answer says what should happen next: 200 when done
 * or when retrying cannot help, 400 for requests that are not genuine, 503 when the ledger is busy or down.
 */
public final class StripeWebhookFunction extends HttpFunction {
    /**
     * The local runner's default and the secret the stored samples in events/stripe-webhook/ are signed with. It is
     * public, so it is never a fallback: a function without a configured secret refuses to start.
     */
    public static final String LOCAL_SIGNING_SECRET = "whsec_credits_local";
    public static final String ROUTE = "POST /webhooks/stripe";
    /** Counted once per paid session that is not one of our sales; template.yaml's StripeSaleMismatchAlarm watches it. */
    public static final String SALE_MISMATCH_METRIC = "StripeSessionsNotMatchingSale";
    /** Counted once per genuine event that can never be applied (bad metadata, a conflicting session). */
    public static final String UNPROCESSABLE_METRIC = "StripeEventsUnprocessable";

    private final PurchaseWebhook webhook;
    private final Telemetry telemetry;

    /** Lambda's constructor: the ledger from TABLE_NAME, the signing secret from SSM (or env locally), the sale terms from env. */
    public StripeWebhookFunction() {
        this(Environment.system());
    }

    StripeWebhookFunction(Environment env) {
        this(Ledgers.fromEnvironment(), signingSecret(env), SaleTerms.fromEnvironment(env), Clock.systemUTC(),
                Telemetry.fromEnvironment(env));
    }

    public StripeWebhookFunction(Ledger ledger, String signingSecret, SaleTerms terms, Clock clock, Telemetry telemetry) {
        super(telemetry);
        this.webhook = new PurchaseWebhook(ledger, signingSecret, terms, clock, Json.MAPPER);
        this.telemetry = telemetry;
    }

    /** A test-mode deployment selling in usd (the standard price list): the tests' and the benchmark's. */
    public StripeWebhookFunction(Ledger ledger, String signingSecret, Clock clock, Telemetry telemetry) {
        this(ledger, signingSecret, SaleTerms.of("usd", false), clock, telemetry);
    }

    /**
     * STRIPE_WEBHOOK_SECRET_PARAM (SSM, in AWS), else STRIPE_WEBHOOK_SECRET (the local runner sets it); neither is
     * an init error: without its own secret the webhook could only trust a public one.
     */
    public static String signingSecret(Environment env) {
        return SecureParameter.load(env, "STRIPE_WEBHOOK_SECRET_PARAM", "STRIPE_WEBHOOK_SECRET");
    }

    @Override
    protected List<Route> declareRoutes() {
        return List.of(Route.open(ROUTE, this::receive));
    }

    private HttpResponse receive(Call call) {
        // The signature covers the exact bytes Stripe sent; HttpRequest has already undone API Gateway's base64.
        WebhookResult result = webhook.receive(call.request().bodyText(), call.header("Stripe-Signature"));
        call.outcome(result.outcome());
        report(call, result);
        return switch (result.status()) {
            case 200 -> HttpResponse.json(200, Json.object().put("received", true)
                    .put("eventId", result.eventId()).put("outcome", result.outcome()));
            case 400 -> ApiError.invalidRequest(result.outcome(), result.detail()).toResponse();
            default -> ApiError.unavailable("The ledger could not record this event now; Stripe will retry it.").toResponse();
        };
    }

    private void report(Call call, WebhookResult result) {
        if (result.eventId().isEmpty()) {
            return;
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("requestId", call.request().requestId());
        fields.put("eventId", result.eventId());
        fields.put("eventType", result.eventType());
        fields.put("outcome", result.outcome());
        fields.put("detail", result.detail());
        if (result.loud()) {
            // Acknowledged so Stripe stops retrying, but never applied: an operator must look (alarm on this).
            telemetry.log("ERROR", "stripe event acknowledged but not applied", fields);
            call.metrics().count(WebhookResult.SALE_MISMATCH.equals(result.outcome()) ? SALE_MISMATCH_METRIC : UNPROCESSABLE_METRIC);
        } else {
            telemetry.log(result.status() == 200 ? "INFO" : "WARN", "stripe event", fields);
        }
        if (result.creditsPurchased().isPositive()) {
            call.metrics().add(Metrics.CREDITS_PURCHASED, result.creditsPurchased());
        }
    }
}
