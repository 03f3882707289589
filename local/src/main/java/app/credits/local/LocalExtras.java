package app.credits.local;

import app.credits.runtime.Environment;
import app.credits.ledger.Account;
import app.credits.ledger.Ids;
import app.credits.ledger.Ledger;
import app.credits.ledger.OrgId;
import app.credits.ledger.Quote;
import app.credits.ledger.Times;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The routes only the local runner has ({@code /_local/...}, see "The local runner" in API.md): mint a token, run
 * the scheduled check now, list the emails sent, and pay for credits the way Stripe would tell us about it.
 */
public final class LocalExtras implements LocalServer.Extras {
    private static final Set<String> ROLES = Set.of("member", "admin", "service", "staff");
    private static final Duration TOKEN_LIFETIME = Duration.ofHours(24);

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
    private final StripeDelivery stripe;
    private final LocalCheckout checkout;

    public LocalExtras(Jwt jwt, ScheduledCheck check, Mailbox mailbox, Ledger ledger, Environment environment,
                       String webhookSecret, Supplier<URI> webhookUrl, String runnerUrl, Clock clock) {
        this.jwt = jwt;
        this.check = check;
        this.mailbox = mailbox;
        this.ledger = ledger;
        this.environment = environment;
        this.stripe = new StripeDelivery(webhookSecret, webhookUrl, clock);
        this.checkout = new LocalCheckout(stripe, runnerUrl);
    }

    @Override
    public Optional<LocalServer.Reply> handle(String method, String path, Map<String, List<String>> headers, byte[] body)
            throws Exception {
        if (path.startsWith(LocalCheckout.API_PREFIX + "/") || path.startsWith(LocalCheckout.PAGE_PREFIX)) {
            return checkout.handle(method, path, headers, body);
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
     * Pays for {@code credits} at the org's current quote and delivers the signed {@code checkout.session.completed}
     * event to {@code POST /webhooks/stripe} over HTTP, exactly as Stripe does after a hosted Checkout succeeds.
     */
    private LocalServer.Reply simulatePurchase(byte[] body) throws IOException, InterruptedException {
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

        Account account = ledger.account(OrgId.of(orgId));
        Quote quote = environment.pricing().quote(credits, account.lifetimePurchased(), account.plan().fixedUnitPrice());
        var paid = new StripeDelivery.PaidSession("cs_test_local_" + StripeDelivery.random(24),
                "pi_local_" + StripeDelivery.random(24), orgId, credits, quote.unitPrice().amount(), quote.total(), email,
                "http://127.0.0.1/billing?checkout=success", "http://127.0.0.1/billing?checkout=cancel");
        StripeDelivery.Delivered delivered = stripe.deliverCompleted(paid);

        ObjectNode answer = ApiGatewayEvents.JSON.createObjectNode();
        answer.put("checkoutSessionId", paid.sessionId());
        answer.put("eventId", delivered.eventId());
        answer.put("paymentIntentId", paid.paymentIntentId());
        answer.put("credits", credits);
        answer.putObject("amountTotal").put("amount", quote.total().amount()).put("currency", quote.total().currency());
        answer.putObject("webhook").put("status", delivered.status()).set("body", delivered.body());
        int status = delivered.status() / 100 == 2 ? 200 : delivered.status();
        return LocalServer.Reply.json(status, answer);
    }

    /** Emails from the SES emulator's {@code GET /store}, newest first. */
    public static Mailbox sesStore(URI sesEndpoint) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        return () -> {
            HttpResponse<String> store = client.send(HttpRequest.newBuilder(sesEndpoint.resolve("/store"))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (store.statusCode() != 200) {
                throw new IOException("the SES emulator at " + sesEndpoint + " answered " + store.statusCode() + " to GET /store");
            }
            JsonNode emails = ApiGatewayEvents.JSON.readTree(store.body()).path("emails");
            java.util.List<JsonNode> newestFirst = new java.util.ArrayList<>();
            for (JsonNode e : emails) {
                ObjectNode email = ApiGatewayEvents.JSON.createObjectNode();
                email.set("to", e.path("destination").path("to"));
                email.set("from", e.path("from"));
                email.set("subject", e.path("subject"));
                email.set("text", e.path("body").path("text"));
                email.set("html", e.path("body").path("html"));
                ObjectNode headers = email.putObject("headers");
                e.path("headers").forEach(h -> headers.put(h.path("name").asText(), h.path("value").asText()));
                email.put("sentAt", Times.format(Instant.ofEpochSecond(e.path("at").asLong())));
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
