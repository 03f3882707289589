package app.credits.lowcredit;

import app.credits.emulator.EmulatorStats;
import app.credits.ledger.Ledger;
import app.credits.ledger.OrgId;
import app.credits.ledger.dynamo.DynamoLedgerStore;
import app.credits.ledger.testing.TestDynamo;
import app.credits.lowcredit.testing.ReadCounter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract: the check's cost grows with the orgs that need an email, not with the orgs. Counted, not timed:
 * items returned to the client (SDK interceptor) and items the emulator examined (its stats).
 */
class ScaleTest {
    /** Healthy orgs seeded through the ledger; the benchmark (bench/) goes to 100,000. */
    static final int HEALTHY_ORGS = Integer.getInteger("scale.healthyOrgs", 2_000);
    static final int LOW_ORGS = 25;

    private final Fixture f = new Fixture();

    @Test
    void withThousandsOfOrgsOneRunReadsOnlyTheTwentyFiveThatOweAnEmail() throws Exception {
        // GIVEN thousands of healthy orgs, 25 low ones owing an email, and 25 low ones that owe none (emails off)
        List<OrgId> low = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<?>> seeding = new ArrayList<>();
            IntStream.range(0, HEALTHY_ORGS).forEach(i -> seeding.add(pool.submit(() ->
                    f.bonus(OrgId.of("healthy-" + i), "10"))));
            for (int i = 0; i < LOW_ORGS; i++) {
                OrgId org = OrgId.of("low-" + i);
                low.add(org);
                seeding.add(pool.submit(() -> {
                    f.purchase(org, 5, "owner@" + org.value() + ".test");
                    f.takeBack(org, "3");
                }));
                OrgId quiet = OrgId.of("quiet-" + i);
                seeding.add(pool.submit(() -> {
                    f.purchase(quiet, 5, "owner@" + quiet.value() + ".test");
                    f.setEmails(quiet, false);
                    f.takeBack(quiet, "3");
                }));
            }
            for (Future<?> s : seeding) {
                s.get();
            }
        }
        ReadCounter counter = new ReadCounter();
        Ledger counted = new Ledger(new DynamoLedgerStore(TestDynamo.client(counter), f.world.table()), f.clock);
        LowCreditCheck check = new LowCreditCheck(counted,
                new SesEmailSender(Fixture.sesClient(f.ses.endpoint())), f.config, f.log, f.clock);
        EmulatorStats stats = TestDynamo.emulator().stats();
        stats.reset();

        // WHEN one run
        CheckSummary summary = check.run();

        // THEN 25 emails, and reads bounded by the 25 owing orgs, whatever the number of orgs
        assertEquals(new CheckSummary(0, LOW_ORGS, 0, LOW_ORGS), summary);
        assertEquals(LOW_ORGS, f.ses.emails().size());
        assertEquals(0, counter.scans());
        // one index query (25 items) + one fresh read per owing org (25) + one expiry query (0)
        assertTrue(counter.itemsRead() <= 3L * LOW_ORGS, "items read: " + counter.itemsRead());
        // the same from the emulator's side (Query counts items examined, as DynamoDB bills)
        assertTrue(stats.totalItemsRead() <= 3L * LOW_ORGS, "emulator: " + stats);
        assertEquals(0, stats.requests("Scan"));
        // one write per owing org (markNotified), a handful of queries
        assertTrue(counter.requests() <= 2L * LOW_ORGS + 5, "requests: " + counter.requests());
        System.out.printf("orgs=%d low=%d itemsRead=%d requests=%d emulatorItemsRead=%d%n",
                HEALTHY_ORGS + 2 * LOW_ORGS, LOW_ORGS, counter.itemsRead(), counter.requests(), stats.totalItemsRead());
        for (OrgId org : low) {
            f.world.assertReconciles(org);
        }
    }
}
