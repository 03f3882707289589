package app.credits.local;

import app.credits.runtime.Environment;
import app.credits.ledger.Account;
import app.credits.ledger.Ids;
import app.credits.ledger.Ledger;
import app.credits.ledger.OrgId;
import app.credits.ledger.Quote;
import app.credits.ledger.Times;
import app.credits.checkout.StripeCheckout;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The routes only the local runner has ({@code /_local/...}, see "The local runner" and "The local runner's Stripe"
 * in docs/api.md): mint a token, run the scheduled check now, list the emails sent, serve the test kit's Stripe stand-in
 * (its API under {@code /_local/stripe}, its hosted Checkout page under {@code /_local/checkout/}), and pay for
 * credits the way a buyer on Stripe's page would.
 */
public final class LocalExtras implements LocalServer.Extras {
    /** STRIPE_API_BASE of the functions the runner hosts. */
    public static final String STRIPE_API_PREFIX = "/_local/stripe";
    public static final String CHECKOUT_PAGE_PREFIX = "/_local/checkout/";
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
    private final ScheduledCheck check;
    private final Mailbox mailbox;
    private final Ledger ledger;
    private final Environment environment;
    private final StripeStandIn stripe;

    /** {@code stripe}: the stand-in served at {@link #STRIPE_API_PREFIX} and {@link #CHECKOUT_PAGE_PREFIX}. */
    public LocalExtras(Jwt jwt, ScheduledCheck check, Mailbox mailbox, Ledger ledger, Environment environment,
                       StripeStandIn stripe) {
        this.jwt = jwt;
        this.check = check;
        this.mailbox = mailbox;
        this.ledger = ledger;
        this.environment = environment;
        this.stripe = stripe;
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
        return Optional.ofNullable(switch (method + " " + path) {
            case "POST /_local/token" -> token(body);
            case "POST /_local/run/low-credit-check" -> {
                byte[] summary = check.runNow();
                yield new LocalServer.Reply(200, Map.of("Content-Type", "application/json"), summary);
            }
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
     * Pays for {@code credits} at the org's current quote as a buyer on Stripe's page would: a Checkout Session made
     * with the checkout function's parameters, paid on the stand-in, whose {@code checkout.session.completed} (and
     * the other events of the payment) the stand-in signs and POSTs to {@code /webhooks/stripe}. {@code saveCard}
     * (a Stripe test card) keeps the card on the org's Stripe Customer for later off-session payments;
     * {@code deliver: false} records the paid session and its events without ever sending the webhooks.
     */
    private LocalServer.Reply simulatePurchase(byte[] body) {
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

        Account account = ledger.account(OrgId.of(orgId));
        Quote quote = environment.pricing().quote(credits, account.lifetimePurchased(), account.plan().fixedUnitPrice());
        Map<String, String> params = checkoutSessionParams(orgId, quote);
        Optional<String> customer = saveCard.map(card -> orgCustomer(orgId, email));
        customer.ifPresent(id -> {
            params.put("customer", id);
            params.put("payment_intent_data[setup_future_usage]", "off_session");
        });
        ObjectNode session = stripe.createCheckoutSession(params);
        CheckoutPayment payment = CheckoutPayment.card(saveCard.orElse(TestCards.VISA)).email(email);
        ObjectNode paid = stripe.payCheckoutSession(session.path("id").asText(), deliver ? payment : payment.withoutWebhooks());

        String eventId = stripe.events("checkout.session.completed").stream()
                .filter(e -> e.path("data").path("object").path("id").asText().equals(paid.path("id").asText()))
                .findFirst().orElseThrow().path("id").asText();
        ObjectNode answer = ApiGatewayEvents.JSON.createObjectNode();
        answer.put("checkoutSessionId", paid.path("id").asText());
        answer.put("eventId", eventId);
        answer.put("paymentIntentId", paid.path("payment_intent").asText());
        answer.put("credits", credits);
        answer.putObject("amountTotal").put("amount", quote.total().amount()).put("currency", quote.total().currency());
        if (customer.isPresent()) {
            answer.put("customerId", customer.get());
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

    /** The parameters the checkout function's StripeCheckout sends for this order (its form encoding). */
    private static Map<String, String> checkoutSessionParams(String orgId, Quote quote) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("mode", "payment");
        params.put("client_reference_id", orgId);
        params.put("success_url", "http://127.0.0.1/billing?checkout=success");
        params.put("cancel_url", "http://127.0.0.1/billing?checkout=cancel");
        params.put("line_items[0][quantity]", Long.toString(quote.credits()));
        params.put("line_items[0][price_data][currency]", quote.unitPrice().currency());
        params.put("line_items[0][price_data][unit_amount]", Long.toString(quote.unitPrice().amount()));
        params.put("line_items[0][price_data][product_data][name]", StripeCheckout.PRODUCT_NAME);
        for (String prefix : new String[] {"metadata", "payment_intent_data[metadata]"}) {
            params.put(prefix + "[org_id]", orgId);
            params.put(prefix + "[credits]", Long.toString(quote.credits()));
            params.put(prefix + "[unit_amount]", Long.toString(quote.unitPrice().amount()));
        }
        return params;
    }

    /** The org's Stripe Customer (the newest whose metadata names it), made on first need. */
    private String orgCustomer(String orgId, String email) {
        return stripe.objects("customer").stream()
                .filter(c -> orgId.equals(c.path("metadata").path("org_id").asText()))
                .findFirst()
                .orElseGet(() -> stripe.createCustomer(Map.of("email", email, "metadata[org_id]", orgId)))
                .path("id").asText();
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

    private static ObjectNode object(byte[] body) throws BadRequest {
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

    private static final class BadRequest extends Exception {
        BadRequest() {
            super(null, null, false, false);
        }

        LocalServer.Reply reply() {
            return invalid("malformed_json", "the body must be a JSON object");
        }
    }

    private static LocalServer.Reply invalid(String code, String message) {
        return LocalServer.Reply.error(400, "invalid_request", code, message);
    }
}
