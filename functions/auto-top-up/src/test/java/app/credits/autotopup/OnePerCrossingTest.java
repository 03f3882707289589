package app.credits.autotopup;

import app.credits.ledger.Credits;
import app.credits.ledger.LogEntry;
import app.credits.ledger.OrgId;
import app.credits.ledger.TopUpStep;
import app.credits.ledger.testing.Races;
import app.credits.testkit.stripe.TestCards;
import app.credits.testkit.stripe.Webhooks;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exactly one automatic purchase per crossing, through the real handlers and the Stripe stand-in: however many
 * submissions cross the threshold at once and however many passes race, and the monthly limit under concurrency.
 */
class OnePerCrossingTest {
    final TopUpWorld w = new TopUpWorld();

    @AfterEach
    void close() {
        w.close();
    }

    @Test
    void aCrossingIsToppedUpByTheNextPassAtTheCheckoutsPriceAndCreditedOnceByTheWebhook() {
        // GIVEN an org that bought 10 credits saving a Visa, with auto top-up on: below 5, buy 20
        OrgId org = TopUpWorld.newOrg("org_once");
        w.buyAndSaveCard(org, 10, TestCards.VISA);
        JsonNode on = w.configure(org, "{\"enabled\":true,\"thresholdCredits\":\"5\",\"topUpCredits\":\"20\",\"monthlyLimit\":3}");
        assertEquals("active", on.path("status").asText(), on.toString());
        assertEquals("visa", on.path("paymentMethod").path("brand").asText());

        // WHEN submissions take credits left from 10 to 4, and the scheduled pass runs
        w.submit(org, 6);
        JsonNode summary = w.runPass();

        // THEN one PaymentIntent charged the saved card off-session for 20 credits at the price a checkout quotes now
        // (lifetime 10 + 20 = 30: the 10-49 tier, 30% off), and its webhook credited them once
        assertEquals(1, summary.path("succeeded").asInt(), summary.toString());
        var payments = w.automaticPayments(org);
        assertEquals(1, payments.size());
        var pi = payments.getFirst();
        assertEquals(20 * 2030, pi.path("amount").asLong());
        assertEquals("succeeded", pi.path("status").asText());
        assertEquals(w.autoTopUp(org).path("paymentMethod").path("last4").asText(), "4242");
        assertEquals(Credits.whole(24), w.account(org).creditsLeft());
        assertEquals(Credits.whole(30), w.account(org).lifetimePurchased());
        LogEntry newest = w.ledger.log(org, 1, Optional.empty()).entries().getFirst();
        assertEquals("Automatic top-up of 20 credits", newest.description());
        assertEquals(pi.path("id").asText(), newest.reference());
        JsonNode attempts = w.attempts(org);
        assertEquals(1, attempts.size());
        assertEquals("succeeded", attempts.get(0).path("status").asText());
        assertEquals(1, w.autoTopUp(org).path("topUpsThisMonth").asInt());

        // AND another pass does nothing: the crossing's top-up is made
        assertEquals(0, w.runPass().path("orgsDue").asInt());
        assertEquals(1, w.automaticPayments(org).size());
        w.world.assertReconciles(org);
    }

    @Test
    void twoHundredConcurrentSubmissionsCrossingTheThresholdWhilePassesRaceMakeOneTopUp() throws Exception {
        // GIVEN an org holding 250 credits, auto top-up below 100 (buy 20), its payment webhooks held back
        OrgId org = TopUpWorld.newOrg("org_crowd");
        w.buyAndSaveCard(org, 250, TestCards.VISA);
        w.configure(org, "{\"enabled\":true,\"thresholdCredits\":\"100\",\"topUpCredits\":20,\"monthlyLimit\":3}");
        w.stripe.webhooks().delivery(Webhooks.Delivery.HELD);

        // WHEN 200 submissions arrive at once through the submissions handler, while 5 passes run over and over
        AtomicBoolean submitting = new AtomicBoolean(true);
        AtomicInteger passes = new AtomicInteger();
        AtomicInteger busy = new AtomicInteger();
        List<Callable<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String id = "sub-" + i;
            tasks.add(() -> Races.retryWhileBusy(() -> {
                int status = w.submit(org, id);
                if (status == 503) {
                    busy.incrementAndGet();
                    throw new app.credits.ledger.LedgerBusy("503");
                }
                return status;
            }));
        }
        for (int p = 0; p < 5; p++) {
            tasks.add(() -> {
                while (submitting.get()) {
                    w.runPass();
                    passes.incrementAndGet();
                }
                return 0;
            });
        }
        List<Callable<Integer>> submissionsThenStop = new ArrayList<>(tasks.subList(0, 200));
        List<Integer> results = Races.race(List.of(
                () -> {
                    List<Integer> statuses = Races.race(submissionsThenStop);
                    submitting.set(false);
                    return (int) statuses.stream().filter(s -> s == 201).count();
                },
                tasks.get(200), tasks.get(201), tasks.get(202), tasks.get(203), tasks.get(204)));
        w.runPass();
        w.runPass();

        // THEN every submission was charged, and exactly one top-up was claimed and charged for the one crossing
        System.out.println("[one per crossing] 200 concurrent submissions, " + passes.get() + " passes in 5 threads, "
                + busy.get() + " submissions answered 503 and retried, " + w.automaticPayments(org).size() + " top-up");
        assertEquals(200, results.getFirst());
        assertTrue(passes.get() >= 5, "passes ran: " + passes.get());
        assertEquals(1, w.automaticPayments(org).size());
        assertEquals(1, w.attempts(org).size());

        // AND WHEN the held webhooks arrive, each twice and newest first
        List<String> held = new ArrayList<>(w.stripe.webhooks().pending());
        java.util.Collections.reverse(held);
        for (String event : held) {
            w.stripe.webhooks().deliver(event);
        }
        for (String event : held) {
            w.stripe.webhooks().deliver(event);
        }

        // THEN its 20 credits arrived once: 250 - 200 + 20
        assertEquals(Credits.whole(70), w.account(org).creditsLeft());
        assertEquals("succeeded", w.attempts(org).get(0).path("status").asText());
        assertInstanceOf(TopUpStep.Idle.class, w.topUps.next(org, app.credits.ledger.Pricing.standard()));
        w.world.assertReconciles(org);
    }

    @Test
    void theMonthlyLimitHoldsWhileSubmissionsAndPassesRace() throws Exception {
        // GIVEN an org with 150 credits, topped up by 100 below 100, at most twice a month
        OrgId org = TopUpWorld.newOrg("org_monthly");
        w.buyAndSaveCard(org, 150, TestCards.VISA);
        w.configure(org, "{\"enabled\":true,\"thresholdCredits\":\"100\",\"topUpCredits\":100,\"monthlyLimit\":2}");

        // WHEN rounds of 50 concurrent submissions race 3 passes each, until submissions are refused for lack of credits
        int charged = 0;
        int round = 0;
        boolean exhausted = false;
        while (!exhausted && round < 20) {
            int r = round++;
            List<Callable<Integer>> tasks = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                String id = "sub-" + r + "-" + i;
                tasks.add(() -> Races.retryWhileBusy(() -> {
                    int status = w.submit(org, id);
                    if (status == 503) {
                        throw new app.credits.ledger.LedgerBusy("503");
                    }
                    return status;
                }));
            }
            for (int p = 0; p < 3; p++) {
                tasks.add(() -> w.runPass().path("charged").asInt() * 1000);
            }
            List<Integer> statuses = Races.race(tasks);
            charged += (int) statuses.subList(0, 50).stream().filter(s -> s == 201).count();
            exhausted = statuses.subList(0, 50).stream().anyMatch(s -> s == 402);
            w.runPass();
        }

        // THEN two top-ups were bought this month, every credit was spent, and the third crossing waits for December
        System.out.println("[monthly limit] " + round + " rounds of 50 concurrent submissions and 3 passes: " + charged
                + " charged, " + w.automaticPayments(org).size() + " top-ups in the month (limit 2)");
        assertTrue(exhausted, "submissions ran out of credits");
        assertEquals(2, w.automaticPayments(org).size());
        assertEquals(150 + 200, charged);
        JsonNode view = w.autoTopUp(org);
        assertEquals(2, view.path("topUpsThisMonth").asInt(), view.toString());
        assertEquals(0, w.runPass().path("charged").asInt());
        w.world.assertReconciles(org);

        // AND the next month's first pass tops it up
        w.clock.set(Instant.parse("2026-12-01T00:00:10Z"));
        assertEquals(1, w.runPass().path("succeeded").asInt());
        assertEquals(3, w.automaticPayments(org).size());
        assertEquals(Credits.whole(100), w.account(org).creditsLeft());
        w.world.assertReconciles(org);
    }
}
