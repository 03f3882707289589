package app.credits.reconcile;

import app.credits.checkout.StripeCheckout;
import app.credits.http.HttpResponse;
import app.credits.http.testing.Events;
import app.credits.http.testing.SampleEvents;
import app.credits.ledger.Credits;
import app.credits.ledger.Money;
import app.credits.ledger.OrgId;
import app.credits.ledger.Pricing;
import app.credits.ledger.testing.MutableClock;
import app.credits.ledger.testing.TestDynamo;
import app.credits.runtime.Json;
import app.credits.runtime.LocalContext;
import app.credits.runtime.Telemetry;
import app.credits.stripe.SaleTerms;
import app.credits.testkit.stripe.CheckoutPayment;
import app.credits.testkit.stripe.StripeStandIn;
import app.credits.testkit.stripe.Webhooks;
import app.credits.webhook.StripeWebhookFunction;
import com.fasterxml.jackson.databind.JsonNode;
import com.stripe.exception.StripeException;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What a reconciliation scenario stands on: the ledger on the DynamoDB emulator, the test kit's Stripe stand-in on
 * the same clock, the checkout's own {@link StripeCheckout} making Checkout Sessions as the product does, and the
 * real webhook handler as the stand-in's endpoint. Webhooks are held: a scenario delivers them, or never does.
 */
final class StripeWorld implements AutoCloseable {
    static final String SECRET = "whsec_reconcile_0123456789SECRET";
    static final long UNIT_AMOUNT = 2900;
    /** Most scenarios apply events at once (the settle delay is its own scenario) and start an hour back. */
    static final StripeReconciliation.Settings SETTINGS = new StripeReconciliation.Settings(Duration.ofMinutes(15),
            Duration.ZERO, Duration.ofHours(1), Duration.ofSeconds(60));

    final MutableClock clock = MutableClock.at("2026-11-26T10:00:00Z");
    final TestDynamo.World world = TestDynamo.world(clock);
    final StripeStandIn stripe = StripeStandIn.start(clock);
    final StripeCheckout checkout = StripeCheckout.create(StripeStandIn.TEST_API_KEY, Optional.of(stripe.apiBase()));
    final List<String> logLines = new CopyOnWriteArrayList<>();
    final StripeWebhookFunction webhook = new StripeWebhookFunction(world.ledger(), SECRET, clock,
            new Telemetry("credits-stripe-webhook", "Credits", line -> { }, clock));

    StripeWorld() {
        stripe.webhooks().endpoint("webhook", SECRET, this::toWebhook).delivery(Webhooks.Delivery.HELD);
    }

    /** A paid purchase: its Checkout Session and the id of its {@code checkout.session.completed} event. */
    record Paid(OrgId org, String sessionId, String paymentIntentId, String chargeId, String completedEventId) {
    }

    /**
     * {@code org} buys {@code credits} at 2900 a credit through a session the checkout's code makes, and pays it on
     * Stripe's page; the webhooks are held ({@code deliver}) or never sent.
     */
    Paid buy(OrgId org, long credits, boolean deliver) {
        String sessionId;
        try {
            var quote = Pricing.standard().quote(credits, Credits.ZERO, Optional.of(Money.of(UNIT_AMOUNT, "usd")));
            sessionId = checkout.createSession(org, quote, "https://app.example.com/ok", "https://app.example.com/no",
                    "reconcile-" + UUID.randomUUID()).id();
        } catch (StripeException e) {
            throw new IllegalStateException("the Stripe stand-in refused the checkout's session", e);
        }
        CheckoutPayment payment = CheckoutPayment.visa().email("buyer@example.com");
        var session = stripe.payCheckoutSession(sessionId, deliver ? payment : payment.withoutWebhooks());
        String paymentIntent = session.path("payment_intent").asText();
        String charge = stripe.object(paymentIntent).orElseThrow().path("latest_charge").asText();
        return new Paid(org, sessionId, paymentIntent, charge, eventAbout("checkout.session.completed", sessionId));
    }

    /** The newest event of {@code type} whose object is {@code objectId}. */
    String eventAbout(String type, String objectId) {
        return stripe.newestEvent(type, objectId)
                .orElseThrow(() -> new AssertionError("no " + type + " for " + objectId)).path("id").asText();
    }

    /** A reconciliation function on this world's table and stand-in, with its own DynamoDB client. */
    StripeReconcileFunction function(StripeReconciliation.Settings settings, Duration stripeReadTimeout,
                                     ExecutionInterceptor... interceptors) {
        return function(clock, settings, stripeReadTimeout, interceptors);
    }

    /** A run whose "now" is {@code runClock}'s (the ledger and Stripe keep theirs). */
    StripeReconcileFunction function(Clock runClock, StripeReconciliation.Settings settings, Duration stripeReadTimeout,
                                     ExecutionInterceptor... interceptors) {
        DynamoDbClient dynamo = interceptors.length == 0 ? world.dynamo() : TestDynamo.client(interceptors);
        return new StripeReconcileFunction(dynamo, world.table(),
                StripeEventList.create(StripeStandIn.TEST_API_KEY, Optional.of(stripe.apiBase()), stripeReadTimeout),
                SaleTerms.of("usd", false), settings, runClock,
                new Telemetry("credits-stripe-reconcile", "Credits", logLines::add, runClock));
    }

    StripeReconcileFunction function(ExecutionInterceptor... interceptors) {
        return function(SETTINGS, StripeEventList.READ_TIMEOUT, interceptors);
    }

    /** One scheduled invocation with the sample event, as Lambda would make it; its summary. */
    static JsonNode run(StripeReconcileFunction function) {
        try {
            byte[] event = Files.readAllBytes(SampleEvents.repoRoot().resolve("events/stripe-reconcile/scheduled.json"));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            function.handleRequest(new ByteArrayInputStream(event), out,
                    new LocalContext("run-" + UUID.randomUUID(), "StripeReconcileFunction", 300_000, System.err));
            return Json.read(out.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The log lines of one level, parsed. */
    List<JsonNode> logs(String level) {
        return logLines.stream().map(Json::read).filter(l -> level.equals(l.path("level").asText())).toList();
    }

    private Webhooks.Answer toWebhook(String payload, String signature) {
        byte[] event = Events.http(StripeWebhookFunction.ROUTE).noClaims().header("stripe-signature", signature)
                .body(payload).build();
        HttpResponse response = webhook.handle(event, null);
        return new Webhooks.Answer(response.statusCode(), response.body());
    }

    @Override
    public void close() {
        stripe.close();
    }
}
