package app.credits.checkout;

import app.credits.http.HttpResponse;
import app.credits.http.Role;
import app.credits.http.testing.Events;
import app.credits.http.testing.TestTelemetry;
import app.credits.ledger.Pricing;
import app.credits.ledger.testing.MutableClock;
import app.credits.ledger.testing.TestDynamo;
import app.credits.runtime.Environment;
import app.credits.testkit.stripe.StripeStandIn;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Security finding 4: Stripe Checkout sends the buyer to {@code successUrl}/{@code cancelUrl}, so a checkout that
 * takes any https host is an open redirect through a trusted page. Only origins the deployment allows are taken:
 * the template's AllowedOrigins (env ALLOWED_ORIGINS); without it (the local runner), http on 127.0.0.1 and
 * localhost, any port. Everything else is a 400 before Stripe is called.
 */
class CheckoutReturnUrlsTest {
    final MutableClock clock = MutableClock.at("2026-11-23T18:04:19Z");
    final TestDynamo.World world = TestDynamo.world(clock);
    final StripeStandIn stripe = StripeStandIn.start();

    @AfterEach
    void stopStandIn() {
        stripe.close();
    }

    // ------------------------------------------------------------------ no AllowedOrigins: the local runner

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "https://evil.example/phish",
            "https://app.example.com/billing",
            "http://localhost.evil.example:3000/billing",
            "http://127.0.0.1.evil.example/billing",
            "https://localhost:3000/billing",
            "http://[::1]:3000/billing",
            "http://localhost@evil.example/billing"})
    void withoutAllowedOriginsAReturnUrlOffThisMachineIsRefusedBeforeStripeIsCalled(String url) {
        // GIVEN the checkout as the local runner hosts it (no ALLOWED_ORIGINS)
        CheckoutFunction local = checkout();

        // WHEN an admin asks to come back anywhere else, as success or as cancel URL
        HttpResponse asSuccess = local.handle(order(url, "http://127.0.0.1:3000/billing"), null);
        HttpResponse asCancel = local.handle(order("http://127.0.0.1:3000/billing", url), null);

        // THEN both are refused, and Stripe never hears of them
        assertRefused(asSuccess, "successUrl");
        assertRefused(asCancel, "cancelUrl");
        assertEquals(List.of(), stripe.requests());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "http://localhost:3000/billing?session_id={CHECKOUT_SESSION_ID}",
            "http://127.0.0.1:5173/app/admin/billing/credits",
            "http://LOCALHOST/billing",
            "http://127.0.0.1/billing"})
    void withoutAllowedOriginsThisMachineOnAnyPortIsAccepted(String url) {
        HttpResponse response = checkout().handle(order(url, url), null);

        assertEquals(201, response.statusCode(), response.body());
        assertEquals(url, stripe.requests().getFirst().params().get("success_url"));
    }

    // ------------------------------------------------------------------ deployed: the template's AllowedOrigins

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "https://evil.example/billing",
            "https://app.example.com.evil.example/billing",
            "https://app.example.com@evil.example/billing",
            "https://evil.example/https://app.example.com/billing",
            "http://app.example.com/billing",
            "https://app.example.com:8443/billing",
            "http://localhost:3000/billing",
            "http://127.0.0.1:3000/billing",
            "//evil.example/billing",
            "/billing",
            "javascript:alert(1)"})
    void aDeploymentRefusesEveryOriginItsAllowedOriginsDoNotList(String url) {
        // GIVEN a deployment whose AllowedOrigins are the Billing page's two hosts
        CheckoutFunction deployed = checkout(ReturnUrls.fromEnvironment(Environment.of(Map.of(
                "ALLOWED_ORIGINS", "https://app.example.com, https://admin.example.com"))));

        // WHEN a return URL elsewhere is asked for THEN 400, before Stripe is called: no localhost in production
        assertRefused(deployed.handle(order(url, "https://app.example.com/billing"), null), "successUrl");
        assertRefused(deployed.handle(order("https://app.example.com/billing", url), null), "cancelUrl");
        assertEquals(List.of(), stripe.requests());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "https://app.example.com/billing?checkout=success&session_id={CHECKOUT_SESSION_ID}",
            "https://APP.example.com/billing",
            "https://app.example.com:443/billing",
            "https://admin.example.com/orgs/org_acme/billing"})
    void aDeploymentAcceptsTheOriginsItAllows(String url) {
        CheckoutFunction deployed = checkout(ReturnUrls.allowing(List.of("https://app.example.com", "https://admin.example.com/")));

        HttpResponse response = deployed.handle(order(url, "https://app.example.com/billing"), null);

        assertEquals(201, response.statusCode(), response.body());
        assertEquals(url, stripe.requests().getFirst().params().get("success_url"));
    }

    @Test
    void localhostIsAllowedInADeploymentOnlyOnThePortsItLists() {
        // GIVEN a staging deployment that lists a developer's Billing page on localhost:5173
        CheckoutFunction staging = checkout(ReturnUrls.allowing(List.of("https://staging.example.com", "http://localhost:5173")));

        // THEN that origin is accepted, and localhost on another port is not
        assertEquals(201, staging.handle(order("http://localhost:5173/billing", "http://localhost:5173/billing"), null).statusCode());
        assertRefused(staging.handle(order("http://localhost:3000/billing", "http://localhost:5173/billing"), null), "successUrl");
        assertEquals(1, stripe.requests().size());
    }

    @Test
    void allowedOriginsThatAreNotOriginsFailAtInit() {
        for (String bad : List.of("*", "https://app.example.com/billing", "app.example.com", "ftp://files.example.com", ",")) {
            IllegalStateException failed = assertThrows(IllegalStateException.class,
                    () -> ReturnUrls.fromEnvironment(Environment.of(Map.of("ALLOWED_ORIGINS", bad))), bad);
            assertTrue(failed.getMessage().contains("ALLOWED_ORIGINS"), failed.getMessage());
        }
    }

    // ------------------------------------------------------------------ helpers

    private CheckoutFunction checkout() {
        return new CheckoutFunction(world.ledger(), Pricing.standard(), stripeClient(), clock, new TestTelemetry().telemetry());
    }

    private CheckoutFunction checkout(ReturnUrls returnUrls) {
        return new CheckoutFunction(world.ledger(), Pricing.standard(), stripeClient(), returnUrls, clock,
                new TestTelemetry().telemetry());
    }

    private Optional<StripeCheckout> stripeClient() {
        return Optional.of(StripeCheckout.create("sk_test_returnUrls", Optional.of(stripe.apiBase()), Duration.ofSeconds(2),
                Duration.ofSeconds(5), 0));
    }

    private static byte[] order(String successUrl, String cancelUrl) {
        return Events.http(CheckoutFunction.ROUTE).org("org_acme").claims("admin_1", "org_acme", Role.ADMIN)
                .body("{\"credits\":1,\"successUrl\":\"" + successUrl + "\",\"cancelUrl\":\"" + cancelUrl + "\"}").build();
    }

    private static void assertRefused(HttpResponse response, String field) {
        assertEquals(400, response.statusCode(), response.body());
        assertEquals("invalid_request", response.bodyJson().path("error").path("type").asText());
        assertTrue(response.bodyJson().path("error").path("message").asText().startsWith(field), response.body());
    }
}
