package app.credits.http;
import app.credits.runtime.Json;
import app.credits.runtime.Telemetry;

import app.credits.http.testing.TableSnapshot;
import app.credits.ledger.CompletedCheckout;
import app.credits.ledger.Ledger;
import app.credits.ledger.Money;
import app.credits.ledger.OrgId;
import app.credits.ledger.SubmissionOutcome;
import app.credits.ledger.dynamo.DynamoLedgerStore;
import app.credits.ledger.testing.TestDynamo;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SnapStartPrimingTest {
    private static final OrgId ACME = OrgId.of("acme");

    /** A function shaped like the real ones: a read, a write, and an open (webhook-like) route. */
    static final class Shop extends HttpFunction {
        private final Ledger ledger;

        Shop(Ledger ledger) {
            super(new Telemetry("credits", "Credits", line -> { }, Clock.systemUTC()));
            this.ledger = ledger;
        }

        @Override
        protected List<Route> declareRoutes() {
            return List.of(
                    Route.of("GET /orgs/{orgId}/balance", EnumSet.of(Role.ADMIN, Role.STAFF), this::balance),
                    Route.of("POST /orgs/{orgId}/submissions", Role.ALL, this::submit),
                    Route.open("POST /webhooks/shop", call -> {
                        throw ApiError.invalidRequest("bad_signature", "no signature");
                    }));
        }

        private HttpResponse balance(Call call) {
            return HttpResponse.json(200, Json.object().put("balance",
                    Json.credits(ledger.account(call.org()).balance())));
        }

        private HttpResponse submit(Call call) {
            JsonBody body = call.body();
            SubmissionOutcome outcome = ledger.chargeSubmission(call.org(), body.requiredId("submissionId"),
                    call.caller().sub(), Optional.empty());
            return HttpResponse.json(201, Json.object().put("outcome", outcome.getClass().getSimpleName()));
        }
    }

    @Test
    void primingBeforeTheSnapshotReadsThroughEveryRouteAndWritesNothing() {
        // GIVEN an org with a purchase, and a function with a read, a write and an open route
        TestDynamo.World world = TestDynamo.world(Clock.systemUTC());
        world.ledger().creditPurchase(new CompletedCheckout("cs_prime_1", ACME, 5, Money.of(14500, "usd"),
                Optional.of("pi_prime_1"), Optional.empty()));
        Shop shop = new Shop(world.ledger());
        SnapStartPriming priming = new SnapStartPriming(shop, world::dynamo, world.table());
        TableSnapshot before = TableSnapshot.of(world.dynamo(), world.table());
        long getItems = TestDynamo.emulator().stats().requests("GetItem");

        // WHEN Lambda calls the hook before taking the snapshot, and priming runs again for its report
        priming.beforeCheckpoint(null);
        SnapStartPriming.Report report = priming.prime();

        // THEN DynamoDB was read, the read route was served, the others stopped before any write
        assertTrue(report.databaseAnswered());
        assertTrue(TestDynamo.emulator().stats().requests("GetItem") >= getItems + 2);
        assertEquals(3, report.routesPrimed());
        assertEquals(200, report.statusByRoute().get("GET /orgs/{orgId}/balance"));
        assertEquals(401, report.statusByRoute().get("POST /orgs/{orgId}/submissions"));
        assertEquals(400, report.statusByRoute().get("POST /webhooks/shop"));
        before.assertUnchanged(TableSnapshot.of(world.dynamo(), world.table()), "priming");
        world.assertReconciles(ACME);
        world.assertReconciles(OrgId.of(SnapStartPriming.ORG));
    }

    @Test
    void primingNeverStopsTheSnapshotWhenTheDatabaseCannotBeReached() throws Exception {
        // GIVEN a function whose DynamoDB endpoint refuses connections
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        DynamoDbClient unreachable = DynamoDbClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + closedPort))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
                .httpClientBuilder(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(1)))
                // No SDK retries: the scenario is about priming's behaviour, not the SDK's backoff.
                .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1)))
                .build();
        Shop shop = new Shop(new Ledger(new DynamoLedgerStore(unreachable, "credits"), Clock.systemUTC()));
        SnapStartPriming priming = new SnapStartPriming(shop, () -> unreachable, "credits");

        // WHEN the hook runs
        priming.beforeCheckpoint(null);
        SnapStartPriming.Report report = priming.prime();

        // THEN it returned normally: the read route answered 503 and the report says the database did not answer
        assertFalse(report.databaseAnswered());
        assertEquals(503, report.statusByRoute().get("GET /orgs/{orgId}/balance"));
    }
}
