package app.credits.checkout;

import app.credits.http.HttpResponse;
import app.credits.http.Role;
import app.credits.http.testing.AuthorizationMatrix;
import app.credits.http.testing.Events;
import app.credits.http.testing.SampleEvents;
import app.credits.http.testing.TestTelemetry;
import app.credits.ledger.CompletedCheckout;
import app.credits.ledger.CreditPackage;
import app.credits.ledger.Money;
import app.credits.ledger.OrgId;
import app.credits.ledger.Plan;
import app.credits.ledger.Pricing;
import app.credits.ledger.testing.MutableClock;
import app.credits.ledger.testing.TestDynamo;
import app.credits.testkit.stripe.Faults;
import app.credits.testkit.stripe.Received;
import app.credits.testkit.stripe.StripeStandIn;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** POST /orgs/{orgId}/checkout against the ledger in the emulator and the test kit's Stripe stand-in on 127.0.0.1. */
class CheckoutFunctionTest {
    static final String API_KEY = "sk_test_51StandInSecretKeyThatMustNeverLeak";
    static final OrgId ACME = OrgId.of("org_acme");
    static final String SUCCESS = "https://app.example.com/billing?checkout=success";
    static final String CANCEL = "https://app.example.com/billing?checkout=cancel";
    static final String TEN_CREDITS = body(10, SUCCESS, CANCEL);
    /** The deployment's AllowedOrigins: the Billing page, and a developer's copy of it (CheckoutReturnUrlsTest). */
    static final ReturnUrls BILLING_PAGES = ReturnUrls.allowing(
            List.of("https://app.example.com", "http://localhost:3000", "http://127.0.0.1:3000"));

    final MutableClock clock = MutableClock.at("2026-11-23T18:04:19Z");
    final TestDynamo.World world = TestDynamo.world(clock);
    final StripeStandIn stripe = StripeStandIn.start();
    final TestTelemetry telemetry = new TestTelemetry();
    // A short read timeout keeps the timeout scenario quick; production uses StripeCheckout.READ_TIMEOUT (10 s).
    final CheckoutFunction function = new CheckoutFunction(world.ledger(), Pricing.standard(),
            Optional.of(StripeCheckout.create(API_KEY, Optional.of(stripe.apiBase()), Duration.ofSeconds(2),
                    Duration.ofMillis(400), StripeCheckout.NETWORK_RETRIES)),
            BILLING_PAGES, clock, telemetry.telemetry());

    @AfterEach
    void stopStandIn() {
        stripe.close();
    }

    // ------------------------------------------------------------------ sessions at the quoted price

    @Test
    void adminBuysTenCreditsAndStripeGetsExactlyTheQuotedSession() {
        // WHEN an admin of a new org asks to buy 10 credits (tier 10-49: 30% off 2900)
        HttpResponse response = checkout(adminOf("org_acme"), TEN_CREDITS);

        // THEN Stripe received one payment-mode session at 2030 x 10, naming the org everywhere the webhook looks
        assertEquals(201, response.statusCode(), response.body());
        Received sent = onlyRequest();
        assertEquals("POST", sent.method());
        assertEquals("/v1/checkout/sessions", sent.path());
        assertEquals("Bearer " + API_KEY, sent.header("Authorization"));
        assertEquals(Map.ofEntries(
                Map.entry("mode", "payment"),
                Map.entry("client_reference_id", "org_acme"),
                Map.entry("success_url", SUCCESS),
                Map.entry("cancel_url", CANCEL),
                Map.entry("line_items[0][quantity]", "10"),
                Map.entry("line_items[0][price_data][currency]", "usd"),
                Map.entry("line_items[0][price_data][unit_amount]", "2030"),
                Map.entry("line_items[0][price_data][product_data][name]", "Photoshoot credits"),
                Map.entry("metadata[org_id]", "org_acme"),
                Map.entry("metadata[credits]", "10"),
                Map.entry("metadata[unit_amount]", "2030"),
                Map.entry("payment_intent_data[metadata][org_id]", "org_acme"),
                Map.entry("payment_intent_data[metadata][credits]", "10"),
                Map.entry("payment_intent_data[metadata][unit_amount]", "2030")), sent.params());
        String expectedKey = CheckoutFunction.idempotencyKey(ACME, Optional.empty(),
                Pricing.standard().quote(10, app.credits.ledger.Credits.ZERO, Optional.empty()), SUCCESS, CANCEL,
                clock.millis() / 60_000);
        assertEquals(expectedKey, sent.header("Idempotency-Key"));

        // AND the caller gets the session and the quote, rendered like the pricing route
        JsonNode body = response.bodyJson();
        JsonNode session = stripe.objects("checkout.session").getFirst();
        assertEquals(session.path("id").asText(), body.path("checkoutSessionId").asText());
        assertEquals(stripe.apiBase() + "/checkout/" + session.path("id").asText(), body.path("url").asText());
        assertEquals(20300, session.path("amount_total").asLong());
        assertEquals(Json("""
                {"credits":"10","listUnitPrice":{"amount":2900,"currency":"usd"},
                 "unitPrice":{"amount":2030,"currency":"usd"},"discountPercent":30,"fixedPricing":false,
                 "total":{"amount":20300,"currency":"usd"}}"""), body.path("quote"));
        world.assertReconciles(ACME);
    }

    @Test
    void creditsAlreadyBoughtChooseTheTier() {
        // GIVEN an org that bought 45 credits before
        world.ledger().creditPurchase(new CompletedCheckout("cs_test_earlier", ACME, 45, Money.of(91350, "usd"),
                Optional.of("pi_earlier"), Optional.of("billing@acme.example")));

        // WHEN it buys 5 more (50 lifetime: 50% off)
        HttpResponse response = checkout(adminOf("org_acme"), body(5, SUCCESS, CANCEL));

        // THEN the session is priced at 1450 per credit
        assertEquals(201, response.statusCode(), response.body());
        assertEquals("1450", onlyRequest().params().get("line_items[0][price_data][unit_amount]"));
        assertEquals(50, response.bodyJson().path("quote").path("discountPercent").asInt());
        assertEquals(7250, response.bodyJson().path("quote").path("total").path("amount").asLong());
        world.assertReconciles(ACME);
    }

    @Test
    void orgWithANegotiatedFixedPricePaysThatPrice() {
        // GIVEN staff fixed org_acme's price at 19.99 eur a credit
        world.ledger().updatePlan(ACME, new Plan(CreditPackage.STANDARD, Optional.of(Money.of(1999, "eur"))));

        // WHEN it buys 60 credits (which would be 50% off on the tiers)
        HttpResponse response = checkout(adminOf("org_acme"), body(60, SUCCESS, CANCEL));

        // THEN Stripe is asked for exactly the fixed price, in its currency
        assertEquals(201, response.statusCode(), response.body());
        Map<String, String> form = onlyRequest().params();
        assertEquals("1999", form.get("line_items[0][price_data][unit_amount]"));
        assertEquals("eur", form.get("line_items[0][price_data][currency]"));
        assertEquals("1999", form.get("metadata[unit_amount]"));
        JsonNode quote = response.bodyJson().path("quote");
        assertTrue(quote.path("fixedPricing").asBoolean());
        assertEquals(0, quote.path("discountPercent").asInt());
        assertEquals(Json("{\"amount\":119940,\"currency\":\"eur\"}"), quote.path("total"));
        world.assertReconciles(ACME);
    }

    @Test
    void staffMayStartACheckoutForAnyOrg() {
        HttpResponse response = checkout(Events.http(CheckoutFunction.ROUTE).org("org_beta")
                .claims("staff_1", null, Role.STAFF), TEN_CREDITS);

        assertEquals(201, response.statusCode(), response.body());
        assertEquals("org_beta", onlyRequest().params().get("metadata[org_id]"));
    }

    // ------------------------------------------------------------------ idempotency

    @Test
    void callersIdempotencyKeyMakesARetryReturnTheSameSession() {
        // WHEN the Billing page retries with its Idempotency-Key, and another org happens to use the same key
        HttpResponse first = checkout(adminOf("org_acme").header("Idempotency-Key", "order-42"), TEN_CREDITS);
        clock.advance(Duration.ofMinutes(5));
        HttpResponse retry = checkout(adminOf("org_acme").header("Idempotency-Key", "order-42"), TEN_CREDITS);
        HttpResponse otherOrg = checkout(adminOf("org_beta").header("Idempotency-Key", "order-42"), TEN_CREDITS);

        // THEN the retry is the same Stripe request and session; the other org's is its own
        List<Received> sent = stripe.requests();
        assertEquals(sent.get(0).header("Idempotency-Key"), sent.get(1).header("Idempotency-Key"));
        assertNotEquals(sent.get(0).header("Idempotency-Key"), sent.get(2).header("Idempotency-Key"));
        assertEquals(first.bodyJson().path("checkoutSessionId"), retry.bodyJson().path("checkoutSessionId"));
        assertNotEquals(first.bodyJson().path("checkoutSessionId"), otherOrg.bodyJson().path("checkoutSessionId"));
    }

    @Test
    void doubleClickWithinAMinuteCreatesOneSessionButALaterOrderANewOne() {
        HttpResponse first = checkout(adminOf("org_acme"), TEN_CREDITS);
        HttpResponse doubleClick = checkout(adminOf("org_acme"), TEN_CREDITS);
        clock.advance(Duration.ofMinutes(1));
        HttpResponse later = checkout(adminOf("org_acme"), TEN_CREDITS);

        assertEquals(first.bodyJson().path("checkoutSessionId"), doubleClick.bodyJson().path("checkoutSessionId"));
        assertNotEquals(first.bodyJson().path("checkoutSessionId"), later.bodyJson().path("checkoutSessionId"));
    }

    // ------------------------------------------------------------------ Stripe failing

    static Stream<Arguments> stripeFailures() {
        return Stream.of(
                Arguments.of("invalid request", Faults.error(400, "invalid_request_error", "parameter_invalid_integer",
                        "Invalid integer: abc"), 500, "internal", "stripe_rejected_request"),
                Arguments.of("card error", Faults.error(402, "card_error", "card_declined", "Your card was declined."),
                        500, "internal", "stripe_error"),
                Arguments.of("bad API key", Faults.error(401, "invalid_request_error", null,
                        "Invalid API Key provided: sk_test_****Leak"), 500, "internal", "stripe_authentication_failed"),
                Arguments.of("rate limited", Faults.rateLimited(), 503, "unavailable", "stripe_rate_limited"),
                Arguments.of("key reused with other parameters", Faults.error(400, "idempotency_error", null,
                        "Keys for idempotent requests can only be used with the same parameters they were first used with."),
                        409, "conflict", "idempotency_key_reused"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stripeFailures")
    void stripeFailuresBecomeTheContractsErrorsWithoutLeakingTheKey(String failure, Faults.Fault reply, int status,
                                                                     String type, String code) {
        // GIVEN Stripe answers with an error
        stripe.faults().always(reply);

        // WHEN an admin starts a checkout
        HttpResponse response = checkout(adminOf("org_acme"), TEN_CREDITS);

        // THEN the caller gets the contract's error, saying Stripe failed, and neither it nor the logs hold the key
        assertEquals(status, response.statusCode(), response.body());
        JsonNode error = response.bodyJson().path("error");
        assertEquals(type, error.path("type").asText());
        assertEquals(code, error.path("code").asText());
        assertTrue(error.path("message").asText().contains("Stripe"), error.toString());
        assertFalse(response.body().contains("sk_test"), response.body());
        assertFalse(String.join("\n", telemetry.lines()).contains("sk_test"), "logs must not hold the key");
    }

    @Test
    void stripeServerErrorIsRetriedWithTheSameKeyThenAnswers503() {
        // GIVEN Stripe fails with 500 every time
        stripe.faults().always(Faults.serverError());

        // WHEN an admin starts a checkout
        HttpResponse response = checkout(adminOf("org_acme"), TEN_CREDITS);

        // THEN stripe-java tried three times with one idempotency key (never two sessions), then 503: retry later
        assertEquals(503, response.statusCode(), response.body());
        assertEquals("stripe_unavailable", response.bodyJson().path("error").path("code").asText());
        assertSameKeyOnEveryAttempt(3);
    }

    @Test
    void stripeTimeoutAnswers503AndEveryAttemptCarriesTheSameKey() {
        // GIVEN Stripe creates the session but its answer never comes (the client's read times out)
        stripe.faults().always(Faults.timeoutAfterPerforming());

        // WHEN an admin starts a checkout
        HttpResponse response = checkout(adminOf("org_acme"), TEN_CREDITS);

        // THEN 503 unavailable, safe to retry: each attempt carried the same idempotency key
        assertEquals(503, response.statusCode(), response.body());
        JsonNode error = response.bodyJson().path("error");
        assertEquals("unavailable", error.path("type").asText());
        assertEquals("stripe_unreachable", error.path("code").asText());
        assertSameKeyOnEveryAttempt(3);
    }

    @Test
    void withoutAStripeKeyTheAnswerSaysStripeIsNotConfigured() {
        CheckoutFunction unconfigured = new CheckoutFunction(world.ledger(), Pricing.standard(), Optional.empty(),
                BILLING_PAGES, clock, telemetry.telemetry());

        HttpResponse response = unconfigured.handle(adminOf("org_acme").body(TEN_CREDITS).build(), null);

        assertEquals(500, response.statusCode(), response.body());
        assertEquals("stripe_not_configured", response.bodyJson().path("error").path("code").asText());
    }

    // ------------------------------------------------------------------ requests refused before Stripe

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "{\"credits\":0,\"successUrl\":\"https://a.example/s\",\"cancelUrl\":\"https://a.example/c\"}",
            "{\"credits\":10001,\"successUrl\":\"https://a.example/s\",\"cancelUrl\":\"https://a.example/c\"}",
            "{\"credits\":2.5,\"successUrl\":\"https://a.example/s\",\"cancelUrl\":\"https://a.example/c\"}",
            "{\"credits\":\"ten\",\"successUrl\":\"https://a.example/s\",\"cancelUrl\":\"https://a.example/c\"}",
            "{\"successUrl\":\"https://a.example/s\",\"cancelUrl\":\"https://a.example/c\"}",
            "{\"credits\":10,\"successUrl\":\"http://app.example.com/s\",\"cancelUrl\":\"https://a.example/c\"}",
            "{\"credits\":10,\"successUrl\":\"/billing\",\"cancelUrl\":\"https://a.example/c\"}",
            "{\"credits\":10,\"successUrl\":\"javascript:alert(1)\",\"cancelUrl\":\"https://a.example/c\"}",
            "{\"credits\":10,\"successUrl\":\"https://user:pw@a.example/s\",\"cancelUrl\":\"https://a.example/c\"}",
            "{\"credits\":10,\"successUrl\":\"https://a.example/s\"}",
            "{\"credits\":10,\"successUrl\":\"https://a.example/s\",\"cancelUrl\":42}",
            "[10]"})
    void invalidOrderIsRefusedBeforeStripeIsCalled(String body) {
        HttpResponse response = checkout(adminOf("org_acme"), body);

        assertEquals(400, response.statusCode(), response.body());
        assertEquals("invalid_request", response.bodyJson().path("error").path("type").asText());
        assertEquals(List.of(), stripe.requests());
    }

    @Test
    void malformedIdempotencyKeyIsRefusedBeforeStripeIsCalled() {
        HttpResponse response = checkout(adminOf("org_acme").header("Idempotency-Key", "has spaces and #"), TEN_CREDITS);

        assertEquals(400, response.statusCode(), response.body());
        assertEquals(List.of(), stripe.requests());
    }

    @Test
    void localhostOverHttpAndStripesSessionIdTemplateAreAccepted() {
        String success = "http://localhost:3000/billing?session_id={CHECKOUT_SESSION_ID}";
        HttpResponse response = checkout(adminOf("org_acme"), body(1, success, "http://127.0.0.1:3000/billing"));

        assertEquals(201, response.statusCode(), response.body());
        assertEquals(success, onlyRequest().params().get("success_url"));
    }

    // ------------------------------------------------------------------ who may, and the sample event

    @Test
    void onlyAdminsOfTheOrgAndStaffMayStartACheckout() {
        List<String> failures = AuthorizationMatrix.check(function, (cell, event) -> event.body(TEN_CREDITS));

        assertEquals(List.of(), failures);
    }

    @Test
    void sampleEventOfTheEventsFolderCreatesASession() {
        List<Path> samples = SampleEvents.of("checkout");
        assertFalse(samples.isEmpty(), "events/checkout/ has samples");
        for (Path sample : samples) {
            HttpResponse response = function.handle(SampleEvents.read(sample), null);
            assertEquals(201, response.statusCode(), sample + ": " + response.body());
        }
    }

    // ------------------------------------------------------------------ helpers

    private HttpResponse checkout(Events event, String body) {
        return function.handle(event.body(body).build(), null);
    }

    private static Events adminOf(String org) {
        return Events.http(CheckoutFunction.ROUTE).org(org).claims("admin_1", org, Role.ADMIN);
    }

    private static String body(long credits, String successUrl, String cancelUrl) {
        return "{\"credits\":" + credits + ",\"successUrl\":\"" + successUrl + "\",\"cancelUrl\":\"" + cancelUrl + "\"}";
    }

    private Received onlyRequest() {
        List<Received> received = stripe.requests();
        assertEquals(1, received.size(), "requests to Stripe: " + received);
        return received.getFirst();
    }

    private void assertSameKeyOnEveryAttempt(int attempts) {
        List<Received> received = stripe.requests();
        assertEquals(attempts, received.size());
        String key = received.getFirst().header("Idempotency-Key");
        assertTrue(key.startsWith("checkout_"), key);
        assertTrue(received.stream().allMatch(r -> key.equals(r.header("Idempotency-Key"))), received.toString());
    }

    private static JsonNode Json(String json) {
        return app.credits.runtime.Json.read(json);
    }
}
