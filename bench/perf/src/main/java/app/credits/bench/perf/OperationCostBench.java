package app.credits.bench.perf;

import app.credits.account.AccountFunction;
import app.credits.balance.BalanceFunction;
import app.credits.emulator.DynamoDbEmulator;
import app.credits.emulator.EmulatorStats;
import app.credits.runtime.Environment;
import app.credits.http.HttpFunction;
import app.credits.http.HttpResponse;
import app.credits.runtime.Telemetry;
import app.credits.runtime.UnsubscribeTokens;
import app.credits.invites.InvitesFunction;
import app.credits.ledger.Ledger;
import app.credits.ledger.OrgId;
import app.credits.lowcredit.EmailSender;
import app.credits.lowcredit.LowCreditCheckFunction;
import app.credits.lowcredit.NotificationConfig;
import app.credits.lowcredit.UnsubscribeLinks;
import app.credits.submissions.SubmissionsFunction;
import app.credits.webhook.StripeWebhookFunction;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.net.URI;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * What every API operation costs in DynamoDB: each route driven through its real handler (the same classes Lambda
 * runs, built with their test constructor on a client carrying {@link CountingInterceptor}), with the requests by
 * operation counted by the SDK interceptor and the read/write capacity units computed by the emulator the
 * DynamoDB way (4 KB reads, 1 KB writes, doubled in transactions, plus index writes). A hot org is
 * {@link HotOrgBench}'s.
 * <pre>java -cp bench/target/bench.jar app.credits.bench.perf.OperationCostBench [--repo .]</pre>
 */
public final class OperationCostBench {
    private static final Telemetry MUTED = BenchDynamo.MUTED;
    /** The stored Stripe samples are signed at this time with the local secret (events/stripe-webhook/README.md). */
    private static final Instant STRIPE_SIGNED_AT = Instant.ofEpochSecond(1795457059L);
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
    private static final AtomicLong IDS = new AtomicLong();

    /** One measured operation. */
    record Cost(String route, int status, Map<String, Long> requests, double rcu, double wcu, double cpuMs) {
        long roundTrips() {
            return requests.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = ColdStartBench.options(args);
        Path repo = Path.of(opts.getOrDefault("repo", ".")).toAbsolutePath().normalize();

        try (DynamoDbEmulator emulator = DynamoDbEmulator.startInMemory()) {
            CountingInterceptor counter = new CountingInterceptor();
            DynamoDbClient dynamo = BenchDynamo.client(emulator, counter);
            Meter meter = new Meter(emulator.stats(), counter);

            System.out.printf("Cost per operation: DynamoDB requests (SDK interceptor) and capacity units (emulator), "
                    + "JDK %s%n", Runtime.version());
            // The same sequence twice, each on a table of its own: the first pass loads and warms every route's
            // code, the second is the one reported (so the CPU column is not class loading).
            Ledger warmLedger = BenchDynamo.ledger(dynamo, "credits-warmup");
            Routes warm = new Routes(repo, warmLedger);
            BenchDynamo.buy(warmLedger, BenchDynamo.ACME, 100_000, "cs_cost_seed");
            for (int i = 0; i < 100; i++) {
                warm.submit(BenchDynamo.ACME.value(), "warm_" + i, Optional.empty());
                warm.balance();
                warm.logs();
            }
            sequence(warm, warmLedger, meter);
            Ledger ledger = BenchDynamo.ledger(dynamo, "credits");
            Routes routes = new Routes(repo, ledger);
            BenchDynamo.buy(ledger, BenchDynamo.ACME, 100_000, "cs_cost_seed");
            List<Cost> costs = sequence(routes, ledger, meter);

            System.out.println();
            System.out.println("| route | status | DynamoDB requests (by operation) | RCU | WCU | handler CPU ms (2nd run) |");
            System.out.println("|---|---:|---|---:|---:|---:|");
            for (Cost c : costs) {
                String ops = c.requests().entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
                        .collect(Collectors.joining(" + "));
                System.out.printf("| %s | %d | %s | %s | %s | %.2f |%n", c.route(), c.status(), ops.isEmpty() ? "–" : ops,
                        units(c.rcu()), units(c.wcu()), c.cpuMs());
            }
            System.out.println();
            System.out.println("RCU/WCU as DynamoDB on demand bills them (read/write request units): a consistent read of"
                    + " ≤ 4 KB = 1, a write of ≤ 1 KB = 1, transactional = 2 per item, plus the GSI writes an item's"
                    + " change causes. CPU: the handler thread's CPU time for one warm request (JSON, SDK, ledger).");

            prices(costs);
            reconcile(ledger, BenchDynamo.ACME);
        }
        System.exit(0);
    }

    /** Every route once, in an order where each has what it needs (an invite before its use, …). */
    private static List<Cost> sequence(Routes routes, Ledger ledger, Meter meter) {
        List<Cost> costs = new ArrayList<>();
        String sub = fresh("sub");
        costs.add(meter.measure("POST submissions (charged)", () -> routes.submit("org_acme", sub, Optional.empty())));
        costs.add(meter.measure("POST submissions (replay of the same id)", () -> routes.submit("org_acme", sub, Optional.empty())));
        costs.add(meter.measure("POST submissions (402: not enough credits)",
                () -> routes.submit("org_empty_" + IDS.incrementAndGet(), fresh("sub"), Optional.empty())));
        String invite = fresh("inv");
        costs.add(meter.measure("POST invites (reserve)", () -> routes.invite(invite)));
        costs.add(meter.measure("POST submissions (from the invite)", () -> routes.submit("org_acme", fresh("sub"), Optional.of(invite))));
        String revoked = fresh("inv");
        routes.invite(revoked);
        costs.add(meter.measure("DELETE invites/{id} (revoke)", () -> routes.revoke(revoked)));
        costs.add(meter.measure("POST webhooks/stripe (purchase, checkout.session.completed)",
                () -> routes.webhook("stripe-webhook/checkout-session-completed.json")));
        costs.add(meter.measure("POST webhooks/stripe (refund, charge.refunded)",
                () -> routes.webhook("stripe-webhook/charge-refunded.json")));
        costs.add(meter.measure("POST adjustments", () -> routes.adjust(fresh("adj"))));
        costs.add(meter.measure("GET balance", routes::balance));
        costs.add(meter.measure("GET logs (page of 25)", routes::logs));
        costs.add(meter.measure("GET usage (30 days)", routes::usage));
        costs.add(meter.measure("PUT settings", routes::settings));
        costs.add(meter.measure("GET invites (pending)", routes::listInvites));

        // The scheduled check: cost per org emailed, and the cost of a run when no org needs an email.
        int owing = 20;
        for (int i = 0; i < owing; i++) {
            OrgId org = OrgId.of("org_low_" + i);
            BenchDynamo.buy(ledger, org, 5, "cs_low_" + i);
            for (int s = 0; s < 3; s++) {
                ledger.chargeSubmission(org, "low_" + i + "_" + s, "m", Optional.empty());
            }
        }
        routes.emailsSent.set(0);
        Cost check = meter.measure("scheduled low-credit check (" + owing + " orgs owe an email)", routes::lowCreditCheck);
        int emailed = Math.max(1, routes.emailsSent.get());
        costs.add(check);
        // The run's index queries are per run (one page of the sparse index), not per org: left out of this row.
        costs.add(new Cost("  … per org emailed (÷ " + emailed + " emails sent; the 2 index queries are per run)",
                check.status(), check.requests().entrySet().stream().filter(e -> e.getValue() >= emailed)
                        .collect(Collectors.toMap(Map.Entry::getKey,
                        e -> Math.round((double) e.getValue() / emailed), (a, b) -> a, java.util.TreeMap::new)),
                check.rcu() / emailed, check.wcu() / emailed, check.cpuMs() / emailed));
        costs.add(meter.measure("scheduled low-credit check (no org owes one)", routes::lowCreditCheck));
        reconcile(ledger, BenchDynamo.ACME);
        return costs;
    }

    // us-east-1 list prices as of 2026 (they change: check the pricing pages).
    static final double LAMBDA_GB_SECOND = 0.0000166667;
    static final double LAMBDA_PER_MILLION = 0.20;
    static final double WRU_PER_MILLION = 0.625;
    static final double RRU_PER_MILLION = 0.125;
    static final double HTTP_API_PER_MILLION = 1.00;
    static final double MEMORY_GB = 1.0;
    /** Lambda's CPU share at 1024 MB: a full vCPU at 1769 MB, proportional below. */
    static final double VCPU_SHARE = 1024.0 / 1769.0;
    /** Assumed in-region DynamoDB latencies (ms), not measured here: the emulator is not DynamoDB. */
    static final Map<String, Double> ROUND_TRIP_MS = Map.of("GetItem", 5.0, "BatchGetItem", 5.0, "Query", 6.0,
            "UpdateItem", 7.0, "PutItem", 7.0, "TransactWriteItems", 12.0);

    /** The price of one million of each operation, from its measured units and CPU and the assumed latencies. */
    private static void prices(List<Cost> costs) {
        System.out.println();
        System.out.printf("Price of 1 million requests, us-east-1 list prices as of 2026 (Lambda x86 $%.10f/GB-s + $%.2f "
                        + "per 1M requests at %.0f MB; DynamoDB on demand $%.3f per 1M WRU, $%.3f per 1M RRU; HTTP API $%.2f "
                        + "per 1M). Billed ms = handler CPU ÷ %.2f vCPU + assumed DynamoDB round trips %s.%n%n",
                LAMBDA_GB_SECOND, LAMBDA_PER_MILLION, MEMORY_GB * 1024, WRU_PER_MILLION, RRU_PER_MILLION,
                HTTP_API_PER_MILLION, VCPU_SHARE, new java.util.TreeMap<>(ROUND_TRIP_MS));
        System.out.println("| route | billed ms (est.) | Lambda $ | DynamoDB $ | HTTP API $ | total $ per 1M |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        for (Cost c : costs) {
            if (c.route().startsWith("scheduled") || c.route().startsWith("  …")) {
                continue; // not an API request: priced per run in docs/PERFORMANCE.md
            }
            double io = c.requests().entrySet().stream()
                    .mapToDouble(e -> e.getValue() * ROUND_TRIP_MS.getOrDefault(e.getKey(), 6.0)).sum();
            double billedMs = Math.ceil(c.cpuMs() / VCPU_SHARE + io);
            double lambda = billedMs / 1000 * MEMORY_GB * LAMBDA_GB_SECOND * 1e6 + LAMBDA_PER_MILLION;
            double dynamo = c.wcu() * WRU_PER_MILLION + c.rcu() * RRU_PER_MILLION;
            System.out.printf("| %s | %.0f | %.2f | %.2f | %.2f | %.2f |%n", c.route(), billedMs, lambda, dynamo,
                    HTTP_API_PER_MILLION, lambda + dynamo + HTTP_API_PER_MILLION);
        }
    }

    private static String units(double u) {
        return u == Math.rint(u) ? String.format("%.0f", u) : String.format("%.2f", u);
    }

    private static String fresh(String prefix) {
        return prefix + "_" + ProcessHandle.current().pid() + "_" + IDS.incrementAndGet();
    }

    private static void reconcile(Ledger ledger, OrgId org) {
        BenchDynamo.assertReconciles(ledger, org);
    }

    /** Resets both counters, runs one request, reads them back. */
    private record Meter(EmulatorStats stats, CountingInterceptor counter) {
        Cost measure(String route, Supplier<HttpResponse> call) {
            stats.reset();
            counter.reset();
            long cpu0 = CPU.getCurrentThreadCpuTime();
            HttpResponse response = call.get();
            double cpuMs = (CPU.getCurrentThreadCpuTime() - cpu0) / 1e6;
            return new Cost(route, response.statusCode(), counter.requests(), stats.totalReadCapacityUnits(),
                    stats.totalWriteCapacityUnits(), cpuMs);
        }
    }

    /** The handlers, built as their tests build them, fed the repository's sample events with fresh ids. */
    private static final class Routes {
        private final Path repo;
        private final HttpFunction balance;
        private final HttpFunction submissions;
        private final HttpFunction invites;
        private final HttpFunction account;
        private final HttpFunction webhook;
        private final LowCreditCheckFunction lowCredit;
        private final SampleEvent submission;
        final AtomicInteger emailsSent = new AtomicInteger();

        Routes(Path repo, Ledger ledger) {
            this.repo = repo;
            this.balance = new BalanceFunction(ledger).telemetry(MUTED);
            this.submissions = new SubmissionsFunction(ledger).telemetry(MUTED);
            this.invites = new InvitesFunction(ledger).telemetry(MUTED);
            this.account = new AccountFunction(ledger, Environment.of(Map.of()).pricing()).telemetry(MUTED);
            this.webhook = new StripeWebhookFunction(ledger, StripeWebhookFunction.LOCAL_SIGNING_SECRET,
                    Clock.fixed(STRIPE_SIGNED_AT.plusSeconds(5), ZoneOffset.UTC), MUTED);
            // Emails are not DynamoDB's cost: this sender only counts them (SES is priced per email, not measured).
            EmailSender sender = email -> {
                emailsSent.incrementAndGet();
                return new EmailSender.SendResult.Sent("bench-" + IDS.incrementAndGet());
            };
            this.lowCredit = new LowCreditCheckFunction(ledger, sender,
                    NotificationConfig.of("billing@bench.example", NotificationConfig.DEFAULT_BILLING_PAGE_URL,
                            new UnsubscribeLinks(URI.create("https://api.example.com/unsubscribe"),
                                    new UnsubscribeTokens(UnsubscribeTokens.LOCAL_SECRET))), MUTED);
            this.submission = SampleEvent.load(repo, "submissions/post-submission.json");
        }

        HttpResponse submit(String org, String submissionId, Optional<String> inviteId) {
            SampleEvent event = submission.copy().path("orgId", org).body("submissionId", submissionId);
            if (!org.equals("org_acme")) {
                // The sample's member token is for org_acme: other orgs are charged with the service role's token.
                event.claim("role", "service");
            }
            inviteId.ifPresent(id -> event.body("inviteId", id));
            return submissions.handle(event.bytes(), null);
        }

        HttpResponse invite(String inviteId) {
            return invites.handle(SampleEvent.load(repo, "invites/post-invite.json").body("inviteId", inviteId)
                    .body("expiresAt", Instant.now().plus(7, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString())
                    .bytes(), null);
        }

        HttpResponse revoke(String inviteId) {
            return invites.handle(SampleEvent.load(repo, "invites/delete-invite.json").path("inviteId", inviteId).bytes(), null);
        }

        HttpResponse listInvites() {
            return invites.handle(SampleEvent.load(repo, "invites/list-invites.json").bytes(), null);
        }

        HttpResponse webhook(String file) {
            return webhook.handle(SampleEvent.load(repo, file).bytes(), null);
        }

        HttpResponse adjust(String key) {
            return account.handle(SampleEvent.load(repo, "account/post-adjustment.json")
                    .header("idempotency-key", key).bytes(), null);
        }

        HttpResponse balance() {
            return balance.handle(SampleEvent.load(repo, "balance/get-balance.json").bytes(), null);
        }

        HttpResponse logs() {
            return account.handle(SampleEvent.load(repo, "account/get-logs.json").bytes(), null);
        }

        HttpResponse usage() {
            return account.handle(SampleEvent.load(repo, "account/get-usage.json").bytes(), null);
        }

        HttpResponse settings() {
            return account.handle(SampleEvent.load(repo, "account/put-settings.json").bytes(), null);
        }

        HttpResponse lowCreditCheck() {
            try {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                lowCredit.handleRequest(new ByteArrayInputStream(Files.readAllBytes(
                        repo.resolve("events/low-credit-check/scheduled.json"))), out, null);
                return new HttpResponse(200, Map.of(), out.toString(StandardCharsets.UTF_8));
            } catch (Exception e) {
                return new HttpResponse(500, Map.of(), String.valueOf(e));
            }
        }
    }
}
