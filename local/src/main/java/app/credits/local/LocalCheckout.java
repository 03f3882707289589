package app.credits.local;

import app.credits.ledger.Ids;
import app.credits.ledger.Money;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A stand-in for the two pieces of Stripe Checkout the product touches, so that {@code POST /orgs/{orgId}/checkout}
 * works without a Stripe account: the API call that creates a Checkout Session (the checkout function's
 * stripe-java client is pointed here with {@code STRIPE_API_BASE}), and the hosted payment page its {@code url}
 * leads to. Paying on that page delivers {@code checkout.session.completed} to the webhook, as Stripe would, then
 * redirects to the session's {@code success_url}. Sessions live in memory (Stripe's expire within a day anyway).
 */
final class LocalCheckout {
    static final String API_PREFIX = "/_local/stripe";
    static final String PAGE_PREFIX = "/_local/checkout/";
    static final String LOCAL_API_KEY = "sk_test_credits_local";

    private record Session(String id, String orgId, long credits, long unitAmount, Money total, String successUrl,
                           String cancelUrl, String customerEmail, boolean paid) {
        Session paidNow() {
            return new Session(id, orgId, credits, unitAmount, total, successUrl, cancelUrl, customerEmail, true);
        }
    }

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Map<String, String> sessionByIdempotencyKey = new ConcurrentHashMap<>();
    private final StripeDelivery stripe;
    private final String runnerUrl;

    LocalCheckout(StripeDelivery stripe, String runnerUrl) {
        this.stripe = stripe;
        this.runnerUrl = runnerUrl;
    }

    Optional<LocalServer.Reply> handle(String method, String path, Map<String, List<String>> headers, byte[] body)
            throws Exception {
        if (path.equals(API_PREFIX + "/v1/checkout/sessions") && method.equals("POST")) {
            return Optional.of(createSession(headers, form(body)));
        }
        if (path.startsWith(PAGE_PREFIX)) {
            Session session = sessions.get(path.substring(PAGE_PREFIX.length()));
            if (session == null) {
                return Optional.of(html(404, "<p>No such Checkout Session (sessions live until the runner restarts).</p>"));
            }
            return switch (method) {
                case "GET" -> Optional.of(page(session));
                case "POST" -> Optional.of(pay(session, form(body)));
                default -> Optional.empty();
            };
        }
        return Optional.empty();
    }

    /** {@code POST /v1/checkout/sessions} with stripe-java's form encoding; idempotent on Idempotency-Key, like Stripe. */
    private LocalServer.Reply createSession(Map<String, List<String>> headers, Map<String, String> form) {
        String authorization = first(headers, "Authorization").orElse("");
        if (!authorization.startsWith("Bearer sk_")) {
            return stripeError(401, "Invalid API Key provided");
        }
        String orgId = form.getOrDefault("metadata[org_id]", "");
        long credits;
        long unitAmount;
        try {
            credits = Long.parseLong(form.getOrDefault("line_items[0][quantity]", ""));
            unitAmount = Long.parseLong(form.getOrDefault("line_items[0][price_data][unit_amount]", ""));
        } catch (NumberFormatException e) {
            return stripeError(400, "line_items[0] needs quantity and price_data[unit_amount]");
        }
        if (!Ids.isValid(orgId) || credits < 1 || unitAmount < 0) {
            return stripeError(400, "metadata[org_id], line_items[0][quantity] and unit_amount are required");
        }
        String currency = form.getOrDefault("line_items[0][price_data][currency]", "usd");
        Optional<String> key = first(headers, "Idempotency-Key");
        String id = key.map(sessionByIdempotencyKey::get).orElse(null);
        if (id == null) {
            id = "cs_test_local_" + StripeDelivery.random(24);
            sessions.put(id, new Session(id, orgId, credits, unitAmount, Money.of(unitAmount * credits, currency),
                    form.getOrDefault("success_url", runnerUrl), form.getOrDefault("cancel_url", runnerUrl),
                    form.get("customer_email"), false));
            String created = id;
            key.ifPresent(k -> sessionByIdempotencyKey.putIfAbsent(k, created));
            id = key.map(sessionByIdempotencyKey::get).orElse(id);
        }
        Session session = sessions.get(id);
        ObjectNode json = ApiGatewayEvents.JSON.createObjectNode();
        json.put("id", session.id());
        json.put("object", "checkout.session");
        json.put("amount_subtotal", session.total().amount());
        json.put("amount_total", session.total().amount());
        json.put("cancel_url", session.cancelUrl());
        json.put("client_reference_id", orgId);
        json.put("currency", session.total().currency());
        json.put("livemode", false);
        ObjectNode metadata = json.putObject("metadata");
        form.forEach((name, value) -> {
            if (name.startsWith("metadata[") && name.endsWith("]")) {
                metadata.put(name.substring(9, name.length() - 1), value);
            }
        });
        json.put("mode", "payment");
        json.putNull("payment_intent");
        json.put("payment_status", session.paid() ? "paid" : "unpaid");
        json.put("status", session.paid() ? "complete" : "open");
        json.put("success_url", session.successUrl());
        json.put("url", runnerUrl + PAGE_PREFIX + session.id());
        return new LocalServer.Reply(200, Map.of("Content-Type", "application/json", "Request-Id",
                "req_local_" + StripeDelivery.random(14)), json.toString().getBytes(StandardCharsets.UTF_8));
    }

    private LocalServer.Reply page(Session session) {
        String amount = String.format("%d.%02d %s", session.total().amount() / 100, session.total().amount() % 100,
                session.total().currency().toUpperCase());
        String email = session.customerEmail() == null ? "billing@example.com" : session.customerEmail();
        return html(200, session.paid()
                ? "<p>This session is paid.</p><p><a href=\"" + escape(session.successUrl()) + "\">Back to the billing page</a></p>"
                : "<h1>Local Checkout</h1><p>" + session.credits() + " credits for <strong>" + escape(session.orgId())
                  + "</strong>: <strong>" + amount + "</strong></p>"
                  + "<form method=\"post\"><label>Email <input name=\"email\" value=\"" + escape(email) + "\"></label> "
                  + "<button type=\"submit\">Pay " + amount + "</button></form>"
                  + "<p><a href=\"" + escape(session.cancelUrl()) + "\">Cancel</a></p>"
                  + "<p style=\"color:#666\">credits-local's stand-in for Stripe's hosted page: paying sends "
                  + "checkout.session.completed to the webhook.</p>");
    }

    private LocalServer.Reply pay(Session session, Map<String, String> form) throws Exception {
        if (!session.paid()) {
            String email = form.getOrDefault("email", "billing@example.com").trim();
            var delivered = stripe.deliverCompleted(new StripeDelivery.PaidSession(session.id(),
                    "pi_local_" + StripeDelivery.random(24), session.orgId(), session.credits(), session.unitAmount(),
                    session.total(), email.contains("@") ? email : "billing@example.com", session.successUrl(),
                    session.cancelUrl()));
            if (delivered.status() / 100 != 2) {
                return html(502, "<p>The webhook answered " + delivered.status() + ": <code>"
                        + escape(delivered.body().toString()) + "</code></p>");
            }
            sessions.computeIfPresent(session.id(), (id, s) -> s.paidNow());
        }
        return new LocalServer.Reply(303, Map.of("Location", session.successUrl()), new byte[0]);
    }

    private static LocalServer.Reply stripeError(int status, String message) {
        ObjectNode error = ApiGatewayEvents.JSON.createObjectNode();
        error.putObject("error").put("type", "invalid_request_error").put("message", message);
        return LocalServer.Reply.json(status, error);
    }

    private static LocalServer.Reply html(int status, String content) {
        String page = "<!doctype html><html><head><meta charset=\"utf-8\"><title>Local Checkout</title></head>"
                + "<body style=\"font-family:sans-serif;max-width:40em;margin:3em auto\">" + content + "</body></html>";
        return new LocalServer.Reply(status, Map.of("Content-Type", "text/html; charset=utf-8"),
                page.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, String> form(byte[] body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            form.put(name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return form;
    }

    private static Optional<String> first(Map<String, List<String>> headers, String name) {
        return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                .flatMap(e -> e.getValue().stream()).findFirst();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
