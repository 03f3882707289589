package app.credits.reconcile;

import app.credits.emulator.EmulatorStats;
import app.credits.ledger.Credits;
import app.credits.ledger.OrgId;
import app.credits.ledger.testing.TestDynamo;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What one run over 1,000 events costs in requests (docs/stripe.md, "What a run costs"): 500 purchases, each
 * listed as {@code checkout.session.completed} and {@code payment_intent.succeeded}, once with every webhook
 * delivered (the usual hour) and once with every webhook lost. Stripe requests are the stand-in's count, DynamoDB
 * requests the emulator's, per operation (only the run talks to it while it runs). Counts, not times: the numbers are printed for the docs, and
 * bounded so that a change that makes a run cost more per event fails here.
 */
class ReconcileCostTest {
    static final int PURCHASES = 500;
    static final OrgId ORG = OrgId.of("org_cost");

    final StripeWorld w = new StripeWorld();

    @AfterEach
    void booksBalance() {
        w.world.assertReconciles(ORG);
        w.close();
    }

    @ParameterizedTest(name = "webhooks {0}")
    @ValueSource(strings = {"delivered", "lost"})
    void aRunOverAThousandEventsCostsTenStripePagesAndAboutOneDynamoDbRequestPerPurchase(String webhooks) {
        // GIVEN a cursor from the previous run, then 500 purchases (1,000 listed events) within the hour
        StripeWorld.run(w.function());
        boolean delivered = webhooks.equals("delivered");
        for (int i = 0; i < PURCHASES; i++) {
            w.buy(ORG, 1, delivered);
            w.clock.advance(Duration.ofSeconds(5));
        }
        w.stripe.webhooks().deliverPending();
        w.clock.advance(Duration.ofMinutes(1));
        long stripeBefore = w.stripe.requestCount("GET /v1/events");
        EmulatorStats dynamo = TestDynamo.emulator().stats();
        dynamo.reset();

        // WHEN the hourly run comes
        JsonNode summary = StripeWorld.run(w.function());

        // THEN it listed 1,000 events in ten pages and read each purchase once, writing only what it recovered
        long stripe = w.stripe.requestCount("GET /v1/events") - stripeBefore;
        Map<String, Long> requests = new TreeMap<>();
        dynamo.snapshot().forEach((operation, stats) -> requests.put(operation, stats.requests()));
        System.out.printf("reconcile over %d events, webhooks %s: Stripe GET /v1/events %d, DynamoDB %d %s"
                        + " (%.1f RCU, %.1f WCU); %s%n", summary.path("eventsSeen").asInt(), webhooks, stripe,
                dynamo.totalRequests(), requests, dynamo.totalReadCapacityUnits(), dynamo.totalWriteCapacityUnits(), summary);
        assertEquals(2 * PURCHASES, summary.path("eventsSeen").asInt(), summary.toString());
        assertEquals(delivered ? 0 : PURCHASES, summary.path("recovered").asInt(), summary.toString());
        assertEquals(Credits.whole(PURCHASES), w.world.ledger().account(ORG).balance());
        assertEquals(2 * PURCHASES / StripeEventList.PAGE_SIZE, stripe);
        assertEquals(PURCHASES, requests.getOrDefault("BatchGetItem", 0L), requests.toString());
        assertEquals(delivered ? 0 : PURCHASES, requests.getOrDefault("TransactWriteItems", 0L), requests.toString());
        // the cursor: one read, and a save every 100 events and at the end
        long cursor = requests.getOrDefault("GetItem", 0L) + requests.getOrDefault("UpdateItem", 0L);
        assertTrue(cursor <= 2 + 2 * PURCHASES / StripeReconciliation.SAVE_EVERY, requests.toString());
    }
}
