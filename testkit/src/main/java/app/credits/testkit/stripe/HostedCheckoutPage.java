package app.credits.testkit.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The stand-in for Stripe's hosted Checkout page, where a session's {@code url} leads: the order, an Email field,
 * a Card choice (Stripe's test cards), Pay and Cancel. Paying completes the session ({@link StripeStandIn#payCheckoutSession}),
 * delivers its events, then redirects to {@code success_url} with {@code {CHECKOUT_SESSION_ID}} filled in, as Stripe does.
 */
final class HostedCheckoutPage {
    private final StripeStandIn stripe;

    HostedCheckoutPage(StripeStandIn stripe) {
        this.stripe = stripe;
    }

    StripeApi.Answer handle(String method, String sessionId, byte[] body) {
        Optional<ObjectNode> found = stripe.object(sessionId).filter(o -> "checkout.session".equals(o.path("object").asText()));
        if (found.isEmpty()) {
            return html(404, "<p>No such Checkout Session (the stand-in keeps sessions in memory until it stops).</p>");
        }
        return switch (method) {
            case "GET", "HEAD" -> page(found.get());
            case "POST" -> pay(found.get(), Params.parse(new String(body, StandardCharsets.UTF_8)));
            default -> html(405, "<p>Method not allowed.</p>");
        };
    }

    private StripeApi.Answer page(ObjectNode session) {
        String status = session.path("status").asText();
        if (status.equals("complete")) {
            return html(200, "<p>This session is paid.</p><p><a href=\"" + escape(successUrl(session)) + "\">Back to "
                    + "the billing page</a></p>");
        }
        if (status.equals("expired")) {
            return html(410, "<p>This Checkout Session has expired.</p>");
        }
        String amount = amount(session.path("amount_total").asLong(), session.path("currency").asText());
        StringBuilder order = new StringBuilder();
        for (JsonNode item : stripe.lineItems(session.path("id").asText())) {
            order.append(order.isEmpty() ? "" : ", ").append(item.path("quantity").asLong()).append(" × ")
                    .append(escape(item.path("description").asText()));
        }
        String buyer = session.path("client_reference_id").asText(session.path("customer_email").asText(""));
        String email = session.path("customer_email").asText("billing@example.com");
        boolean saving = session.path("payment_method_options").path("card").has("setup_future_usage");
        StringBuilder cards = new StringBuilder();
        for (TestCards.Card card : TestCards.all()) {
            if (!card.token().startsWith("pm_card_visa_charge")) {
                cards.append("<option value=\"").append(card.token()).append("\">").append(card.brand()).append(" •••• ")
                        .append(card.last4()).append(" (").append(card.token()).append(")</option>");
            }
        }
        return html(200, "<h1>Local Checkout</h1><p>" + order + (buyer.isEmpty() ? "" : " for <strong>" + escape(buyer)
                + "</strong>") + ": <strong>" + amount + "</strong></p>"
                + "<form method=\"post\"><p><label>Email <input name=\"email\" value=\"" + escape(email) + "\"></label></p>"
                + "<p><label>Card <select name=\"card\">" + cards + "</select></label>"
                + (saving ? " (saved for future payments)" : "") + "</p>"
                + "<button type=\"submit\">Pay " + amount + "</button></form>"
                + "<p><a href=\"" + escape(session.path("cancel_url").asText("")) + "\">Cancel</a></p>"
                + "<p style=\"color:#666\">The Stripe stand-in's hosted Checkout page: paying completes the session and "
                + "sends checkout.session.completed to the webhook.</p>");
    }

    private StripeApi.Answer pay(ObjectNode session, Params form) {
        if (session.path("status").asText().equals("open")) {
            String email = form.string("email").map(String::trim).filter(e -> e.contains("@")).orElse(null);
            String card = form.string("card").filter(c -> TestCards.byToken(c).isPresent()).orElse(TestCards.VISA);
            stripe.payCheckoutSession(session.path("id").asText(), CheckoutPayment.card(card).email(email));
            Optional<Webhooks.Attempt> failed = stripe
                    .newestEvent("checkout.session.completed", session.path("id").asText()).stream()
                    .flatMap(e -> stripe.webhooks().attempts(e.path("id").asText()).stream())
                    .filter(a -> !a.succeeded()).findFirst();
            if (failed.isPresent()) {
                return html(502, "<p>The webhook answered " + failed.get().answer().status() + ": <code>"
                        + escape(failed.get().answer().body()) + "</code></p>");
            }
        }
        return new StripeApi.Answer(303, Map.of("Location", successUrl(session)), new byte[0], StripeApi.Disposition.ANSWER);
    }

    private static String successUrl(ObjectNode session) {
        return session.path("success_url").asText("").replace("{CHECKOUT_SESSION_ID}", session.path("id").asText());
    }

    private static String amount(long minor, String currency) {
        return String.format(Locale.ROOT, "%d.%02d %s", minor / 100, minor % 100, currency.toUpperCase(Locale.ROOT));
    }

    private static StripeApi.Answer html(int status, String content) {
        String page = "<!doctype html><html><head><meta charset=\"utf-8\"><title>Local Checkout</title></head>"
                + "<body style=\"font-family:sans-serif;max-width:40em;margin:3em auto\">" + content + "</body></html>";
        return new StripeApi.Answer(status, Map.of("Content-Type", "text/html; charset=utf-8"),
                page.getBytes(StandardCharsets.UTF_8), StripeApi.Disposition.ANSWER);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
