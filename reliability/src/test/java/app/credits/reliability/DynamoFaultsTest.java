package app.credits.reliability;

import app.credits.emulator.FaultInjector;
import app.credits.runtime.Environment;
import app.credits.runtime.DynamoClients;
import app.credits.http.HttpFunction;
import app.credits.http.HttpResponse;
import app.credits.http.Role;
import app.credits.http.testing.Events;
import app.credits.http.testing.TestTelemetry;
import app.credits.ledger.Credits;
import app.credits.ledger.EntryType;
import app.credits.ledger.Invite;
import app.credits.ledger.InviteStatus;
import app.credits.ledger.Ledger;
import app.credits.ledger.LogEntry;
import app.credits.ledger.OrgId;
import app.credits.ledger.dynamo.DynamoLedgerStore;
import app.credits.ledger.testing.MutableClock;
import app.credits.ledger.testing.TestDynamo;
import app.credits.reliability.support.Faults;
import app.credits.reliability.support.Handlers;
import app.credits.reliability.support.StripeEvents;
import app.credits.testkit.template.SamTemplate;
import app.credits.reliability.support.Tally;
import app.credits.submissions.SubmissionsFunction;
import app.credits.webhook.StripeWebhookFunction;
import app.credits.account.AccountFunction;
import app.credits.invites.InvitesFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every write path of the API (submission with and without an invite, invite, revoke, adjustment, settings, and the
 * webhook's purchase, refund and dispute) through its real handler, under every DynamoDB fault the emulator can
 * inject: errors before execution (500, 503, throttling), TransactionConflict cancellations, errors after the write
 * committed, and delays past the client's timeout; once (the SDK or the ledger retries) and persistently (the caller
 * gets a 5xx and retries with the same ids). Whatever happens: the answer is a success or a retryable 5xx in the
 * contract's shape, the caller's retry lands exactly once, and the books reconcile.
 */
class DynamoFaultsTest {
    static final Tally TALLY = new Tally("DynamoFaultsTest");
    static final Set<String> WRITES = Set.of("TransactWriteItems", "UpdateItem", "PutItem");
    static final Set<String> READS = Set.of("BatchGetItem", "GetItem", "Query");
    /** Longer than the timeout client's attempt timeout, so that each delayed attempt is abandoned by the SDK. */
    static final Duration DELAY = Duration.ofMillis(1200);

    /** One kind of fault: what the emulator answers, on which operations, how many times (-1: always). */
    record Fault(String name, Set<String> operations, int times, Supplier<FaultInjector.Outcome> outcome, boolean timeoutClient) {
        @Override
        public String toString() {
            return name;
        }

        boolean delays() {
            return outcome.get() instanceof FaultInjector.Delay;
        }
    }

    static final List<Fault> FAULTS = List.of(
            new Fault("500 before commit, once", WRITES, 1, () -> FaultInjector.failBefore("InternalServerError", 500, "injected"), false),
            new Fault("503 before commit, once", WRITES, 1, () -> FaultInjector.failBefore("ServiceUnavailable", 503, "injected"), false),
            new Fault("500 on the read, once", READS, 1, () -> FaultInjector.failBefore("InternalServerError", 500, "injected"), false),
            new Fault("ProvisionedThroughputExceeded, twice", WRITES, 2,
                    () -> FaultInjector.failBefore("ProvisionedThroughputExceededException", 400, "injected"), false),
            new Fault("ThrottlingException on the read, once", READS, 1,
                    () -> FaultInjector.failBefore("ThrottlingException", 400, "injected"), false),
            new Fault("TransactionConflict, 3 times", WRITES, 3, FaultInjector::transactionConflict, false),
            new Fault("500 after commit, once", WRITES, 1, () -> FaultInjector.failAfterCommit("InternalServerError", 500), false),
            new Fault("delay past the attempt timeout, once", WRITES, 1, () -> FaultInjector.delay(DELAY), true),
            new Fault("500 before commit, always", WRITES, -1, () -> FaultInjector.failBefore("InternalServerError", 500, "injected"), false),
            new Fault("503 on every read, always", READS, -1, () -> FaultInjector.failBefore("ServiceUnavailable", 503, "injected"), false),
            new Fault("ThrottlingException, always", WRITES, -1, () -> FaultInjector.failBefore("ThrottlingException", 400, "injected"), false),
            new Fault("TransactionConflict, always", WRITES, -1, FaultInjector::transactionConflict, false),
            new Fault("500 after commit, always", WRITES, -1, () -> FaultInjector.failAfterCommit("InternalServerError", 500), false),
            new Fault("delay past the call timeout, always", WRITES, -1, () -> FaultInjector.delay(DELAY), true));

    /** The world of one scenario: a fresh table, handlers on a ledger whose client meets the faults. */
    static final class Scenario {
        final MutableClock clock = MutableClock.at("2026-11-23T10:00:00Z");
        final TestDynamo.World world = TestDynamo.world(clock);
        final OrgId org = OrgId.of("org-" + UUID.randomUUID().toString().substring(0, 8));
        final String id = "id-" + UUID.randomUUID().toString().substring(0, 8);
        final Ledger ledger;
        final Map<String, HttpFunction> functions;
        StripeEvents.Purchase purchase;

        Scenario(DynamoDbClient client) {
            // A one-second race budget instead of ten: a TransactionConflict that never ends becomes 503 sooner.
            ledger = new Ledger(new DynamoLedgerStore(client, world.table()), clock, Duration.ofSeconds(1));
            functions = Map.of(
                    "submissions", new SubmissionsFunction(ledger),
                    "invites", new InvitesFunction(ledger),
                    "account", new AccountFunction(ledger, Handlers.Wiring.PRICING),
                    "webhook", new StripeWebhookFunction(ledger, StripeEvents.SECRET, clock, new TestTelemetry().telemetry()));
        }

        HttpResponse send(String function, Events event) {
            TALLY.add("requests");
            return functions.get(function).handle(event.build(), null);
        }

        /** The log entries naming {@code reference}, read with a client the faults never touch. */
        List<LogEntry> entries(String reference) {
            return world.ledger().fullLog(org).stream().filter(e -> e.reference().equals(reference)).toList();
        }

        Invite invite(String inviteId) {
            return world.ledger().invites(org, Optional.empty(), 100, Optional.empty()).invites().stream()
                    .filter(i -> i.inviteId().equals(inviteId)).findFirst().orElseThrow(() -> new AssertionError("no invite " + inviteId));
        }

        void fund(long credits) {
            world.ledger().adjust(org, "fund-" + id, EntryType.BONUS, Credits.whole(credits), "test funding");
        }

        /** This scenario's purchase of 10 credits on the Stripe stand-in, made on first need. */
        StripeEvents.Purchase purchase() {
            if (purchase == null) {
                purchase = StripeEvents.purchase(org.value(), 10);
            }
            return purchase;
        }

        /** The purchase, credited through the webhook before any fault. */
        void bought() {
            HttpResponse r = send("webhook", StripeEvents.delivery(purchase().completed(), clock.instant()));
            assertEquals(200, r.statusCode(), r.body());
        }
    }

    /** One write path: its set-up (before any fault), its request, and the proof that it applied exactly once. */
    record WritePath(String name, String function, Consumer<Scenario> prepare, Function<Scenario, Events> request,
                     Consumer<Scenario> appliedOnce) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final List<WritePath> PATHS = List.of(
            new WritePath("submission", "submissions", s -> s.fund(5),
                    s -> Events.http("POST /orgs/{orgId}/submissions").org(s.org.value()).claims("m1", s.org.value(), Role.MEMBER)
                            .body("{\"submissionId\":\"" + s.id + "\",\"memberId\":\"m1\"}"),
                    s -> {
                        assertEquals(1, s.entries(s.id).size(), "submission log entries");
                        assertEquals(Credits.whole(4), s.world.ledger().account(s.org).creditsLeft());
                    }),
            new WritePath("submission from an invite", "submissions", s -> {
                s.fund(5);
                s.world.ledger().reserveInvite(s.org, "inv-" + s.id, "guest@example.com", Optional.empty());
            },
                    s -> Events.http("POST /orgs/{orgId}/submissions").org(s.org.value()).claims("svc", null, Role.SERVICE)
                            .body("{\"submissionId\":\"" + s.id + "\",\"memberId\":\"m1\",\"inviteId\":\"inv-" + s.id + "\"}"),
                    s -> {
                        assertEquals(1, s.entries(s.id).size(), "submission log entries");
                        assertEquals(InviteStatus.COMPLETED, s.invite("inv-" + s.id).status());
                        assertEquals(Credits.ZERO, s.world.ledger().account(s.org).reserved());
                        assertEquals(Credits.whole(4), s.world.ledger().account(s.org).balance());
                    }),
            new WritePath("invite", "invites", s -> s.fund(5),
                    s -> Events.http("POST /orgs/{orgId}/invites").org(s.org.value()).claims("a1", s.org.value(), Role.ADMIN)
                            .body("{\"inviteId\":\"" + s.id + "\",\"email\":\"guest@example.com\"}"),
                    s -> {
                        assertEquals(InviteStatus.PENDING, s.invite(s.id).status());
                        assertEquals(Credits.whole(1), s.world.ledger().account(s.org).reserved());
                        assertEquals(1, s.world.ledger().account(s.org).invitesPending());
                    }),
            new WritePath("revoke", "invites", s -> {
                s.fund(5);
                s.world.ledger().reserveInvite(s.org, s.id, "guest@example.com", Optional.empty());
            },
                    s -> Events.http("DELETE /orgs/{orgId}/invites/{inviteId}").org(s.org.value()).path("inviteId", s.id)
                            .claims("a1", s.org.value(), Role.ADMIN),
                    s -> {
                        assertEquals(InviteStatus.REVOKED, s.invite(s.id).status());
                        assertEquals(Credits.ZERO, s.world.ledger().account(s.org).reserved());
                        assertEquals(Credits.whole(5), s.world.ledger().account(s.org).creditsLeft());
                    }),
            new WritePath("adjustment", "account", s -> s.fund(5),
                    s -> Events.http("POST /orgs/{orgId}/adjustments").org(s.org.value()).claims("st", null, Role.STAFF)
                            .header("Idempotency-Key", s.id).body("{\"credits\":\"-2.5\",\"reason\":\"correction\"}"),
                    s -> {
                        assertEquals(1, s.entries(s.id).size(), "adjustment log entries");
                        assertEquals(Credits.parse("2.5"), s.world.ledger().account(s.org).balance());
                    }),
            new WritePath("settings", "account", s -> s.fund(5),
                    s -> Events.http("PUT /orgs/{orgId}/settings").org(s.org.value()).claims("a1", s.org.value(), Role.ADMIN)
                            .body("{\"lowCreditThreshold\":\"7\",\"notificationEmails\":[\"ops@example.com\"]}"),
                    s -> {
                        assertEquals(Credits.whole(7), s.world.ledger().account(s.org).settings().lowCreditThreshold());
                        assertEquals(List.of("ops@example.com"), s.world.ledger().account(s.org).settings().notificationEmails());
                        assertEquals(Credits.whole(5), s.world.ledger().account(s.org).balance());
                    }),
            new WritePath("purchase (webhook)", "webhook", s -> { },
                    s -> StripeEvents.delivery(s.purchase().completed(), s.clock.instant()),
                    s -> {
                        assertEquals(1, s.entries(s.purchase().sessionId()).size(), "purchase log entries");
                        assertEquals(Credits.whole(10), s.world.ledger().account(s.org).balance());
                        assertEquals(Credits.whole(10), s.world.ledger().account(s.org).lifetimePurchased());
                    }),
            new WritePath("refund (webhook)", "webhook", Scenario::bought,
                    s -> StripeEvents.delivery(s.purchase().refunded(4 * StripeEvents.UNIT_AMOUNT), s.clock.instant()),
                    s -> {
                        List<LogEntry> refunds = s.world.ledger().fullLog(s.org).stream().filter(e -> e.type() == EntryType.REFUND).toList();
                        assertEquals(1, refunds.size(), "refund log entries");
                        assertEquals(Credits.whole(-4), refunds.getFirst().credits());
                        assertEquals(Credits.whole(6), s.world.ledger().account(s.org).balance());
                    }),
            new WritePath("dispute (webhook)", "webhook", Scenario::bought,
                    s -> StripeEvents.delivery(s.purchase().disputed().created(), s.clock.instant()),
                    s -> {
                        List<LogEntry> disputes = s.world.ledger().fullLog(s.org).stream().filter(e -> e.type() == EntryType.DISPUTE).toList();
                        assertEquals(1, disputes.size(), "dispute log entries");
                        assertEquals(Credits.ZERO, s.world.ledger().account(s.org).balance());
                    }));

    static Stream<Arguments> everyWritePathUnderEveryFault() {
        return PATHS.stream().flatMap(p -> FAULTS.stream().map(f -> Arguments.of(p, f)));
    }

    @AfterEach
    void clearFaults() {
        Faults.clear();
    }

    @AfterAll
    static void report() {
        TALLY.report();
    }

    @ParameterizedTest(name = "{0} under {1}")
    @MethodSource("everyWritePathUnderEveryFault")
    void aRetryWithTheSameIdsLandsExactlyOnceWhateverDynamoDbDoes(WritePath path, Fault fault) throws Exception {
        // GIVEN a scenario whose handlers use the production DynamoDB client (or one with a short timeout)
        Scenario s = new Scenario(fault.timeoutClient() ? timeoutClient()
                : fault.times() >= 0 ? productionClient() : boundedClient());
        path.prepare().accept(s);
        AtomicInteger injected = new AtomicInteger();
        Faults.install(Faults.on(s.world.table(), fault.operations(), fault.times(), fault.outcome(), injected));

        // WHEN the request is sent while DynamoDB misbehaves
        Events request = path.request().apply(s);
        HttpResponse first = s.functions.get(path.function()).handle(request.build(), null);
        TALLY.add("requests");
        TALLY.add("faultsInjected." + kind(fault), injected.get());
        TALLY.add("scenarios");
        List<String> seen = new ArrayList<>(List.of(first.statusCode() + " " + first.body()));

        // THEN the caller got the answer or a retryable 5xx in the contract's shape
        assertSuccessOrRetryable(first, path, fault);
        if (fault.times() >= 0 && !fault.delays()) {
            // A bounded fault is absorbed by the SDK's or the ledger's own retries: the caller sees success. (A delay
            // is not asserted so: on a loaded machine the undelayed retry may miss its attempt timeout too.)
            assertTrue(first.statusCode() < 300, path + " under " + fault + " should have been absorbed: " + seen);
        } else {
            TALLY.add("retryable5xxAnswers", first.statusCode() >= 500 ? 1 : 0);
        }

        // AND when DynamoDB recovers and the caller retries with the same ids (at once: a delayed write may still land)
        Faults.clear();
        HttpResponse retry = s.functions.get(path.function()).handle(request.build(), null);
        TALLY.add("requests");
        seen.add(retry.statusCode() + " " + retry.body());
        assertTrue(retry.statusCode() == 200 || retry.statusCode() == 201, "retry of " + path + " after " + fault + ": " + seen);
        if (fault.delays()) {
            Thread.sleep(DELAY.toMillis() + 400); // let every abandoned attempt reach the table before counting
        }

        // THEN it applied exactly once, and the books balance
        path.appliedOnce().accept(s);
        HttpResponse again = s.functions.get(path.function()).handle(request.build(), null);
        TALLY.add("requests");
        assertEquals(200, again.statusCode(), "a third delivery is a replay: " + again.body());
        path.appliedOnce().accept(s);
        s.world.assertReconciles(s.org);
    }

    @org.junit.jupiter.api.Test
    void productionClientGivesUpWithinTheFunctionTimeout() throws Exception {
        // GIVEN the functions' Timeout in template.yaml (Globals) and the client a deployed function builds
        var timeout = SamTemplate.ofRepository().root().path("Globals").path("Function").path("Timeout");
        assertTrue(timeout.isInt(), "Globals.Function.Timeout in template.yaml");
        Duration functionTimeout = Duration.ofSeconds(timeout.asInt());
        try (DynamoDbClient client = productionClient()) {
            // THEN the client gives up (and the handler answers 503) before Lambda kills the invocation
            Optional<Duration> callTimeout = client.serviceClientConfiguration().overrideConfiguration().apiCallTimeout();
            assertTrue(callTimeout.isPresent() && callTimeout.get().compareTo(functionTimeout) < 0,
                    "apiCallTimeout " + callTimeout + " must be set below the function timeout " + functionTimeout);
        }
    }

    private static String kind(Fault fault) {
        String n = fault.name();
        return n.substring(0, n.indexOf(',')).replace(' ', '_');
    }

    private static void assertSuccessOrRetryable(HttpResponse response, WritePath path, Fault fault) {
        int status = response.statusCode();
        if (status == 200 || status == 201) {
            return;
        }
        if (status == 500 || status == 503) {
            String type = response.bodyJson().path("error").path("type").asText();
            assertEquals(status == 500 ? "internal" : "unavailable", type, response.body());
            assertTrue(response.bodyJson().path("error").path("message").asText().contains("retry"), response.body());
            return;
        }
        fail(path + " under " + fault + ": neither success nor a retryable 5xx: " + status + " " + response.body());
    }

    /** Exactly what a deployed function builds (DynamoClients), pointed at the emulator. */
    static DynamoDbClient productionClient() {
        return DynamoClients.fromEnvironment(Environment.of(Map.of(
                "DYNAMODB_ENDPOINT", TestDynamo.endpoint().toString(), "AWS_REGION", "us-east-1")));
    }

    /**
     * The production client's shape (DynamoClients: 5 s call timeout) with quick backoff, so that a persistent fault
     * fails within the test's time rather than after the SDK's default backoff.
     */
    static DynamoDbClient boundedClient() {
        return quickClient(o -> o.apiCallTimeout(Duration.ofSeconds(5)));
    }

    /** As {@link #boundedClient()}, with a short attempt and call timeout for the delay faults. */
    static DynamoDbClient timeoutClient() {
        return quickClient(o -> o.apiCallAttemptTimeout(Duration.ofMillis(500)).apiCallTimeout(Duration.ofMillis(2500)));
    }

    private static DynamoDbClient quickClient(
            java.util.function.Consumer<software.amazon.awssdk.core.client.config.ClientOverrideConfiguration.Builder> timeouts) {
        return DynamoDbClient.builder()
                .endpointOverride(TestDynamo.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClientBuilder(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(2))
                        .socketTimeout(Duration.ofSeconds(10)))
                .overrideConfiguration(o -> {
                    timeouts.accept(o);
                    o.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                            .maxAttempts(3)
                            .backoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofMillis(10), Duration.ofMillis(50)))
                            .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofMillis(10), Duration.ofMillis(50)))
                            .build());
                })
                .build();
    }
}
