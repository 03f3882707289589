package app.credits.bench.lowcredit;

import app.credits.emulator.DynamoDbEmulator;
import app.credits.emulator.EmulatorStats;
import app.credits.runtime.Environment;
import app.credits.runtime.Telemetry;
import app.credits.runtime.UnsubscribeTokens;
import app.credits.ledger.CompletedCheckout;
import app.credits.ledger.Credits;
import app.credits.ledger.EntryType;
import app.credits.ledger.Ledger;
import app.credits.ledger.Money;
import app.credits.ledger.OrgId;
import app.credits.ledger.EntryType;
import app.credits.ledger.Purchase;
import app.credits.ledger.dynamo.BulkLoad;
import app.credits.ledger.dynamo.CreditsTable;
import app.credits.ledger.dynamo.DynamoLedgerStore;
import app.credits.lowcredit.CheckSummary;
import app.credits.lowcredit.LowCreditCheck;
import app.credits.lowcredit.NotificationConfig;
import app.credits.lowcredit.UnsubscribeLinks;
import app.credits.lowcredit.RunLog;
import app.credits.lowcredit.SesEmailSender;
import app.credits.lowcredit.testing.ReadCounter;
import app.credits.testkit.ses.SesEmulator;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sesv2.SesV2Client;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

/**
 * How one run of the scheduled low-credit check grows with the number of orgs: for 1k / 10k / 100k orgs of which
 * 25 owe an email, the DynamoDB items read and requests made (counted by an SDK interceptor and by the emulator)
 * and the wall time of one run, emails going to the real SES emulator. Run from the repository root:
 * <pre>java -cp bench/target/bench.jar app.credits.bench.lowcredit.LowCreditBench [orgs...]</pre>
 */
public final class LowCreditBench {
    static final int LOW_ORGS = 25;

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = args.length == 0 ? List.of(1_000, 10_000, 100_000)
                : java.util.Arrays.stream(args).map(Integer::parseInt).toList();
        RunLog quiet = (level, message, error, fields) -> { };
        try (DynamoDbEmulator emulator = DynamoDbEmulator.startInMemory(); SesEmulator ses = SesEmulator.start()) {
            SesV2Client sesClient = SesEmailSender.clientFromEnvironment(Environment.of(Map.of(
                    "SES_ENDPOINT", ses.endpoint().toString(), "AWS_REGION", "us-east-1")));
            NotificationConfig config = NotificationConfig.of("billing@bench.test", "https://app.example.com/billing?org={orgId}",
                    new UnsubscribeLinks(URI.create("https://api.example.com/unsubscribe"),
                            new UnsubscribeTokens("low-credit-bench-unsubscribe-secret-0123456789")));
            System.out.printf("low-credit check, one run; %d orgs owe an email; JDK %s, %d CPUs%n",
                    LOW_ORGS, Runtime.version(), Runtime.getRuntime().availableProcessors());
            // Warm-up (class loading, JIT) on small tables, not reported.
            for (int i = 0; i < 3; i++) {
                measure(emulator, ses, sesClient, config, quiet, 500, false);
            }
            System.out.println();
            System.out.println("| orgs | low orgs | emails sent | items read (client) | items read (emulator) | requests | ms (one run) | seeding s |");
            System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|");
            for (int orgs : sizes) {
                measure(emulator, ses, sesClient, config, quiet, orgs, true);
            }
        }
        // The SDK's and emulator's threads are not all daemons.
        System.exit(0);
    }

    private static void measure(DynamoDbEmulator emulator, SesEmulator ses, SesV2Client sesClient,
                                NotificationConfig config, RunLog quiet, int orgs, boolean print) throws Exception {
        ses.clear();
        String table = "bench-" + orgs + "-" + System.nanoTime();
        long seedStart = System.nanoTime();
        try (DynamoDbClient seeder = client(emulator)) {
            CreditsTable.createIfMissing(seeder, table);
            Ledger ledger = new Ledger(new DynamoLedgerStore(seeder, table), Clock.systemUTC());
            seed(seeder, table, ledger, orgs);
        }
        double seedSeconds = (System.nanoTime() - seedStart) / 1e9;

        ReadCounter counter = new ReadCounter();
        try (DynamoDbClient dynamo = client(emulator, counter)) {
            LowCreditCheck check = new LowCreditCheck(new Ledger(new DynamoLedgerStore(dynamo, table), Clock.systemUTC()),
                    new SesEmailSender(sesClient), config, quiet);
            EmulatorStats stats = emulator.stats();
            stats.reset();
            long start = System.nanoTime();
            CheckSummary summary = check.run();
            double ms = (System.nanoTime() - start) / 1e6;
            if (summary.emailsSent() != LOW_ORGS || ses.emails().size() != LOW_ORGS) {
                throw new IllegalStateException("expected " + LOW_ORGS + " emails, got " + summary);
            }
            if (print) {
                System.out.printf("| %,d | %d | %d | %d | %d | %d | %.0f | %.1f |%n", orgs, LOW_ORGS, summary.emailsSent(),
                        counter.itemsRead(), stats.totalItemsRead(), counter.requests(), ms, seedSeconds);
            }
        }
    }

    /** {@code orgs - 25} healthy orgs (10 bonus credits each) in bulk, and 25 through the ledger left with 2 credits. */
    private static void seed(DynamoDbClient dynamo, String table, Ledger ledger, int orgs) throws Exception {
        int healthy = orgs - LOW_ORGS;
        Instant now = Instant.now();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<?>> work = new ArrayList<>();
            int chunk = 2_400;
            for (int from = 0; from < healthy; from += chunk) {
                List<OrgId> slice = IntStream.range(from, Math.min(healthy, from + chunk))
                        .mapToObj(i -> OrgId.of(String.format("org-%06d", i))).toList();
                work.add(pool.submit(() -> {
                    BulkLoad load = new BulkLoad(dynamo, table);
                    for (OrgId org : slice) {
                        load.org(org, List.of(new Purchase.Movement(EntryType.BONUS, Credits.whole(10),
                                "seed-" + org.value(), "benchmark seed")), now);
                    }
                    load.flush();
                }));
            }
            for (int i = 0; i < LOW_ORGS; i++) {
                // Spread through the key space, as real low orgs would be.
                OrgId org = OrgId.of(String.format("org-%06d-low", (long) i * orgs / LOW_ORGS));
                work.add(pool.submit(() -> {
                    ledger.creditPurchase(new CompletedCheckout("cs_" + org.value(), org, 5, Money.of(14_500, "usd"),
                            Optional.of("pi_" + org.value()), Optional.of("owner@" + org.value() + ".test")));
                    ledger.adjust(org, "adj-" + org.value(), EntryType.ADJUSTMENT, Credits.whole(-3), "benchmark");
                }));
            }
            for (Future<?> f : work) {
                f.get();
            }
        }
    }

    private static DynamoDbClient client(DynamoDbEmulator emulator, ReadCounter... counters) {
        return DynamoDbClient.builder()
                .endpointOverride(emulator.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .executionInterceptors(List.of(counters)).build())
                .build();
    }
}
