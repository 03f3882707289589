package app.credits.bench.perf;

import app.credits.checkout.StripeCheckout;
import app.credits.emulator.Contention;
import app.credits.emulator.DynamoDbEmulator;
import app.credits.emulator.EmulatorOptions;
import app.credits.http.HttpFunction;
import app.credits.ledger.Account;
import app.credits.ledger.Credits;
import app.credits.ledger.EntryType;
import app.credits.ledger.Ledger;
import app.credits.ledger.Money;
import app.credits.ledger.OrgId;
import app.credits.ledger.Pricing;
import app.credits.runtime.Json;
import app.credits.submissions.SubmissionsFunction;
import app.credits.testkit.stripe.CheckoutPayment;
import app.credits.testkit.stripe.StripeStandIn;
import app.credits.testkit.stripe.WebhookSignatures;
import app.credits.testkit.stripe.Webhooks;
import app.credits.webhook.StripeWebhookFunction;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A hot org: many submissions on one org at once, through the real SubmissionsFunction (one handler call per
 * Lambda invocation), on the project's emulator in its DynamoDB-like contention mode: every request takes a few
 * milliseconds and a transaction holds its items while in flight, so overlapping transactions on one org's account
 * are cancelled with TransactionConflict as DynamoDB cancels them. Three measurements:
 * <ol>
 * <li>sustained: N callers submit back to back for a few seconds: throughput, latency, retries per charge, 503s;</li>
 * <li>burst: N callers submit once each at the same instant on an org holding exactly N credits, plus ten more
 * submissions that must be refused: time until the last answer, latency, 503s, overdraft;</li>
 * <li>storm: 300 callers over 3 orgs, mixed with each org's purchases delivered three times over through the
 * webhook, all at once: 5xx, every charge reconciled, every purchase credited once.</li>
 * </ol>
 * <pre>java -cp bench/target/bench.jar app.credits.bench.perf.HotOrgBench [--contention dynamodb|off|5ms+3ms]
 *     [--callers 1,8,64,256] [--seconds 5]</pre>
 */
public final class HotOrgBench {
    private static final String WEBHOOK_SECRET = "whsec_bench_hot_org";
    private static final AtomicLong IDS = new AtomicLong();

    private final Ledger ledger;
    private final DynamoClientsAndCounts dynamo;
    private final HttpFunction submissions;
    private final HttpFunction webhook;
    private final SampleEvent submission;
    private final SampleEvent delivery;

    /** The client every handler shares, with the interceptor that counts its requests. */
    private record DynamoClientsAndCounts(DynamoDbClient client, CountingInterceptor counter, String table) {
    }

    private HotOrgBench(DynamoClientsAndCounts dynamo, Path repo, Ledger.RetryPolicy retry) {
        this.dynamo = dynamo;
        // The backend's token (service role) may charge any org: the sample's member token is for org_acme only.
        this.submission = SampleEvent.load(repo, "submissions/post-submission.json").claim("role", "service");
        this.delivery = SampleEvent.load(repo, "stripe-webhook/checkout-session-completed.json");
        this.ledger = BenchDynamo.ledger(dynamo.client(), dynamo.table(), retry);
        this.submissions = new SubmissionsFunction(ledger).telemetry(BenchDynamo.MUTED);
        this.webhook = new StripeWebhookFunction(ledger, WEBHOOK_SECRET, Clock.systemUTC(), BenchDynamo.MUTED);
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = ColdStartBench.options(args);
        Contention contention = Contention.parse(opts.getOrDefault("contention", "dynamodb"));
        List<Integer> callers = Arrays.stream(opts.getOrDefault("callers", "1,8,64,256").split(","))
                .map(Integer::parseInt).toList();
        int seconds = Integer.parseInt(opts.getOrDefault("seconds", "5"));
        Path repo = Path.of(opts.getOrDefault("repo", ".")).toAbsolutePath().normalize();
        // --backoff 4-1000: the ledger's pause after a TransactionConflict doubles from 4 ms up to 1000 ms.
        String[] backoff = opts.getOrDefault("backoff", "").split("-");
        Ledger.RetryPolicy retry = backoff.length == 2
                ? new Ledger.RetryPolicy(Ledger.RetryPolicy.DEFAULT.budget(), Duration.ofMillis(Long.parseLong(backoff[0])),
                        Duration.ofMillis(Long.parseLong(backoff[1])))
                : Ledger.RetryPolicy.DEFAULT;

        try (DynamoDbEmulator emulator = DynamoDbEmulator.start(EmulatorOptions.inMemory().withContention(contention))) {
            CountingInterceptor counter = new CountingInterceptor();
            HotOrgBench bench = new HotOrgBench(new DynamoClientsAndCounts(BenchDynamo.client(emulator, counter), counter,
                    "credits-hot"), repo, retry);
            System.out.printf("A hot org: submissions through SubmissionsFunction on the emulator, contention %s "
                    + "(per request; a transaction takes two draws and holds its items meanwhile), the ledger's backoff "
                    + "%d–%d ms, %d CPUs, JDK %s.%n%n", contention, retry.firstPause().toMillis(),
                    retry.longestPause().toMillis(), Runtime.getRuntime().availableProcessors(), Runtime.version());
            bench.sustained(List.of(8), 2, false); // warms the code paths up; not reported
            bench.sustained(callers, seconds, true);
            bench.burst(callers);
            bench.storm(3, 100, 5);
        }
        System.exit(0);
    }

    // ---------------------------------------------------------------- 1. sustained

    private void sustained(List<Integer> levels, int seconds, boolean print) throws Exception {
        if (print) {
            System.out.printf("1. Sustained: N callers submit back to back for %d s on one org.%n%n", seconds);
            System.out.println("| callers | charged | charges/s | p50 ms | p99 ms | max ms | transactions cancelled per charge "
                    + "| 503 | other non-201 | DynamoDB requests per charge |");
            System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        }
        for (int n : levels) {
            OrgId org = fund("sustained_" + n, 1_000_000);
            dynamo.counter().reset();
            Tally tally = new Tally();
            long deadline = System.nanoTime() + seconds * 1_000_000_000L;
            long began = System.nanoTime();
            runTogether(n, caller -> {
                while (System.nanoTime() < deadline) {
                    tally.time(() -> submit(org));
                }
                return null;
            });
            double elapsed = (System.nanoTime() - began) / 1e9;
            reconcile(org);
            if (print) {
                System.out.printf("| %d | %d | %.0f | %.1f | %.1f | %.1f | %.2f | %d | %d | %.2f |%n", n, tally.charged.get(),
                        tally.charged.get() / elapsed, tally.percentile(0.50), tally.percentile(0.99), tally.percentile(1.0),
                        perCharge(dynamo.counter().cancelledTransactions(), tally), tally.busy.get(), tally.other(),
                        perCharge(dynamo.counter().total(), tally));
            }
        }
    }

    // ---------------------------------------------------------------- 2. burst

    private void burst(List<Integer> levels) throws Exception {
        System.out.println();
        System.out.println("2. Burst: N callers submit once each at the same instant on an org holding exactly N credits, "
                + "with 10 more submissions that must be refused (402).");
        System.out.println();
        System.out.println("| callers | charged (201) | refused (402) | 503 | other | last answer after ms | p50 ms | p99 ms "
                + "| transactions cancelled per charge | credits left | overdraft |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        for (int n : levels) {
            OrgId org = fund("burst_" + n, n);
            dynamo.counter().reset();
            Tally tally = new Tally();
            long began = System.nanoTime();
            runTogether(n + 10, caller -> tally.time(() -> submit(org)));
            double lastMs = (System.nanoTime() - began) / 1e6;
            Account account = ledger.account(org);
            reconcile(org);
            System.out.printf("| %d | %d | %d | %d | %d | %.0f | %.1f | %.1f | %.2f | %s | %s |%n", n, tally.charged.get(),
                    tally.refused.get(), tally.busy.get(), tally.other(), lastMs, tally.percentile(0.50),
                    tally.percentile(0.99), perCharge(dynamo.counter().cancelledTransactions(), tally), account.creditsLeft(),
                    account.creditsLeft().isNegative() ? "YES" : "none");
        }
    }

    // ---------------------------------------------------------------- 3. storm

    /** {@code orgs} orgs × {@code callersPerOrg} submitters, mixed with each org's purchases delivered three times. */
    private void storm(int orgs, int callersPerOrg, int purchasesPerOrg) throws Exception {
        System.out.println();
        System.out.printf("3. Storm: %d callers over %d orgs (%d each, each org holding %d credits), mixed with %d purchases "
                        + "of 10 credits per org, each delivered 3 times through the webhook, all released at once.%n%n",
                orgs * callersPerOrg, orgs, callersPerOrg, callersPerOrg / 2, purchasesPerOrg);
        try (StripeStandIn stripe = StripeStandIn.start()) {
            stripe.webhooks().delivery(Webhooks.Delivery.HELD);
            StripeCheckout checkout = StripeCheckout.create(StripeStandIn.TEST_API_KEY, Optional.of(stripe.apiBase()));
            List<OrgId> orgIds = new ArrayList<>();
            List<Callable<Integer>> work = new ArrayList<>();
            Map<OrgId, List<String>> sessions = new ConcurrentHashMap<>();
            for (int o = 0; o < orgs; o++) {
                OrgId org = fund("storm_" + o, callersPerOrg / 2);
                orgIds.add(org);
                for (int i = 0; i < callersPerOrg; i++) {
                    work.add(() -> submit(org));
                }
                for (int p = 0; p < purchasesPerOrg; p++) {
                    ObjectNode completed = paidSession(stripe, checkout, org, 10);
                    sessions.computeIfAbsent(org, k -> new ArrayList<>())
                            .add(completed.path("data").path("object").path("id").asText());
                    String payload = Json.write(completed);
                    for (int copy = 0; copy < 3; copy++) {
                        work.add(() -> deliver(payload));
                    }
                }
            }
            Collections.shuffle(work);
            dynamo.counter().reset();
            List<Integer> statuses = Collections.synchronizedList(new ArrayList<>());
            long began = System.nanoTime();
            runTogether(work.size(), i -> {
                int status = work.get(i).call();
                statuses.add(status);
                return null;
            });
            double lastMs = (System.nanoTime() - began) / 1e6;
            long fiveHundreds = statuses.stream().filter(s -> s >= 500).count();
            long charged = statuses.stream().filter(s -> s == 201).count();
            long refused = statuses.stream().filter(s -> s == 402).count();
            long ok = statuses.stream().filter(s -> s == 200).count();
            System.out.println("| answers | 201 charged | 402 refused | 200 webhook | 5xx | last answer after ms "
                    + "| transactions cancelled per write | credits left per org | purchases credited once |");
            System.out.println("|---:|---:|---:|---:|---:|---:|---:|---|---|");
            List<String> left = new ArrayList<>();
            boolean once = true;
            for (OrgId org : orgIds) {
                reconcile(org);
                left.add(ledger.account(org).creditsLeft().toString());
                long credited = ledger.fullLog(org).stream().filter(e -> e.type() == EntryType.PURCHASE).count();
                once &= credited == sessions.get(org).size() + 1; // + the opening purchase
            }
            System.out.printf("| %d | %d | %d | %d | %d | %.0f | %.2f | %s | %s |%n", statuses.size(), charged, refused, ok,
                    fiveHundreds, lastMs, (double) dynamo.counter().cancelledTransactions() / Math.max(1, charged + orgs * purchasesPerOrg),
                    String.join(" / ", left), once ? "yes" : "NO");
        }
    }

    // ---------------------------------------------------------------- plumbing

    /** A new org holding {@code credits}, bought as any org buys them (a purchase through the ledger). */
    private OrgId fund(String name, long credits) {
        OrgId org = OrgId.of(name + "_" + IDS.incrementAndGet());
        BenchDynamo.buy(ledger, org, credits, "cs_open_" + org.value());
        return org;
    }

    private int submit(OrgId org) {
        return submissions.handle(submission.copy().path("orgId", org.value())
                .body("submissionId", "sub_" + IDS.incrementAndGet()).bytes(), null).statusCode();
    }

    private int deliver(String payload) {
        String signature = WebhookSignatures.sign(payload, WEBHOOK_SECRET, Instant.now());
        return webhook.handle(delivery.copy().rawBody(payload).header("stripe-signature", signature).bytes(), null)
                .statusCode();
    }

    /** A Checkout Session the checkout function's own client creates on the stand-in, paid: its completed event. */
    private static ObjectNode paidSession(StripeStandIn stripe, StripeCheckout checkout, OrgId org, long credits) throws Exception {
        var quote = Pricing.standard().quote(credits, Credits.ZERO, Optional.of(Money.of(2900, "usd")));
        String sessionId = checkout.createSession(org, quote, "http://127.0.0.1/ok", "http://127.0.0.1/no",
                "bench-" + UUID.randomUUID()).id();
        stripe.payCheckoutSession(sessionId, CheckoutPayment.visa().email("buyer@bench.example"));
        return stripe.newestEvent("checkout.session.completed", sessionId).orElseThrow();
    }

    /** Starts {@code n} platform threads and releases them at once (each one a Lambda instance's request). */
    private static void runTogether(int n, IndexedTask task) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < n; i++) {
            int index = i;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    task.run(index);
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("a caller failed", failures.peek());
        }
    }

    private interface IndexedTask {
        Object run(int index) throws Exception;
    }

    private void reconcile(OrgId org) {
        BenchDynamo.assertReconciles(ledger, org);
    }

    private static double perCharge(long count, Tally tally) {
        return (double) count / Math.max(1, tally.charged.get());
    }

    /** Answers and latencies of one measurement. */
    private static final class Tally {
        final AtomicInteger charged = new AtomicInteger();
        final AtomicInteger refused = new AtomicInteger();
        final AtomicInteger busy = new AtomicInteger();
        final AtomicInteger all = new AtomicInteger();
        final ConcurrentLinkedQueue<Long> nanos = new ConcurrentLinkedQueue<>();

        /** One request: its answer counted, its latency kept. */
        int time(Callable<Integer> request) throws Exception {
            long t0 = System.nanoTime();
            int status = request.call();
            nanos.add(System.nanoTime() - t0);
            record(status);
            return status;
        }

        private void record(int status) {
            all.incrementAndGet();
            switch (status) {
                case 201 -> charged.incrementAndGet();
                case 402 -> refused.incrementAndGet();
                case 503 -> busy.incrementAndGet();
                default -> { }
            }
        }

        int other() {
            return all.get() - charged.get() - refused.get() - busy.get();
        }

        double percentile(double p) {
            long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
            if (sorted.length == 0) {
                return 0;
            }
            int i = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
            return sorted[Math.max(0, i)] / 1e6;
        }
    }
}
