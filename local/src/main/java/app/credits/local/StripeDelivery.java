package app.credits.local;

import app.credits.ledger.Money;
import app.credits.webhook.StripeSignature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Tells the webhook about a paid Checkout Session the way Stripe does: a signed {@code checkout.session.completed}
 * event POSTed over HTTP to the template's webhook route. Used by {@code /_local/simulate-purchase} and by the
 * local Checkout page.
 */
final class StripeDelivery {

    /** The facts of a paid session, as Stripe's event carries them. */
    record PaidSession(String sessionId, String paymentIntentId, String orgId, long credits, long unitAmount,
                       Money total, String email, String successUrl, String cancelUrl) {
    }

    /** What the webhook answered. */
    record Delivered(String eventId, int status, JsonNode body) {
    }

    private final String webhookSecret;
    private final Supplier<URI> webhookUrl;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    StripeDelivery(String webhookSecret, Supplier<URI> webhookUrl, Clock clock) {
        this.webhookSecret = webhookSecret;
        this.webhookUrl = webhookUrl;
        this.clock = clock;
    }

    Delivered deliverCompleted(PaidSession session) throws IOException, InterruptedException {
        Instant now = clock.instant();
        String eventId = "evt_local_" + random(24);
        String payload = checkoutSessionCompleted(eventId, session, now);
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(webhookUrl.get())
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json; charset=utf-8")
                .header("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)")
                .header("Accept", "*/*; q=0.5, application/xml")
                .header("Cache-Control", "no-cache")
                .header("Stripe-Signature", StripeSignature.sign(payload, webhookSecret, now))
                .POST(HttpRequest.BodyPublishers.ofString(payload))
                .build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body;
        try {
            body = ApiGatewayEvents.JSON.readTree(answer.body());
        } catch (IOException notJson) {
            body = ApiGatewayEvents.JSON.getNodeFactory().textNode(answer.body());
        }
        return new Delivered(eventId, answer.statusCode(), body);
    }

    /** A Checkout Session event as Stripe sends it (see events/stripe-webhook/checkout-session-completed.json). */
    static String checkoutSessionCompleted(String eventId, PaidSession paid, Instant now) {
        long created = now.getEpochSecond();
        ObjectNode event = ApiGatewayEvents.JSON.createObjectNode();
        event.put("id", eventId);
        event.put("object", "event");
        event.put("api_version", "2026-07-29.dahlia");
        event.put("created", created);
        ObjectNode session = event.putObject("data").putObject("object");
        session.put("id", paid.sessionId());
        session.put("object", "checkout.session");
        session.put("amount_subtotal", paid.total().amount());
        session.put("amount_total", paid.total().amount());
        session.put("cancel_url", paid.cancelUrl());
        session.put("client_reference_id", paid.orgId());
        session.put("created", created - 60);
        session.put("currency", paid.total().currency());
        session.putNull("customer");
        ObjectNode customer = session.putObject("customer_details");
        customer.put("email", paid.email());
        customer.putNull("name");
        customer.putNull("phone");
        customer.put("tax_exempt", "none");
        customer.putArray("tax_ids");
        session.putNull("customer_email");
        session.put("expires_at", created + 86_400);
        session.put("livemode", false);
        ObjectNode metadata = session.putObject("metadata");
        metadata.put("org_id", paid.orgId());
        metadata.put("credits", String.valueOf(paid.credits()));
        metadata.put("unit_amount", String.valueOf(paid.unitAmount()));
        session.put("mode", "payment");
        session.put("payment_intent", paid.paymentIntentId());
        session.putArray("payment_method_types").add("card");
        session.put("payment_status", "paid");
        session.put("status", "complete");
        session.put("success_url", paid.successUrl());
        session.putObject("total_details").put("amount_discount", 0).put("amount_shipping", 0).put("amount_tax", 0);
        session.put("ui_mode", "hosted");
        session.putNull("url");
        event.put("livemode", false);
        event.put("pending_webhooks", 1);
        event.putObject("request").putNull("id").putNull("idempotency_key");
        event.put("type", "checkout.session.completed");
        return event.toString();
    }

    static String random(int length) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder out = new StringBuilder(length);
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int i = 0; i < length; i++) {
            out.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return out.toString();
    }
}
