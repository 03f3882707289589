package app.credits.reconcile;

import app.credits.ledger.Credits;
import app.credits.ledger.EntryType;
import app.credits.ledger.LogEntry;
import app.credits.ledger.OrgId;
import app.credits.ledger.testing.MutableClock;
import app.credits.runtime.Environment;
import app.credits.testkit.stripe.Faults;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reconciliation with Stripe end to end: Checkout Sessions made by the checkout's code and paid on the test kit's
 * Stripe stand-in, webhooks held or lost, the scheduled handler listing {@code GET /v1/events} over HTTP and applying
 * each event to the ledger on the DynamoDB emulator; every scenario ends with the ledger's reconciliation.
 */
class StripeReconcileFunctionTest {
    static final OrgId ACME = OrgId.of("org_acme");

    final StripeWorld w = new StripeWorld();

    @AfterEach
    void booksBalance() {
        w.world.assertReconciles(ACME);
        w.close();
    }

    // ------------------------------------------------------------------ lost webhooks

    @Test
    void aPaidSessionWhoseWebhookNeverArrivedIsCreditedByTheNextRun() {
        // GIVEN a paid purchase of 10 credits whose webhook never arrives
        StripeWorld.Paid paid = w.buy(ACME, 10, false);
        w.clock.advance(Duration.ofMinutes(1));

        // WHEN the scheduled run comes
        JsonNode summary = StripeWorld.run(w.function());

        // THEN the purchase is credited once, counted as recovered, and logged for an operator to see
        assertEquals(Credits.whole(10), w.world.ledger().account(ACME).balance());
        assertEquals(1, summary.path("recovered").asInt(), summary.toString());
        assertEquals(summary.path("eventsSeen").asInt(), summary.path("applied").asInt(), summary.toString());
        assertTrue(summary.path("complete").asBoolean(), summary.toString());
        assertTrue(w.logs("WARN").stream().anyMatch(l -> paid.completedEventId().equals(l.path("eventId").asText())),
                "a WARN line names the recovered event: " + w.logLines);
        assertTrue(w.logLines.stream().anyMatch(l -> l.contains("\"StripeEventsRecovered\":1")), "the metric: " + w.logLines);

        // AND the next run, looking back over the overlap, credits nothing more
        w.clock.advance(Duration.ofMinutes(1));
        JsonNode again = StripeWorld.run(w.function());
        assertEquals(0, again.path("recovered").asInt(), again.toString());
        assertEquals(1, again.path("alreadyApplied").asInt(), again.toString());
        assertEquals(1, w.world.ledger().fullLog(ACME).size());
    }

    @Test
    void eventsTheWebhookDeliveredAreAlreadyAppliedAndNothingIsRecovered() {
        // GIVEN a purchase whose webhook was delivered
        StripeWorld.Paid paid = w.buy(ACME, 10, true);
        w.stripe.webhooks().deliverPending();
        assertEquals(Credits.whole(10), w.world.ledger().account(ACME).balance());
        w.clock.advance(Duration.ofMinutes(1));

        // WHEN the run comes THEN it finds the purchase applied, and no alarm-worthy recovery
        JsonNode summary = StripeWorld.run(w.function());
        assertEquals(0, summary.path("recovered").asInt(), summary.toString());
        assertEquals(1, summary.path("alreadyApplied").asInt(), summary.toString());
        assertEquals(Credits.whole(10), w.world.ledger().account(ACME).balance());
        assertTrue(w.logs("WARN").isEmpty(), w.logLines.toString());
        assertTrue(w.stripe.webhooks().deliveredToAll(paid.completedEventId()));
    }

    @Test
    void eventsYoungerThanTheSettleDelayAreLeftToTheWebhook() {
        // GIVEN an undelivered purchase, and runs that leave the last five minutes to the webhook
        w.buy(ACME, 10, false);
        StripeReconciliation.Settings settling = StripeWorld.SETTINGS.withSettle(Duration.ofMinutes(5));

        // WHEN a run comes a minute later THEN it does not touch the event yet
        w.clock.advance(Duration.ofMinutes(1));
        JsonNode early = StripeWorld.run(w.function(settling, StripeEventList.READ_TIMEOUT));
        assertEquals(0, early.path("eventsSeen").asInt(), early.toString());
        assertEquals(Credits.ZERO, w.world.ledger().account(ACME).balance());

        // AND the next run, once the delay has passed, credits it
        w.clock.advance(Duration.ofMinutes(5));
        JsonNode later = StripeWorld.run(w.function(settling, StripeEventList.READ_TIMEOUT));
        assertEquals(1, later.path("recovered").asInt(), later.toString());
        assertEquals(Credits.whole(10), w.world.ledger().account(ACME).balance());
    }

    // ------------------------------------------------------------------ races

    @ParameterizedTest(name = "the webhook commits {0}")
    @ValueSource(strings = {"before the run reads the purchase", "between the run's read and its write"})
    void aWebhookArrivingDuringARunCreditsNothingTwice(String when) {
        // GIVEN an undelivered purchase, its webhook held back until the run is applying it
        StripeWorld.Paid paid = w.buy(ACME, 10, true);
        w.clock.advance(Duration.ofMinutes(1));
        String operation = when.startsWith("before") ? "BatchGetItem" : "TransactWriteItems";
        AtomicBoolean delivered = new AtomicBoolean();
        List<String> webhookAnswers = new ArrayList<>();
        ExecutionInterceptor deliverNow = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (operation.equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))
                        && delivered.compareAndSet(false, true)) {
                    w.stripe.webhooks().deliver(paid.completedEventId())
                            .forEach(a -> webhookAnswers.add(a.answer().body()));
                }
            }
        };

        // WHEN the run applies the purchase while the webhook credits it
        JsonNode summary = StripeWorld.run(w.function(deliverNow));

        // THEN the webhook credited it and the run found it done: 10 credits, one purchase entry
        assertTrue(delivered.get());
        assertTrue(webhookAnswers.getFirst().contains("\"credited\""), webhookAnswers.toString());
        assertEquals(0, summary.path("recovered").asInt(), summary.toString());
        assertEquals(1, summary.path("alreadyApplied").asInt(), summary.toString());
        assertEquals(Credits.whole(10), w.world.ledger().account(ACME).balance());
        assertEquals(1, w.world.ledger().fullLog(ACME).size());
    }

    @Test
    void runsThatOverlapCreditNothingTwice() throws Exception {
        // GIVEN twenty purchases whose webhooks were lost
        long bought = 0;
        for (int i = 0; i < 20; i++) {
            w.buy(ACME, 1 + i % 3, false);
            bought += 1 + i % 3;
        }
        w.clock.advance(Duration.ofMinutes(1));
        // AND two runs that have both listed the events before either applies one
        CyclicBarrier bothListed = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<JsonNode>> runs = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            AtomicBoolean waited = new AtomicBoolean();
            ExecutionInterceptor meetFirst = new ExecutionInterceptor() {
                @Override
                public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                    if ("BatchGetItem".equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))
                            && waited.compareAndSet(false, true)) {
                        await(bothListed);
                    }
                }
            };
            StripeReconcileFunction function = w.function(meetFirst);
            runs.add(pool.submit(() -> StripeWorld.run(function)));
        }

        // WHEN they apply the same events at the same time
        int recovered = 0;
        int alreadyApplied = 0;
        for (Future<JsonNode> run : runs) {
            JsonNode summary = run.get(120, TimeUnit.SECONDS);
            assertTrue(summary.path("complete").asBoolean(), summary.toString());
            recovered += summary.path("recovered").asInt();
            alreadyApplied += summary.path("alreadyApplied").asInt();
        }
        pool.shutdown();

        // THEN every purchase was credited once, by one run or the other
        assertEquals(20, recovered);
        assertEquals(20, alreadyApplied);
        assertEquals(Credits.whole(bought), w.world.ledger().account(ACME).balance());
        assertEquals(20, w.world.ledger().fullLog(ACME).size());
    }

    @Test
    void aRunThatFinishesAfterALaterOneNeverMovesTheCursorBack() {
        // GIVEN a run that started at 10:30 and has read the cursor (none yet)
        EventCursor cursor = new EventCursor(w.world.dynamo(), w.world.table(), w.clock);
        MutableClock earlier = MutableClock.at("2026-11-26T10:30:00Z");
        MutableClock later = MutableClock.at("2026-11-26T11:00:00Z");
        AtomicBoolean overtaken = new AtomicBoolean();
        ExecutionInterceptor laterRunNow = new ExecutionInterceptor() {
            @Override
            public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
                if ("GetItem".equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))
                        && overtaken.compareAndSet(false, true)) {
                    // WHEN a run that started at 11:00 finishes first
                    StripeWorld.run(w.function(later, StripeWorld.SETTINGS, StripeEventList.READ_TIMEOUT));
                }
            }
        };
        JsonNode late = StripeWorld.run(w.function(earlier, StripeWorld.SETTINGS, StripeEventList.READ_TIMEOUT, laterRunNow));

        // THEN the earlier run's write does not move the cursor back, and it reports where the cursor stands
        assertTrue(overtaken.get());
        assertEquals(Optional.of(Instant.parse("2026-11-26T11:00:00Z")), cursor.read());
        assertEquals("2026-11-26T11:00:00.000Z", late.path("cursor").asText(), late.toString());
    }

    // ------------------------------------------------------------------ paging

    @Test
    void moreThanOneHundredEventsArePagedAndAppliedOldestFirst() {
        // GIVEN 130 purchases whose webhooks were lost: 260 events of the listed types (each purchase's
        // checkout.session.completed and payment_intent.succeeded)
        List<String> sessions = new ArrayList<>();
        for (int i = 0; i < 130; i++) {
            sessions.add(w.buy(ACME, 1, false).sessionId());
            w.clock.advance(Duration.ofMillis(300));
        }
        w.clock.advance(Duration.ofMinutes(1));
        long listedBefore = w.stripe.requestCount("GET /v1/events");

        // WHEN the run comes
        JsonNode summary = StripeWorld.run(w.function());

        // THEN it read three pages (100, 100, 60) and credited every purchase once, oldest first
        assertEquals(3, w.stripe.requestCount("GET /v1/events") - listedBefore);
        assertEquals(260, summary.path("eventsSeen").asInt(), summary.toString());
        assertEquals(260, summary.path("applied").asInt(), summary.toString());
        assertEquals(130, summary.path("recovered").asInt(), summary.toString());
        assertEquals(Credits.whole(130), w.world.ledger().account(ACME).balance());
        List<String> credited = w.world.ledger().fullLog(ACME).reversed().stream().map(LogEntry::reference).toList();
        assertEquals(sessions, credited);
    }

    // ------------------------------------------------------------------ failures half-way

    @ParameterizedTest(name = "Stripe {0}")
    @ValueSource(strings = {"500", "429", "timeout"})
    void aRunThatStripeFailsHalfWayResumesWithoutLossOrDuplicates(String fault) {
        // GIVEN a cursor from an earlier run, then purchases on two days whose webhooks were lost (the run lists a
        // day at a time)
        StripeWorld.run(w.function());
        List<StripeWorld.Paid> firstDay = buy(5);
        w.clock.advance(Duration.ofDays(1));
        List<StripeWorld.Paid> secondDay = buy(5);
        w.clock.advance(Duration.ofMinutes(1));
        // AND Stripe failing, after the run has applied its first day, every attempt to list the second
        Faults.Fault failure = switch (fault) {
            case "500" -> Faults.serverError();
            case "429" -> Faults.rateLimited();
            default -> Faults.timeoutAfterPerforming();
        };
        AtomicBoolean armed = new AtomicBoolean();
        ExecutionInterceptor failStripeAfterFirstWrite = new ExecutionInterceptor() {
            @Override
            public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
                if ("TransactWriteItems".equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))
                        && armed.compareAndSet(false, true)) {
                    w.stripe.faults().next(1 + StripeEventList.NETWORK_RETRIES, "GET /v1/events", failure);
                }
            }
        };
        StripeReconcileFunction failing = w.function(StripeWorld.SETTINGS, Duration.ofSeconds(1), failStripeAfterFirstWrite);

        // WHEN the run fails
        IllegalStateException failed = assertThrows(IllegalStateException.class, () -> StripeWorld.run(failing));
        assertTrue(failed.getMessage().contains("Stripe failed listing events"), failed.getMessage());

        // THEN the first day is credited and the cursor stopped after it
        assertEquals(Credits.whole(5), w.world.ledger().account(ACME).balance());
        assertTrue(w.logs("ERROR").stream().anyMatch(l -> "stripe reconciliation finished".equals(l.path("message").asText())));

        // AND the next run resumes there: everything credited, nothing twice
        w.stripe.faults().clear();
        JsonNode resumed = StripeWorld.run(w.function());
        assertEquals(5, resumed.path("recovered").asInt(), resumed.toString());
        assertEveryPurchaseCreditedOnce(firstDay, secondDay);
    }

    @Test
    void aRunThatDynamoDbFailsHalfWayResumesWithoutLossOrDuplicates() {
        // GIVEN ten purchases whose webhooks were lost, and DynamoDB failing the run's fifth write
        List<StripeWorld.Paid> purchases = buy(10);
        w.clock.advance(Duration.ofMinutes(1));
        AtomicInteger writes = new AtomicInteger();
        ExecutionInterceptor failFifthWrite = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if ("TransactWriteItems".equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))
                        && writes.incrementAndGet() == 5) {
                    throw SdkClientException.create("simulated DynamoDB outage");
                }
            }
        };

        // WHEN the run fails there
        IllegalStateException failed = assertThrows(IllegalStateException.class,
                () -> StripeWorld.run(w.function(failFifthWrite)));
        assertTrue(failed.getMessage().contains("the ledger could not apply"), failed.getMessage());
        assertEquals(Credits.whole(4), w.world.ledger().account(ACME).balance());

        // THEN the next run resumes at the event it could not apply, and credits each purchase once
        JsonNode resumed = StripeWorld.run(w.function());
        assertEquals(6, resumed.path("recovered").asInt(), resumed.toString());
        assertEveryPurchaseCreditedOnce(purchases);
    }

    // ------------------------------------------------------------------ refunds that fail

    @Test
    void aRefundThatFailedGivesItsCreditsBackOnceEvenIfItsWebhookWasLost() {
        // GIVEN 10 credits bought and 3 refunded (8700 of 29000 cents), both delivered
        StripeWorld.Paid paid = w.buy(ACME, 10, true);
        String refund = w.stripe.refund(paid.chargeId(), 8_700).path("id").asText();
        w.stripe.webhooks().deliverPending();
        assertEquals(Credits.whole(7), w.world.ledger().account(ACME).balance());
        // AND the refund failed later, its webhooks lost
        w.clock.advance(Duration.ofDays(2));
        w.stripe.failRefund(refund, "expired_or_canceled_card");
        List<String> lost = w.stripe.webhooks().pending();
        w.clock.advance(Duration.ofMinutes(1));

        // WHEN the run comes, twice
        JsonNode summary = StripeWorld.run(w.function());
        StripeWorld.run(w.function());
        // AND the lost webhooks arrive after all
        lost.forEach(id -> w.stripe.webhooks().deliver(id));

        // THEN the 3 credits came back once, as a positive refund entry
        assertEquals(1, summary.path("recovered").asInt(), summary.toString());
        assertEquals(Credits.whole(10), w.world.ledger().account(ACME).balance());
        assertEquals(Credits.whole(10), w.world.ledger().account(ACME).lifetimePurchased());
        LogEntry back = w.world.ledger().fullLog(ACME).getFirst();
        assertEquals(EntryType.REFUND, back.type());
        assertEquals(Credits.whole(3), back.credits());
    }

    // ------------------------------------------------------------------ what is not ours

    @Test
    void aPaidSessionThatIsNotOurSaleIsReportedAndCreditsNothing() {
        // GIVEN a session someone made on the dashboard (no org metadata), paid, its webhook lost
        var session = w.stripe.createCheckoutSession(Map.of("mode", "payment",
                "line_items[0][quantity]", "1", "line_items[0][price_data][currency]", "usd",
                "line_items[0][price_data][unit_amount]", "2900",
                "line_items[0][price_data][product_data][name]", "Something else",
                "success_url", "https://example.com/ok"));
        w.stripe.payCheckoutSession(session.path("id").asText(),
                app.credits.testkit.stripe.CheckoutPayment.visa().withoutWebhooks());
        w.clock.advance(Duration.ofMinutes(1));

        // WHEN the run comes THEN it is counted and logged at ERROR, and nothing is written to any org
        JsonNode summary = StripeWorld.run(w.function());
        assertEquals(1, summary.path("notApplied").asInt(), summary.toString());
        assertEquals(0, summary.path("recovered").asInt(), summary.toString());
        assertTrue(w.logs("ERROR").stream().anyMatch(l -> "sale_mismatch".equals(l.path("outcome").asText())), w.logLines.toString());
    }

    @Test
    void withoutAStripeKeyTheFunctionRefusesToStart() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new StripeReconcileFunction(Environment.of(Map.of("TABLE_NAME", w.world.table()))));
        assertTrue(e.getMessage().contains("STRIPE_API_KEY_PARAM"), e.getMessage());
    }

    @Test
    void everyTypeTheWebhookActsOnIsListedAndStripesLimitHolds() {
        assertTrue(StripeReconciliation.TYPES.containsAll(app.credits.stripe.StripeEvents.handledTypes()));
        assertTrue(StripeReconciliation.TYPES.containsAll(List.of("charge.refund.updated", "payment_intent.succeeded",
                "payment_intent.payment_failed")));
        assertTrue(StripeReconciliation.TYPES.size() <= 20, "Stripe takes at most 20 types[]");
        assertFalse(StripeReconciliation.TYPES.stream().anyMatch(t -> t.contains("*")));
    }

    // ------------------------------------------------------------------ helpers

    private List<StripeWorld.Paid> buy(int purchases) {
        List<StripeWorld.Paid> paid = new ArrayList<>();
        for (int i = 0; i < purchases; i++) {
            paid.add(w.buy(ACME, 1, false));
            w.clock.advance(Duration.ofSeconds(2));
        }
        return paid;
    }

    @SafeVarargs
    private void assertEveryPurchaseCreditedOnce(List<StripeWorld.Paid>... batches) {
        List<String> sessions = new ArrayList<>();
        for (List<StripeWorld.Paid> batch : batches) {
            batch.forEach(p -> sessions.add(p.sessionId()));
        }
        List<String> credited = w.world.ledger().fullLog(ACME).stream()
                .filter(e -> e.type() == EntryType.PURCHASE).map(LogEntry::reference).sorted().toList();
        assertEquals(sessions.stream().sorted().toList(), credited);
        assertEquals(Credits.whole(sessions.size()), w.world.ledger().account(ACME).balance());
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the other run never got there", e);
        }
    }
}
