package app.credits.testkit.stripe;

import app.credits.testkit.LoopbackServer;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The one Stripe stand-in: Stripe's REST API in test mode (Checkout Sessions, Customers, PaymentMethods with Stripe's
 * test cards, PaymentIntents, Charges, Refunds, Disputes, Events), Stripe's error shapes and statuses, idempotency
 * keys, signed webhook deliveries, the hosted Checkout page, and faults. stripe-java talks to it through
 * {@code STRIPE_API_BASE} ({@link #apiBase()}); tests drive and inspect it through this class. The local runner serves
 * the same stand-in under {@code /_local/stripe}, so tests and the runner speak the same fake Stripe.
 * <p>
 * The pieces: {@code StripeAccount} (the objects and what changes them), {@code StripeApi} (REST: routing, form
 * parameters, keys, idempotency, expand), {@code EventLog} and {@link Webhooks} (events, delivery), {@link Faults}.
 * Everything lives in memory.
 */
public final class StripeStandIn implements AutoCloseable {
    /** The API version events carry: the one stripe-java 33 is pinned to. */
    public static final String API_VERSION = "2026-07-29.dahlia";
    /** A secret key the stand-in accepts (any {@code sk_test_} key is, unless {@link #acceptOnly} says otherwise). */
    public static final String TEST_API_KEY = "sk_test_stand_in_0000000000000000";
    /** How long a {@code timeoutAfterPerforming} answer is held at most (the client gives up well before). */
    private static final Duration HOLD = Duration.ofSeconds(60);

    /** An HTTP answer for a host that serves the stand-in itself (the local runner). */
    public record Served(int status, Map<String, String> headers, byte[] body) {
    }

    private final Clock clock;
    private final EventLog events;
    private final Webhooks webhooks;
    private final Faults faults = new Faults();
    private final StripeAccount account;
    private final StripeApi api;
    private final HostedCheckoutPage page = new HostedCheckoutPage(this);
    private final LoopbackServer server;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final String apiBase;

    private StripeStandIn(Clock clock, LoopbackServer server, String apiBase, String checkoutPageBase) {
        this.clock = clock;
        this.server = server;
        this.apiBase = apiBase;
        this.events = new EventLog(clock, API_VERSION);
        this.webhooks = new Webhooks(clock, events);
        this.events.onRecord(webhooks::recorded);
        this.account = new StripeAccount(clock, events, checkoutPageBase);
        this.api = new StripeApi(account, events, webhooks, faults, clock, API_VERSION);
        if (server != null) {
            server.start(this::exchange);
        }
    }

    /** On its own HTTP server, 127.0.0.1 on a free port; the hosted page at {@code <apiBase>/checkout/<id>}. */
    public static StripeStandIn start() {
        return start(Clock.systemUTC());
    }

    public static StripeStandIn start(Clock clock) {
        LoopbackServer server = LoopbackServer.bind();
        return new StripeStandIn(clock, server, server.base(), server.base() + "/checkout/");
    }

    /**
     * Served by a host through {@link #serveApi} and {@link #serveCheckoutPage}: {@code apiBase} is where the host
     * serves the API, {@code checkoutPageBase} the URL prefix of the hosted page (a session's {@code url} is it + ID).
     */
    public static StripeStandIn embedded(Clock clock, String apiBase, String checkoutPageBase) {
        return new StripeStandIn(clock, null, apiBase, checkoutPageBase);
    }

    /** What {@code STRIPE_API_BASE} is set to: stripe-java sends {@code <apiBase>/v1/...}. */
    public String apiBase() {
        return apiBase;
    }

    /** Accepts only these secret keys (others: 401 as Stripe answers an unknown key). */
    public StripeStandIn acceptOnly(String... apiKeys) {
        api.acceptOnly(Set.of(apiKeys));
        return this;
    }

    public Webhooks webhooks() {
        return webhooks;
    }

    public Faults faults() {
        return faults;
    }

    // ------------------------------------------------------------------ requests

    /** Every API request received, oldest first. */
    public List<Received> requests() {
        return api.received();
    }

    /** Requests to one endpoint, e.g. {@code "POST /v1/payment_intents"} or {@code "GET /v1/events"}. */
    public long requestCount(String endpoint) {
        return requests().stream().filter(r -> r.endpoint().equals(endpoint)).count();
    }

    // ------------------------------------------------------------------ objects and events

    /** Any object by ID (a copy). */
    public Optional<ObjectNode> object(String id) {
        return account.find(id);
    }

    /** Every object of a kind ({@code "checkout.session"}, {@code "payment_intent"}, {@code "charge"}, ...), newest first. */
    public List<ObjectNode> objects(String kind) {
        return account.all(kind, o -> true);
    }

    /** A Checkout Session's line items (Stripe's {@code line_items}). */
    public ArrayNode lineItems(String sessionId) {
        return account.lineItems(sessionId);
    }

    /** Every event, newest first (as {@code GET /v1/events} orders them). */
    public List<ObjectNode> events() {
        return events.newestFirst().stream().map(r -> r.event().deepCopy()).toList();
    }

    public Optional<ObjectNode> event(String id) {
        return events.find(id).map(r -> r.event().deepCopy());
    }

    /** The events of one type, newest first. */
    public List<ObjectNode> events(String type) {
        return events().stream().filter(e -> e.path("type").asText().equals(type)).toList();
    }

    /** The newest event of {@code type} about the object {@code objectId} ({@code data.object.id}). */
    public Optional<ObjectNode> newestEvent(String type, String objectId) {
        return events(type).stream().filter(e -> e.path("data").path("object").path("id").asText().equals(objectId))
                .findFirst();
    }

    // ------------------------------------------------------------------ changes, as the dashboard or a buyer makes them

    /** As {@code POST /v1/checkout/sessions} with these form parameters ({@code "line_items[0][quantity]" -> "2"}). */
    public ObjectNode createCheckoutSession(Map<String, String> params) {
        return changed(account.createCheckoutSession(Params.of(params), Origin.dashboard(true)));
    }

    /** The buyer pays the session on Stripe's page. */
    public ObjectNode payCheckoutSession(String sessionId, CheckoutPayment payment) {
        return changed(account.payCheckoutSession(sessionId, payment.card(), payment.email(), payment.delayedMethod(),
                Origin.dashboard(payment.deliver())));
    }

    /** A delayed payment settles: {@code checkout.session.async_payment_succeeded} or {@code _failed}. */
    public ObjectNode settleAsyncPayment(String sessionId, boolean succeeded) {
        return changed(account.settleAsyncPayment(sessionId, succeeded, Origin.dashboard(true)));
    }

    /** As {@code POST /v1/customers}. */
    public ObjectNode createCustomer(Map<String, String> params) {
        return changed(account.createCustomer(Params.of(params), Origin.dashboard(true)));
    }

    /** Attaches a saved PaymentMethod, or a new one from a test token ({@code pm_card_visa}), to a customer. */
    public ObjectNode attachPaymentMethod(String paymentMethodOrTestToken, String customerId) {
        return changed(account.attach(paymentMethodOrTestToken, customerId, "payment_method", Origin.dashboard(true)));
    }

    /** Refunds {@code amount} of a charge: {@code charge.refunded} (cumulative {@code amount_refunded}). */
    public ObjectNode refund(String chargeId, long amount) {
        return changed(account.createRefund(Params.of(Map.of("charge", chargeId, "amount", Long.toString(amount))),
                Origin.dashboard(true)));
    }

    /** A refund fails later (e.g. {@code expired_or_canceled_card}): {@code charge.refund.updated}, status failed. */
    public ObjectNode failRefund(String refundId, String failureReason) {
        return changed(account.failRefund(refundId, failureReason, Origin.dashboard(true)));
    }

    /** The cardholder disputes a charge: {@code charge.dispute.created}, status {@code needs_response}. */
    public ObjectNode openDispute(String chargeId) {
        return changed(account.openDispute(chargeId, "fraudulent", Origin.dashboard(true)));
    }

    /** The dispute is decided: {@code charge.dispute.closed}, status won or lost. */
    public ObjectNode closeDispute(String disputeId, boolean won) {
        return changed(account.closeDispute(disputeId, won, Origin.dashboard(true)));
    }

    /** Forgets every object, event, request, idempotency key, fault and delivery (endpoints stay). */
    public void reset() {
        account.clear();
        events.clear();
        api.clear();
        faults.clear();
        webhooks.forget();
    }

    private ObjectNode changed(ObjectNode result) {
        webhooks.flush();
        return result;
    }

    // ------------------------------------------------------------------ HTTP

    /** Serves one API request ({@code path} from {@code /v1/...}); empty: drop the connection unanswered. */
    public Optional<Served> serveApi(String method, String path, String rawQuery, Map<String, List<String>> headers,
                                     byte[] body) {
        StripeApi.Answer answer = api.handle(new StripeApi.Request(method, path, rawQuery, headers, body));
        return answer.disposition() == StripeApi.Disposition.ANSWER
                ? Optional.of(new Served(answer.status(), answer.headers(), answer.body()))
                : Optional.empty();
    }

    /** Serves the hosted Checkout page of one session (GET shows it, POST pays). */
    public Served serveCheckoutPage(String method, String sessionId, byte[] body) {
        StripeApi.Answer answer = page.handle(method, sessionId, body);
        return new Served(answer.status(), answer.headers(), answer.body());
    }

    private void exchange(HttpExchange exchange) {
        try (exchange) {
            String method = exchange.getRequestMethod().toUpperCase(java.util.Locale.ROOT);
            String path = exchange.getRequestURI().getRawPath();
            byte[] body = exchange.getRequestBody().readAllBytes();
            StripeApi.Answer answer;
            if (path.startsWith("/checkout/")) {
                answer = page.handle(method, path.substring("/checkout/".length()), body);
            } else {
                answer = api.handle(new StripeApi.Request(method, path, exchange.getRequestURI().getRawQuery(),
                        exchange.getRequestHeaders(), body));
            }
            switch (answer.disposition()) {
                case DISCONNECT -> {
                    // closed unanswered by try-with-resources
                }
                case HOLD -> closing.await(HOLD.toMillis(), TimeUnit.MILLISECONDS);
                case ANSWER -> send(exchange, answer);
            }
        } catch (IOException clientGone) {
            // the client stopped waiting
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void send(HttpExchange exchange, StripeApi.Answer answer) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>(answer.headers());
        headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        boolean empty = answer.body().length == 0;
        exchange.sendResponseHeaders(answer.status(), empty ? -1 : answer.body().length);
        if (!empty) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer.body());
            }
        }
    }

    @Override
    public void close() {
        closing.countDown();
        if (server != null) {
            server.close();
        }
    }
}
