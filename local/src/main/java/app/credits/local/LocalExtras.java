package app.credits.local;

import app.credits.runtime.Environment;
import app.credits.ledger.Ids;
import app.credits.ledger.Times;
import app.credits.testkit.local.RunnerApi;
import app.credits.testkit.ses.SesEmulator;
import app.credits.testkit.stripe.CheckoutPayment;
import app.credits.testkit.stripe.StripeStandIn;
import app.credits.testkit.stripe.TestCards;
import app.credits.testkit.stripe.Webhooks;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The routes only the local runner has ({@code /_local/...}, see "The local runner" and "The local runner's Stripe"
 * in docs/api.md): mint a token, run the scheduled check or the reconciliation with Stripe now, list the emails sent,
 * serve the test kit's Stripe stand-in (its API under {@code /_local/stripe}, its hosted Checkout page under
 * {@code /_local/checkout/}), and pay for credits the way a buyer on Stripe's page would.
 */
public final class LocalExtras implements LocalServer.Extras {
    /** STRIPE_API_BASE of the functions the runner hosts. */
    public static final String STRIPE_API_PREFIX = "/_local/stripe";
    public static final String CHECKOUT_PAGE_PREFIX = "/_local/checkout/";
    /** {@code POST /_local/run/<name>} runs that scheduled function now. */
    static final String RUN_PREFIX = "/_local/run/";
    /** The Stripe key the hosted functions use when no Stripe account is configured (the stand-in takes any sk_test_). */
    public static final String LOCAL_STRIPE_API_KEY = "sk_test_credits_local";
    static final Set<String> ROLES = Set.of("member", "admin", "service", "staff");
    static final Duration TOKEN_LIFETIME = Duration.ofHours(24);

    /** Runs the scheduled function once and returns its response (the summary JSON). */
    public interface ScheduledCheck {
        byte[] runNow() throws Exception;
    }

    /** Lists the emails sent so far, newest first, in the {@code /_local/emails} shape. */
    public interface Mailbox {
        Iterable<JsonNode> emails() throws Exception;
    }

    private final Jwt jwt;
    private final Map<String, ScheduledCheck> runs;
    private final Mailbox mailbox;
    private final Environment environment;
    private final StripeStandIn stripe;
    private final URI api;

    /**
     * @param runs   the scheduled functions {@code POST /_local/run/<name>} runs now ({@code low-credit-check},
     *               {@code stripe-reconcile}, {@code auto-top-up})
     * @param stripe the stand-in served at {@link #STRIPE_API_PREFIX} and {@link #CHECKOUT_PAGE_PREFIX}
     * @param api    this runner's own URL: simulate-purchase orders through its checkout route
     */
    public LocalExtras(Jwt jwt, Map<String, ScheduledCheck> runs, Mailbox mailbox, Environment environment,
                       StripeStandIn stripe, URI api) {
        this.jwt = jwt;
        this.runs = Map.copyOf(runs);
        this.mailbox = mailbox;
        this.environment = environment;
        this.stripe = stripe;
        this.api = api;
    }

    @Override
    public Optional<LocalServer.Reply> handle(String method, String path, String rawQuery,
                                              Map<String, List<String>> headers, byte[] body) throws Exception {
        if (path.startsWith(STRIPE_API_PREFIX + "/")) {
            // Faults are never configured here, so the stand-in always answers.
            return Optional.of(stripe.serveApi(method, path.substring(STRIPE_API_PREFIX.length()), rawQuery, headers, body)
                    .map(LocalExtras::reply)
                    .orElseGet(() -> LocalServer.Reply.error(502, "unavailable", "stripe_dropped", "no answer")));
        }
        if (path.startsWith(CHECKOUT_PAGE_PREFIX)) {
            return Optional.of(reply(stripe.serveCheckoutPage(method, path.substring(CHECKOUT_PAGE_PREFIX.length()), body)));
        }
        ScheduledCheck run = method.equals("POST") && path.startsWith(RUN_PREFIX)
                ? runs.get(path.substring(RUN_PREFIX.length())) : null;
        if (run != null) {
            byte[] summary = run.runNow();
            return Optional.of(new LocalServer.Reply(200, Map.of("Content-Type", "application/json"), summary));
        }
        return Optional.ofNullable(switch (method + " " + path) {
            case "POST /_local/token" -> token(body);
            case "GET /_local/emails" -> emails();
            case "POST /_local/simulate-purchase" -> simulatePurchase(body);
            default -> null;
        });
    }

    private LocalServer.Reply token(byte[] body) {
        ObjectNode request;
        try {
            request = object(body);
        } catch (BadRequest e) {
            return e.reply();
        }
        Map<String, String> claims = new LinkedHashMap<>();
        for (String field : new String[] {"sub", "org_id", "role", "email"}) {
            JsonNode value = request.path(field);
            if (value.isMissingNode() || value.isNull()) {
                if (!field.equals("email")) {
                    return invalid("missing_field", field + " is required: {\"sub\",\"org_id\",\"role\",\"email\"?}");
                }
                continue;
            }
            if (!value.isTextual() || value.asText().isBlank()) {
                return invalid("invalid_field", field + " must be a non-empty string");
            }
            claims.put(field, value.asText());
        }
        if (!ROLES.contains(claims.get("role"))) {
            return invalid("invalid_field", "role must be one of member, admin, service, staff");
        }
        ObjectNode answer = ApiGatewayEvents.JSON.createObjectNode();
        answer.put("token", jwt.mint(claims, TOKEN_LIFETIME));
        return LocalServer.Reply.json(200, answer);
    }

    private LocalServer.Reply emails() throws Exception {
        ObjectNode answer = ApiGatewayEvents.JSON.createObjectNode();
        ArrayNode data = answer.putArray("data");
        for (JsonNode email : mailbox.emails()) {
            ObjectNode e = data.addObject();
            e.set("to", email.path("to"));
            e.set("from", email.path("from"));
            e.set("subject", email.path("subject"));
            e.set("text", email.path("text"));
            e.set("html", email.path("html"));
            e.set("headers", email.path("headers"));
            e.set("sentAt", email.path("sentAt"));
        }
        return LocalServer.Reply.json(200, answer);
    }

    /**
     * Pays for {@code credits} as a buyer would: an order through this runner's own checkout route (so the session,
     * its price and a saved card's Customer are the checkout function's), paid on the stand-in's Checkout page, whose
     * {@code checkout.session.completed} (and the other events of the payment) the stand-in signs and POSTs to
     * {@code /webhooks/stripe}. {@code saveCard} (a Stripe test card) orders with {@code "saveCard": true}, so the card
     * is kept on the org's Stripe Customer for auto top-up; {@code deliver: false} records the paid session and its
     * events without ever sending the webhooks.
     */
    private LocalServer.Reply simulatePurchase(byte[] body) throws Exception {
        ObjectNode request;
        try {
            request = object(body);
        } catch (BadRequest e) {
            return e.reply();
        }
        String orgId = request.path("orgId").asText("");
        if (!request.path("orgId").isTextual() || !Ids.isValid(orgId)) {
            return invalid("invalid_id", "orgId must be 1-128 characters of A-Z a-z 0-9 _ . : -");
        }
        JsonNode creditsNode = request.path("credits");
        long credits;
        try {
            credits = creditsNode.isIntegralNumber() ? creditsNode.longValue()
                    : creditsNode.isTextual() ? Long.parseLong(creditsNode.asText().trim()) : -1;
        } catch (NumberFormatException e) {
            credits = -1;
        }
        if (credits < 1 || credits > 10_000) {
            return invalid("invalid_field", "credits must be a whole number from 1 to 10000");
        }
        JsonNode emailNode = request.path("email");
        if (!emailNode.isMissingNode() && !emailNode.isNull() && (!emailNode.isTextual() || !emailNode.asText().contains("@"))) {
            return invalid("invalid_field", "email must be an email address");
        }
        String email = emailNode.isTextual() ? emailNode.asText() : "billing@example.com";
        JsonNode saveCardNode = request.path("saveCard");
        Optional<String> saveCard = saveCardNode.isTextual() ? Optional.of(saveCardNode.asText()) : Optional.empty();
        if ((!saveCardNode.isMissingNode() && !saveCardNode.isNull() && !saveCardNode.isTextual())
                || saveCard.filter(card -> !card.startsWith("pm_card_") || TestCards.byToken(card).isEmpty()).isPresent()) {
            return invalid("invalid_field", "saveCard must be one of Stripe's test cards, e.g. pm_card_visa,"
                    + " pm_card_chargeDeclined, pm_card_chargeDeclinedInsufficientFunds, pm_card_authenticationRequired");
        }
        JsonNode deliverNode = request.path("deliver");
        if (!deliverNode.isMissingNode() && !deliverNode.isNull() && !deliverNode.isBoolean()) {
            return invalid("invalid_field", "deliver must be true or false");
        }
        boolean deliver = deliverNode.asBoolean(true);
        if (!environment.get("STRIPE_API_BASE").filter((api + STRIPE_API_PREFIX)::equals).isPresent()) {
            return LocalServer.Reply.error(409, "conflict", "stripe_not_local", "simulate-purchase pays on the runner's"
                    + " Stripe stand-in, but STRIPE_API_KEY sends the checkout to another Stripe: buy on its Checkout page");
        }

        HttpResponse<String> ordered = order(orgId, credits, email, saveCard.isPresent());
        if (ordered.statusCode() != 201) {
            return new LocalServer.Reply(ordered.statusCode() >= 500 ? 502 : ordered.statusCode(),
                    Map.of("Content-Type", "application/json"), ordered.body().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        JsonNode checkout = ApiGatewayEvents.JSON.readTree(ordered.body());
        CheckoutPayment payment = CheckoutPayment.card(saveCard.orElse(TestCards.VISA)).email(email);
        ObjectNode paid = stripe.payCheckoutSession(checkout.path("checkoutSessionId").asText(),
                deliver ? payment : payment.withoutWebhooks());

        String eventId = stripe.newestEvent("checkout.session.completed", paid.path("id").asText()).orElseThrow()
                .path("id").asText();
        ObjectNode answer = ApiGatewayEvents.JSON.createObjectNode();
        answer.put("checkoutSessionId", paid.path("id").asText());
        answer.put("eventId", eventId);
        answer.put("paymentIntentId", paid.path("payment_intent").asText());
        answer.put("credits", credits);
        answer.set("amountTotal", checkout.path("quote").path("total"));
        if (saveCard.isPresent()) {
            answer.put("customerId", paid.path("customer").asText());
            JsonNode pm = stripe.object(stripe.object(paid.path("payment_intent").asText()).orElseThrow()
                    .path("payment_method").asText()).orElseThrow();
            answer.putObject("savedCard").put("paymentMethodId", pm.path("id").asText())
                    .put("brand", pm.path("card").path("brand").asText()).put("last4", pm.path("card").path("last4").asText())
                    .put("expMonth", pm.path("card").path("exp_month").asInt()).put("expYear", pm.path("card").path("exp_year").asInt());
        }
        answer.put("delivered", deliver);
        Optional<Webhooks.Attempt> attempt = stripe.webhooks().attempts(eventId).stream().reduce((first, last) -> last);
        if (attempt.isEmpty()) {
            answer.putNull("webhook");
            return LocalServer.Reply.json(200, answer);
        }
        JsonNode webhookBody;
        try {
            webhookBody = ApiGatewayEvents.JSON.readTree(attempt.get().answer().body());
        } catch (IOException notJson) {
            webhookBody = ApiGatewayEvents.JSON.getNodeFactory().textNode(attempt.get().answer().body());
        }
        int status = attempt.get().answer().status();
        answer.putObject("webhook").put("status", status).set("body", webhookBody);
        return LocalServer.Reply.json(attempt.get().succeeded() ? 200 : status == 0 ? 502 : status, answer);
    }

    /** {@code POST /orgs/{orgId}/checkout} on this runner, as the org's admin {@code email} would order it. */
    private HttpResponse<String> order(String orgId, long credits, String email, boolean saveCard) throws Exception {
        String token = jwt.mint(Map.of("sub", "simulate-purchase", "org_id", orgId, "role", "admin", "email", email),
                Duration.ofMinutes(5));
        ObjectNode order = ApiGatewayEvents.JSON.createObjectNode()
                .put("credits", credits)
                .put("successUrl", api + BillingPage.PATH + "?checkout=success")
                .put("cancelUrl", api + BillingPage.PATH + "?checkout=cancelled")
                .put("saveCard", saveCard);
        return new RunnerApi(api.toString()).send("POST", "/orgs/" + orgId + "/checkout", token,
                ApiGatewayEvents.JSON.writeValueAsString(order));
    }

    private static LocalServer.Reply reply(StripeStandIn.Served served) {
        return new LocalServer.Reply(served.status(), served.headers(), served.body());
    }

    /** Emails from the SES emulator's {@code GET /store}, newest first. */
    public static Mailbox sesStore(URI sesEndpoint) {
        return () -> {
            List<JsonNode> newestFirst = new ArrayList<>();
            for (SesEmulator.SentEmail e : SesEmulator.emailsAt(sesEndpoint)) {
                ObjectNode email = ApiGatewayEvents.JSON.createObjectNode();
                email.set("to", ApiGatewayEvents.JSON.valueToTree(e.to()));
                email.put("from", e.from());
                email.put("subject", e.subject());
                email.put("text", e.text());
                email.put("html", e.html());
                ObjectNode headers = email.putObject("headers");
                e.headers().forEach(headers::put);
                email.put("sentAt", Times.format(e.at()));
                newestFirst.addFirst(email);
            }
            return newestFirst;
        };
    }

    /** The body as one JSON object (the /_local routes' requests), else {@link BadRequest}. */
    static ObjectNode object(byte[] body) throws BadRequest {
        try {
            JsonNode node = ApiGatewayEvents.JSON.readTree(body);
            if (node instanceof ObjectNode object) {
                return object;
            }
        } catch (IOException e) {
            // answered below
        }
        throw new BadRequest();
    }

    static final class BadRequest extends Exception {
        BadRequest() {
            super(null, null, false, false);
        }

        LocalServer.Reply reply() {
            return invalid("malformed_json", "the body must be a JSON object");
        }
    }

    static LocalServer.Reply invalid(String code, String message) {
        return LocalServer.Reply.error(400, "invalid_request", code, message);
    }
}
