package app.credits.reliability;

import app.credits.testkit.stripe.WebhookSignatures;
import app.credits.checkout.StripeCheckout;
import app.credits.http.HttpFunction;
import app.credits.http.HttpResponse;
import app.credits.runtime.Json;
import app.credits.http.Role;
import app.credits.runtime.Telemetry;
import app.credits.http.testing.Events;
import app.credits.http.testing.SampleEvents;
import app.credits.http.testing.TableSnapshot;
import app.credits.ledger.OrgId;
import app.credits.ledger.testing.MutableClock;
import app.credits.ledger.testing.TestDynamo;
import app.credits.reliability.support.Handlers;
import app.credits.reliability.support.Requests;
import app.credits.reliability.support.StripeEvents;
import app.credits.testkit.stripe.StripeStandIn;
import app.credits.reliability.support.Tally;
import app.credits.testkit.template.SamTemplate;
import app.credits.testkit.template.SamTemplate.HttpRoute;
import app.credits.webhook.StripeSignature;
import app.credits.webhook.StripeWebhookFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Secrets stay secret (bearer tokens, Stripe keys and webhook secrets never reach a log line or an answer, even when
 * requests carry them), and the webhook trusts only a fresh signature compared in constant time.
 */
class SecretsAndSignaturesTest {
    static final Tally TALLY = new Tally("SecretsAndSignaturesTest");
    static final String ORG = "secret-org";
    static final String JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJQTEFOVEVEIn0.PLANTED-signature-part";
    static final String STRIPE_KEY = "sk_test_PLANTEDapiKEY0123456789";
    /** Anything shaped like a credential: a bearer token, a Stripe secret or restricted key, a webhook secret. */
    static final Pattern SECRET = Pattern.compile("Bearer |eyJhbGci|sk_(test|live)_|rk_(test|live)_|whsec_|PLANTED");

    final MutableClock clock = MutableClock.at("2026-11-23T10:00:00Z");
    final TestDynamo.World world = TestDynamo.world(clock);
    final List<String> logLines = new CopyOnWriteArrayList<>();
    final ByteArrayOutputStream console = new ByteArrayOutputStream();
    final AtomicInteger unique = new AtomicInteger();
    StripeStandIn stripe;
    Map<String, HttpFunction> functions;
    PrintStream out;
    PrintStream err;

    @BeforeEach
    void captureEverything() {
        stripe = StripeStandIn.start();
        functions = Handlers.forTemplate(new Handlers.Wiring(world.ledger(), clock,
                new Telemetry("credits", "Credits", logLines::add, Clock.systemUTC()),
                Optional.of(StripeCheckout.create(STRIPE_KEY, Optional.of(stripe.apiBase())))));
        Requests.fund(world.ledger(), ORG, 1_000);
        // Stack traces and stray prints go to the console: capture it too.
        out = System.out;
        err = System.err;
        PrintStream both = new PrintStream(console, true, StandardCharsets.UTF_8);
        System.setOut(both);
        System.setErr(both);
    }

    @AfterEach
    void restore() {
        System.setOut(out);
        System.setErr(err);
        stripe.close();
    }

    @AfterAll
    static void report() {
        TALLY.report();
    }

    @Test
    void credentialsCarriedByRequestsNeverReachALogLineOrAnAnswer() {
        // GIVEN every route's valid request, and broken variants of it, carrying credentials wherever a client might
        List<UnaryOperator<String>> bodies = List.of(
                b -> b,
                b -> b.isEmpty() ? b : b.substring(0, b.length() - 1) + ",\"apiKey\":\"sk_live_PLANTED1\"}",
                b -> "{\"credits\":\"sk_live_PLANTED2\",\"reason\":\"whsec_PLANTED3\",\"email\":\"sk_test_PLANTED4\"}",
                b -> "not json sk_live_PLANTED5 " + JWT,
                b -> "{\"submissionId\":{\"token\":\"whsec_PLANTED6\"}}");
        List<String> leaks = new ArrayList<>();
        for (HttpRoute route : SamTemplate.ofRepository().httpRoutes()) {
            for (UnaryOperator<String> body : bodies) {
                Requests.Context context = new Requests.Context(world.ledger(), ORG, "staff_user", "s" + unique.incrementAndGet(),
                        clock.instant());
                Events event = Requests.recipe(route).build(context, Events.http(route.routeKey()).claims("staff_user", ORG, Role.STAFF))
                        .header("authorization", "Bearer " + JWT)
                        .header("x-api-key", STRIPE_KEY)
                        .header("cookie", "session=whsec_PLANTED7");
                String json = new String(event.build(), StandardCharsets.UTF_8);
                var tree = (com.fasterxml.jackson.databind.node.ObjectNode) Json.read(json);
                tree.put("body", body.apply(tree.path("body").asText("")));
                // The claims of a real token carry no secret, but a careless log could print the whole context.
                ((com.fasterxml.jackson.databind.node.ObjectNode) tree.path("requestContext").path("authorizer").path("jwt")
                        .path("claims")).put("at_hash", "PLANTED-claim");

                // WHEN it is sent
                HttpResponse response = functions.get(route.handlerClass()).handle(Json.write(tree).getBytes(StandardCharsets.UTF_8), null);
                TALLY.add("requests");

                // THEN the answer holds no credential
                if (SECRET.matcher(response.body()).find()) {
                    leaks.add(route + " answered " + response.statusCode() + " with a credential: " + response.body());
                }
            }
        }
        // AND no log line or console output does, for any of them (the Stripe key in use and the signing secret included)
        for (String line : logLines) {
            if (SECRET.matcher(line).find() || line.contains(StripeEvents.SECRET)) {
                leaks.add("log line: " + line);
            }
        }
        String printed = console.toString(StandardCharsets.UTF_8);
        if (SECRET.matcher(printed).find()) {
            leaks.add("console: " + printed);
        }
        TALLY.add("logLinesChecked", logLines.size());
        assertTrue(!logLines.isEmpty(), "the functions logged nothing: the capture is broken");
        assertTrue(leaks.isEmpty(), String.join("\n", leaks));
        world.assertReconciles(OrgId.of(ORG));
    }

    @Test
    void aSignatureDifferingInTheLastHexDigitIsRefusedAndWritesNothing() {
        // GIVEN a genuine purchase event, signed now
        String payload = Json.write(StripeEvents.purchase(ORG, 10).completed());
        String header = WebhookSignatures.sign(payload, StripeEvents.SECRET, clock.instant());
        char last = header.charAt(header.length() - 1);
        String tampered = header.substring(0, header.length() - 1) + (last == '0' ? '1' : '0');
        TableSnapshot before = TableSnapshot.of(world.dynamo(), world.table());

        // WHEN it arrives with the last hex digit of its v1 signature changed
        HttpResponse refused = webhook().handle(Events.http(StripeEvents.ROUTE).noClaims()
                .header("stripe-signature", tampered).body(payload).build(), null);
        TALLY.add("requests");

        // THEN it is refused, 400 in the contract's shape, nothing written, and the secret is not in the answer
        assertEquals(400, refused.statusCode(), refused.body());
        assertEquals("invalid_request", refused.bodyJson().path("error").path("type").asText());
        assertTrue(!refused.body().contains(StripeEvents.SECRET) && !refused.body().contains(header.substring(header.indexOf("v1="))));
        before.assertUnchanged(TableSnapshot.of(world.dynamo(), world.table()), "a tampered signature");

        // AND the untouched signature is accepted
        HttpResponse accepted = webhook().handle(Events.http(StripeEvents.ROUTE).noClaims()
                .header("stripe-signature", header).body(payload).build(), null);
        TALLY.add("requests");
        assertEquals(200, accepted.statusCode(), accepted.body());
        world.assertReconciles(OrgId.of(ORG));
    }

    @Test
    void aDeliveryReplayedPastTheThreeHundredSecondToleranceIsRefused() {
        // GIVEN a purchase event signed 301 seconds ago (a captured delivery, replayed later)
        String payload = Json.write(StripeEvents.purchase(ORG, 10).completed());
        Instant now = clock.instant();
        TableSnapshot before = TableSnapshot.of(world.dynamo(), world.table());
        // (stripe-java, like Stripe's own libraries, bounds only the age: a timestamp in the future proves the sender
        // holds the secret and replays nothing, so it is not refused)
        for (Duration age : List.of(Duration.ofSeconds(301), Duration.ofHours(1), Duration.ofDays(3))) {
            // WHEN it arrives
            HttpResponse refused = webhook().handle(StripeEvents.delivery(payload, now.minus(age)).build(), null);
            TALLY.add("requests");
            // THEN it is refused and nothing is written
            assertEquals(400, refused.statusCode(), age + ": " + refused.body());
        }
        before.assertUnchanged(TableSnapshot.of(world.dynamo(), world.table()), "a stale delivery");

        // AND the same delivery signed within the tolerance is accepted
        HttpResponse fresh = webhook().handle(StripeEvents.delivery(payload, now.minusSeconds(299)).build(), null);
        TALLY.add("requests");
        assertEquals(200, fresh.statusCode(), fresh.body());
        world.assertReconciles(OrgId.of(ORG));
    }

    @Test
    void signaturesAreComparedByStripeJavaInConstantTime() throws IOException {
        // GIVEN the webhook's verifier as written
        String source = Files.readString(SampleEvents.repoRoot()
                .resolve("functions/stripe-webhook/src/main/java/app/credits/webhook/StripeSignature.java"));
        String webhook = Files.readString(SampleEvents.repoRoot()
                .resolve("functions/stripe-webhook/src/main/java/app/credits/webhook/PurchaseWebhook.java"));

        // THEN the webhook verifies before anything else, through stripe-java's Webhook.Signature.verifyHeader
        assertTrue(webhook.contains("StripeSignature.verify("), "PurchaseWebhook must verify through StripeSignature");
        assertTrue(source.contains("Webhook.Signature.verifyHeader("), "StripeSignature must delegate to stripe-java");
        // AND that compares with StringUtils.secureCompare, which is MessageDigest.isEqual (read from stripe-java's bytecode)
        assertTrue(constantPool("com/stripe/net/Webhook$Signature.class").contains("secureCompare"));
        String utils = constantPool("com/stripe/util/StringUtils.class");
        assertTrue(utils.contains("java/security/MessageDigest") && utils.contains("isEqual"), "secureCompare is MessageDigest.isEqual");
    }

    private static String constantPool(String resource) throws IOException {
        try (InputStream in = StripeSignature.class.getClassLoader().getResourceAsStream(resource)) {
            assertTrue(in != null, resource + " is not on the classpath");
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private HttpFunction webhook() {
        return functions.get(StripeWebhookFunction.class.getName());
    }
}
