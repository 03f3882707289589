package app.credits.ledger;

import app.credits.ledger.dynamo.BulkLoad;
import app.credits.ledger.testing.MutableClock;
import app.credits.ledger.testing.TestDynamo;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A log entry's position (its sequence number and the balance after it) is derived when read, so it must be
 * exact and never change: not while concurrent submissions commit, not across pages, not for a log of any length.
 */
class LogPositionsTest {

    @Test
    void anEntryShowsTheSamePositionAtEveryReadWhileTheLogGrows() throws Exception {
        TestDynamo.World world = TestDynamo.world(Clock.systemUTC());
        Ledger ledger = world.ledger();
        OrgId org = OrgId.of("org_positions");
        ledger.creditPurchase(new CompletedCheckout("cs_p", org, 300, Money.of(300 * 2900, "usd"),
                Optional.of("pi_p"), Optional.empty()));
        Map<String, LogEntry> seen = new ConcurrentHashMap<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        Runnable look = () -> {
            for (LogEntry e : ledger.log(org, 100, Optional.empty()).entries()) {
                LogEntry before = seen.putIfAbsent(e.id(), e);
                if (before != null && !before.equals(e)) {
                    throw new AssertionError("entry " + e.id() + " moved: " + before + " then " + e);
                }
            }
        };
        // A reader that reads while the submissions commit, and a look after each wave of 20 concurrent ones: the
        // log is read at every size it grows through, whatever the machine's speed.
        Thread reader = Thread.ofVirtual().start(() -> {
            while (writing.get()) {
                look.run();
            }
        });
        for (int wave = 0; wave < 10; wave++) {
            List<Callable<SubmissionOutcome>> submissions = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String id = "sub_" + wave + "_" + i;
                submissions.add(() -> LedgerConcurrencyTest.retryWhileBusy(
                        () -> ledger.chargeSubmission(org, id, "user_1", Optional.empty())));
            }
            LedgerConcurrencyTest.race(submissions);
            look.run();
        }
        writing.set(false);
        reader.join();

        List<LogEntry> log = ledger.fullLog(org);
        assertEquals(201, log.size());
        for (LogEntry e : log) {
            LogEntry earlier = seen.get(e.id());
            if (earlier != null) {
                assertEquals(earlier, e, "an entry shown during the storm shows the same position after it");
            }
        }
        assertEquals(201, seen.size(), "every entry was read while the log grew (page one after each wave)");
        assertEquals(Credits.whole(100), log.getFirst().balanceAfter());
        world.assertReconciles(org);
    }

    @Test
    void aLongLogPagesExactlyAndReconciles() {
        int length = Integer.getInteger("ledger.longLog", 100_000);
        MutableClock clock = MutableClock.at("2026-11-26T10:00:00Z");
        TestDynamo.World world = TestDynamo.world(clock);
        Ledger ledger = world.ledger();
        OrgId org = OrgId.of("org_long_log");
        List<Purchase.Movement> movements = new ArrayList<>(length);
        for (int i = 0; i < length; i++) {
            // A bonus, then a correction of a quarter of it: every balance after is known in closed form.
            movements.add(i % 2 == 0
                    ? new Purchase.Movement(EntryType.BONUS, Credits.ONE, "bonus_" + i, "seeded bonus")
                    : new Purchase.Movement(EntryType.ADJUSTMENT, Credits.parse("-0.25"), "adj_" + i, "seeded correction"));
        }
        BulkLoad load = new BulkLoad(world.dynamo(), world.table());
        load.org(org, movements, clock.instant().minusSeconds(3600));
        load.flush();

        Account account = ledger.account(org);
        assertEquals(length, account.entryCount());
        Map<Long, Credits> balanceAfter = new HashMap<>();
        Credits running = Credits.ZERO;
        for (int i = 0; i < length; i++) {
            running = running.plus(movements.get(i).credits());
            balanceAfter.put((long) i + 1, running);
        }
        // Page by page with the cursor, 100 at a time, as a client would.
        long expectedSeq = length;
        Optional<String> cursor = Optional.empty();
        int pages = 0;
        do {
            LogPage page = ledger.log(org, 100, cursor);
            for (LogEntry e : page.entries()) {
                assertEquals(expectedSeq, e.seq());
                assertEquals(balanceAfter.get(expectedSeq), e.balanceAfter());
                expectedSeq--;
            }
            cursor = page.nextCursor();
            pages++;
        } while (cursor.isPresent() && pages < 20);
        // The whole log streamed (the CSV export's path), newest first.
        long[] streamed = {length};
        ledger.forEachLogEntry(org, e -> {
            assertEquals(streamed[0], e.seq());
            assertEquals(balanceAfter.get(streamed[0]), e.balanceAfter());
            streamed[0]--;
        });
        assertEquals(0, streamed[0]);
        LocalDate day = LocalDate.parse("2026-11-26");
        UsagePeriod usage = ledger.usage(org, day, day, Granularity.DAY).getFirst();
        assertEquals(Credits.parse("0.25").hundredths() * (length / 2), usage.used().hundredths());
        world.assertReconciles(org);
    }
}
