package app.credits.autotopup;

import app.credits.checkout.CheckoutFunction;
import app.credits.checkout.StripeCheckout;
import app.credits.http.HttpResponse;
import app.credits.http.Role;
import app.credits.http.testing.Events;
import app.credits.http.testing.SampleEvents;
import app.credits.http.testing.TestTelemetry;
import app.credits.ledger.Account;
import app.credits.ledger.AutoTopUps;
import app.credits.ledger.Ledger;
import app.credits.ledger.OrgId;
import app.credits.ledger.Pricing;
import app.credits.ledger.TopUpAttempt;
import app.credits.ledger.testing.MutableClock;
import app.credits.ledger.testing.TestDynamo;
import app.credits.lowcredit.NotificationConfig;
import app.credits.lowcredit.SesEmailSender;
import app.credits.lowcredit.UnsubscribeLinks;
import app.credits.runtime.Environment;
import app.credits.runtime.Json;
import app.credits.runtime.UnsubscribeTokens;
import app.credits.submissions.SubmissionsFunction;
import app.credits.testkit.ses.SesEmulator;
import app.credits.testkit.stripe.CheckoutPayment;
import app.credits.testkit.stripe.StripeStandIn;
import app.credits.testkit.stripe.Webhooks;
import app.credits.ledger.dynamo.DynamoLedgerStore;
import app.credits.webhook.StripeWebhookFunction;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The world of an auto top-up scenario, through the real handlers: the ledger on a fresh table of the emulator,
 * the test kit's Stripe stand-in (on the scenario's clock, so its signatures verify), whose webhooks go to the real
 * webhook handler; the checkout, submissions and auto top-up handlers; the scheduled pass charging through the
 * stand-in and emailing through the SES emulator.
 */
final class TopUpWorld implements AutoCloseable {
    static final String WEBHOOK_SECRET = "whsec_test_auto_top_up_0123456789";
    static final String FROM = "credits@example.test";
    static final String BILLING = "https://billing.example.test/app/admin/billing/credits?org={orgId}";
    static final NotificationConfig CONFIG = NotificationConfig.of(FROM, BILLING, new UnsubscribeLinks(
            URI.create("https://api.example.test/unsubscribe"), new UnsubscribeTokens("auto-top-up-tests-unsubscribe-secret-0000000001")));
    static final Path SCHEDULED = SampleEvents.repoRoot().resolve("events/auto-top-up/scheduled.json");

    final MutableClock clock = MutableClock.at("2026-11-26T10:00:00Z");
    final TestDynamo.World world;
    final Ledger ledger;
    final AutoTopUps topUps;
    final StripeStandIn stripe = StripeStandIn.start(clock);
    final SesEmulator ses = SesEmulator.shared();
    final TestTelemetry telemetry = new TestTelemetry();
    final StripeWebhookFunction webhook;
    final CheckoutFunction checkout;
    final SubmissionsFunction submissions;
    final AutoTopUpFunction settings;
    final AutoTopUpRunFunction pass;

    TopUpWorld() {
        this(OffSessionCharges.NETWORK_RETRIES, Duration.ofSeconds(5));
    }

    /** The pass's Stripe client with these retries and read timeout (a timeout scenario wants a short one). */
    TopUpWorld(int networkRetries, Duration readTimeout, ExecutionInterceptor... dynamoInterceptors) {
        DynamoDbClient dynamo = TestDynamo.client(dynamoInterceptors);
        String table = TestDynamo.newTable();
        DynamoLedgerStore store = new DynamoLedgerStore(dynamo, table);
        world = new TestDynamo.World(dynamo, table, store, new Ledger(store, clock));
        ledger = world.ledger();
        topUps = ledger.autoTopUps();
        webhook = new StripeWebhookFunction(ledger, WEBHOOK_SECRET, clock, telemetry.telemetry());
        checkout = new CheckoutFunction(ledger, Pricing.standard(),
                Optional.of(StripeCheckout.create(StripeStandIn.TEST_API_KEY, Optional.of(stripe.apiBase()),
                        Duration.ofSeconds(2), Duration.ofSeconds(5), StripeCheckout.NETWORK_RETRIES)),
                clock, telemetry.telemetry());
        submissions = new SubmissionsFunction(ledger);
        submissions.telemetry(telemetry.telemetry());
        settings = new AutoTopUpFunction(ledger, telemetry.telemetry());
        stripe.webhooks().endpoint("webhook", WEBHOOK_SECRET, (payload, signature) -> {
            HttpResponse answer = webhook.handle(Events.http(StripeWebhookFunction.ROUTE)
                    .header("stripe-signature", signature).body(payload).build(), null);
            return new Webhooks.Answer(answer.statusCode(), answer.body());
        });
        pass = new AutoTopUpRunFunction(ledger, Pricing.standard(), Optional.of(OffSessionCharges.create(
                StripeStandIn.TEST_API_KEY, Optional.of(stripe.apiBase()), Duration.ofSeconds(2), readTimeout, networkRetries)),
                new SesEmailSender(SesEmailSender.clientFromEnvironment(Environment.of(Map.of(
                        "SES_ENDPOINT", ses.endpoint().toString(), "AWS_REGION", "us-east-1")))),
                CONFIG, telemetry.telemetry(), clock);
    }

    static OrgId newOrg(String name) {
        return OrgId.of(name + "-" + UUID.randomUUID().toString().substring(0, 8));
    }

    static String buyer(OrgId org) {
        return "billing@" + org.value() + ".example";
    }

    /**
     * The admin buys {@code credits} with "Save card for auto top-up" and pays with {@code card} on Stripe's page:
     * the webhook credits the purchase and records the card. {@code buyer(org)} gets the org's emails.
     */
    void buyAndSaveCard(OrgId org, long credits, String card) {
        HttpResponse ordered = checkout.handle(admin(org, "POST /orgs/{orgId}/checkout").body(
                "{\"credits\":" + credits + ",\"successUrl\":\"http://127.0.0.1/ok\",\"cancelUrl\":\"http://127.0.0.1/no\","
                        + "\"saveCard\":true}").build(), null);
        if (ordered.statusCode() != 201) {
            throw new AssertionError("checkout: " + ordered.body());
        }
        stripe.payCheckoutSession(ordered.bodyJson().path("checkoutSessionId").asText(),
                CheckoutPayment.card(card).email(buyer(org)));
    }

    /** A checkout purchase without saving the card (a successful purchase of another kind). */
    void buy(OrgId org, long credits) {
        HttpResponse ordered = checkout.handle(admin(org, "POST /orgs/{orgId}/checkout").body(
                "{\"credits\":" + credits + ",\"successUrl\":\"http://127.0.0.1/ok\",\"cancelUrl\":\"http://127.0.0.1/no\"}")
                .build(), null);
        stripe.payCheckoutSession(ordered.bodyJson().path("checkoutSessionId").asText(), CheckoutPayment.visa().email(buyer(org)));
    }

    /** PUT /auto-top-up as the org's admin; the answer's body. */
    JsonNode configure(OrgId org, String body) {
        HttpResponse answer = settings.handle(admin(org, "PUT /orgs/{orgId}/auto-top-up").body(body).build(), null);
        if (answer.statusCode() != 200) {
            throw new AssertionError("PUT auto-top-up: " + answer.body());
        }
        return answer.bodyJson();
    }

    JsonNode autoTopUp(OrgId org) {
        return settings.handle(admin(org, "GET /orgs/{orgId}/auto-top-up").build(), null).bodyJson();
    }

    JsonNode attempts(OrgId org) {
        return settings.handle(admin(org, "GET /orgs/{orgId}/auto-top-up/attempts").build(), null).bodyJson().path("data");
    }

    /**
     * An org that bought 10 credits saving {@code card}, turned auto top-up on ({@code threshold}, 20 credits a top-up,
     * {@code monthlyLimit}) and then used 6 credits: 4 left, below the threshold.
     */
    OrgId crossedWith(String name, String card, int threshold, int monthlyLimit) {
        OrgId org = newOrg(name);
        buyAndSaveCard(org, 10, card);
        configure(org, "{\"enabled\":true,\"thresholdCredits\":\"" + threshold + "\",\"topUpCredits\":20,\"monthlyLimit\":"
                + monthlyLimit + "}");
        submit(org, 6);
        return org;
    }

    /** One submission through the submissions handler; its status. */
    int submit(OrgId org, String submissionId) {
        return submissions.handle(Events.http("POST /orgs/{orgId}/submissions").org(org.value())
                .claims("member_1", org.value(), Role.MEMBER)
                .body("{\"submissionId\":\"" + submissionId + "\",\"memberId\":\"member_1\"}").build(), null).statusCode();
    }

    void submit(OrgId org, int count) {
        for (int i = 0; i < count; i++) {
            int status = submit(org, "sub-" + UUID.randomUUID());
            if (status != 201) {
                throw new AssertionError("submission answered " + status);
            }
        }
    }

    /** One run of the scheduled pass, with EventBridge's event, as Lambda invokes it; its summary. */
    JsonNode runPass() {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            pass.handleRequest(new ByteArrayInputStream(SampleEvents.read(SCHEDULED)), out, null);
            return Json.read(out.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Account account(OrgId org) {
        return ledger.account(org);
    }

    /** The PaymentIntents Stripe made for automatic purchases of {@code org}. */
    List<ObjectNode> automaticPayments(OrgId org) {
        return stripe.objects("payment_intent").stream()
                .filter(pi -> org.value().equals(pi.path("metadata").path("org_id").asText()))
                .filter(pi -> pi.path("metadata").has(TopUpAttempt.STRIPE_METADATA_KEY)).toList();
    }

    List<SesEmulator.SentEmail> emailsTo(OrgId org) {
        return ses.emailsTo(buyer(org));
    }

    private static Events admin(OrgId org, String route) {
        return Events.http(route).org(org.value()).claims("admin_1", org.value(), Role.ADMIN).claim("email", buyer(org));
    }

    @Override
    public void close() {
        stripe.close();
    }
}
