package app.credits.webhook;

import app.credits.testkit.stripe.WebhookSignatures;
import app.credits.http.HttpResponse;
import app.credits.runtime.Json;
import app.credits.runtime.Telemetry;
import app.credits.http.testing.SampleEvents;
import app.credits.ledger.testing.MutableClock;
import app.credits.ledger.testing.TestDynamo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Delivers Stripe events to the webhook function the way Stripe and API Gateway do: the fixtures of
 * events/stripe-webhook/, re-signed at run time (the signature depends on the time) with the test secret.
 */
final class StripeDeliveries {
    static final String SECRET = "whsec_test_0123456789abcdefSECRET";
    static final Path FIXTURES = SampleEvents.repoRoot().resolve("events/stripe-webhook");

    final TestDynamo.World world;
    final MutableClock clock;
    final StripeWebhookFunction function;
    final List<String> logLines = new CopyOnWriteArrayList<>();

    StripeDeliveries(TestDynamo.World world, MutableClock clock) {
        this.world = world;
        this.clock = clock;
        this.function = new StripeWebhookFunction(world.ledger(), SECRET, clock,
                new Telemetry("credits-stripe-webhook", "Credits", logLines::add, clock));
    }

    /** The Stripe event (the API Gateway event's body) of a fixture, as a tree the scenario may change. */
    static ObjectNode stripeEvent(String fixture) {
        return (ObjectNode) Json.read(apiGatewayEvent(fixture).path("body").asText());
    }

    static ObjectNode apiGatewayEvent(String fixture) {
        try {
            return (ObjectNode) Json.read(Files.readString(FIXTURES.resolve(fixture + ".json")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Signs {@code stripeEvent} now and delivers it. */
    HttpResponse deliver(JsonNode stripeEvent) {
        String payload = stripeEvent.toPrettyString();
        return deliverRaw(payload, WebhookSignatures.sign(payload, SECRET, clock.instant()));
    }

    /** Delivers a fixture exactly as stored except for a fresh signature. */
    HttpResponse deliverFixture(String fixture) {
        ObjectNode event = apiGatewayEvent(fixture);
        String payload = event.path("body").asText();
        return deliverRaw(payload, WebhookSignatures.sign(payload, SECRET, clock.instant()));
    }

    HttpResponse deliverRaw(String payload, String signatureHeader) {
        ObjectNode event = apiGatewayEvent("checkout-session-completed");
        event.put("body", payload);
        ObjectNode headers = (ObjectNode) event.path("headers");
        headers.put("content-length", Integer.toString(payload.getBytes(StandardCharsets.UTF_8).length));
        if (signatureHeader == null) {
            headers.remove("stripe-signature");
        } else {
            headers.put("stripe-signature", signatureHeader);
        }
        return invoke(event);
    }

    /** As API Gateway sends a body it considers binary: base64 of the exact bytes. */
    HttpResponse deliverBase64(JsonNode stripeEvent) {
        String payload = stripeEvent.toPrettyString();
        ObjectNode event = apiGatewayEvent("checkout-session-completed");
        event.put("body", Base64.getEncoder().encodeToString(payload.getBytes(StandardCharsets.UTF_8)));
        event.put("isBase64Encoded", true);
        ((ObjectNode) event.path("headers")).put("stripe-signature", WebhookSignatures.sign(payload, SECRET, clock.instant()));
        return invoke(event);
    }

    HttpResponse invoke(JsonNode apiGatewayEvent) {
        return function.handle(Json.write(apiGatewayEvent).getBytes(StandardCharsets.UTF_8), null);
    }

    String sign(String payload, Instant at) {
        return WebhookSignatures.sign(payload, SECRET, at);
    }

    /** How many items the world's table holds (0: nothing was written). */
    int itemsInTable() {
        return world.dynamo().scan(r -> r.tableName(world.table()).consistentRead(true)).count();
    }

    List<JsonNode> errorLogs() {
        return logLines.stream().map(Json::read).filter(l -> "ERROR".equals(l.path("level").asText())).toList();
    }
}
