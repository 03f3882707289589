package app.credits.local;

import app.credits.testkit.s3.S3StandIn;
import app.credits.testkit.stripe.StripeStandIn;
import app.credits.testkit.template.SamTemplate;
import app.credits.emulator.DynamoDbEmulator;
import app.credits.emulator.EmulatorOptions;
import app.credits.runtime.DynamoClients;
import app.credits.runtime.Environment;
import app.credits.runtime.Telemetry;
import app.credits.runtime.UnsubscribeTokens;
import app.credits.ledger.Ledger;
import app.credits.ledger.dynamo.CreditsTable;
import app.credits.ledger.dynamo.DynamoLedgerStore;
import app.credits.autotopup.AutoTopUpRunFunction;
import app.credits.autotopup.OffSessionCharges;
import app.credits.lowcredit.EmailSender;
import app.credits.lowcredit.LowCreditCheckFunction;
import app.credits.lowcredit.NotificationConfig;
import app.credits.lowcredit.SesEmailSender;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.sun.net.httpserver.HttpServer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * {@code java -jar local/target/credits-local.jar}: the whole product on one machine. Starts the DynamoDB emulator
 * (file-backed under {@code CREDITS_DATA_DIR}), creates the table if missing, hosts every function that
 * template.yaml declares behind a local API Gateway on 127.0.0.1:{@code PORT}, and runs the scheduled low-credit
 * check every minute. Ctrl-C stops everything cleanly; a {@code kill -9} loses nothing that was acknowledged.
 */
public final class LocalRunner implements AutoCloseable {
    public static final String DEMO_ORG = "org_demo";
    public static final String DEMO_ADMIN = "user_admin_demo";
    static final String LOW_CREDIT_CLASS = "app.credits.lowcredit.LowCreditCheckFunction";
    static final String STRIPE_RECONCILE_CLASS = "app.credits.reconcile.StripeReconcileFunction";
    static final String AUTO_TOP_UP_CLASS = "app.credits.autotopup.AutoTopUpRunFunction";
    /** Where the functions' own JSON log lines go (their stdout in Lambda), so the console keeps one line per request. */
    static final String FUNCTIONS_LOG = "functions.log";

    /** Startup could not complete: one readable line, exit code 1. */
    public static final class StartupFailure extends RuntimeException {
        public StartupFailure(String message) {
            super(message, null, false, false);
        }
    }

    private final LocalConfig config;
    private final PrintStream console;
    private final ReentrantLock checkLock = new ReentrantLock();
    private HttpServer httpServer;
    private LocalServer server;
    private DynamoDbEmulator emulator;
    private S3StandIn s3;
    private ScheduledExecutorService scheduler;
    private ExecutorService executor;
    private FunctionHost functions;
    private SamTemplate template;
    private Jwt jwt;
    private BillingPage billingPage;
    private Path functionsLog;
    private PrintStream functionsOut;
    private String emailsGoTo;
    private volatile boolean closed;

    private LocalRunner(LocalConfig config, PrintStream console) {
        this.config = config;
        this.console = console;
    }

    public static void main(String[] args) {
        PrintStream console = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        LocalRunner runner;
        try {
            LocalConfig config = LocalConfig.from(args, System.getenv(), Path.of("").toAbsolutePath());
            runner = new LocalRunner(config, console);
            runner.start();
        } catch (LocalConfig.HelpRequested help) {
            console.println(help.getMessage());
            System.exit(0);
            return;
        } catch (LocalConfig.BadConfiguration e) {
            System.err.println("credits-local: " + e.getMessage());
            System.exit(2);
            return;
        } catch (StartupFailure e) {
            System.err.println("credits-local: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            runner.close();
            console.println("credits-local stopped (data flushed, ports and data dir released)");
        }, "credits-local-shutdown"));
        runner.printBanner(startupMillis());
    }

    /** Starts everything; on any failure, releases what was already taken and throws {@link StartupFailure}. */
    public void start() {
        try {
            startOrThrow();
        } catch (StartupFailure e) {
            close();
            throw e;
        } catch (RuntimeException e) {
            close();
            throw new StartupFailure("could not start: " + e);
        }
    }

    private void startOrThrow() {
        try {
            template = SamTemplate.read(config.template());
        } catch (RuntimeException e) {
            throw new StartupFailure("cannot read " + config.template() + ": " + e.getMessage());
        }
        // The HTTP port first: a second runner should fail on it before touching the data dir.
        try {
            httpServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), config.port()), 1024);
        } catch (BindException e) {
            throw new StartupFailure("port " + config.port() + " on 127.0.0.1 is in use (another credits-local?):"
                    + " stop it, or set PORT to a free port");
        } catch (IOException e) {
            throw new StartupFailure("cannot listen on 127.0.0.1:" + config.port() + ": " + e.getMessage());
        }
        Path logDir = prepareDataDir();
        try {
            emulator = DynamoDbEmulator.start(new EmulatorOptions(config.dynamoPort(), config.dataDir(),
                    config.dynamoContention()));
        } catch (UncheckedIOException e) {
            String message = e.getMessage();
            if (message.contains("cannot listen")) {
                message = "DYNAMODB_PORT " + config.dynamoPort() + " on 127.0.0.1 is in use (another credits-local or"
                        + " DynamoDB?): stop it, or set DYNAMODB_PORT to a free port";
            }
            throw new StartupFailure(message);
        }

        Map<String, String> env = functionEnvironment();
        // Lambda hands configuration to a no-arg constructor through the environment; a JVM cannot change its own,
        // so the lambda runtime's Environment falls back to system properties (the real environment still wins).
        env.forEach((name, value) -> {
            if (System.getenv(name) == null) {
                System.setProperty(name, value);
            }
        });
        warnAboutShadowingVariables(env);

        functionsLog = logDir.resolve(FUNCTIONS_LOG);
        if (config.inMemory()) {
            functionsLog.toFile().deleteOnExit(); // before its directory: deletions run in reverse order
        }
        try {
            functionsOut = new PrintStream(new FileOutputStream(functionsLog.toFile(), true), true, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StartupFailure("cannot write " + functionsLog + ": " + e.getMessage());
        }
        System.setOut(functionsOut);

        DynamoDbClient dynamo = DynamoClients.fromEnvironment(Environment.of(env));
        try {
            CreditsTable.createIfMissing(dynamo, config.tableName());
        } catch (RuntimeException e) {
            throw new StartupFailure("cannot create the table " + config.tableName() + " in the emulator: " + e);
        }
        Clock clock = Clock.systemUTC();
        Ledger ledger = new Ledger(new DynamoLedgerStore(dynamo, config.tableName()), clock);

        EmailSender sender;
        LocalExtras.Mailbox mailbox;
        if (config.sesEndpoint().isPresent()) {
            sender = new SesEmailSender(SesEmailSender.clientFromEnvironment(Environment.of(env)));
            mailbox = LocalExtras.sesStore(URI.create(config.sesEndpoint().get()));
            emailsGoTo = "the SES emulator at " + config.sesEndpoint().get();
        } else {
            Outbox outbox = config.inMemory() ? Outbox.inMemory(clock) : Outbox.inDirectory(config.dataDir(), clock);
            sender = outbox;
            mailbox = () -> outbox.emails();
            emailsGoTo = outbox.describe();
        }
        // The functions that send email are not built through their no-arg constructors: those would send through
        // SES only, and locally the emails go to the outbox (or the SES emulator) chosen above. Same classes, same
        // code paths otherwise (the auto top-up pass charges through the Stripe the other functions use).
        Environment functionEnv = Environment.of(env);
        Map<String, Supplier<RequestStreamHandler>> special = Map.of(
                LOW_CREDIT_CLASS, () -> new LowCreditCheckFunction(ledger, sender,
                        NotificationConfig.fromEnvironment(functionEnv),
                        Telemetry.fromEnvironment(functionEnv).withSink(functionsOut::println)),
                AUTO_TOP_UP_CLASS, () -> new AutoTopUpRunFunction(ledger, functionEnv.pricing(),
                        OffSessionCharges.fromEnvironment(functionEnv), sender, NotificationConfig.fromEnvironment(functionEnv),
                        Telemetry.fromEnvironment(functionEnv).withSink(functionsOut::println), clock));

        executor = Executors.newVirtualThreadPerTaskExecutor();
        functions = new FunctionHost(template, special, executor, functionsOut, System.err);
        jwt = new Jwt(config.jwtSecret(), LocalConfig.TOKEN_ISSUER, LocalConfig.TOKEN_AUDIENCE, clock);
        // The test kit's Stripe stand-in, served under /_local/stripe; its webhooks go to our own webhook route.
        StripeStandIn stripe = StripeStandIn.embedded(clock, url() + LocalExtras.STRIPE_API_PREFIX,
                url() + LocalExtras.CHECKOUT_PAGE_PREFIX);
        stripe.webhooks().endpoint(URI.create(url() + webhookPath()), config.webhookSecret());
        Map<String, LocalExtras.ScheduledCheck> runs = new LinkedHashMap<>();
        Map.of("low-credit-check", LOW_CREDIT_CLASS, "stripe-reconcile", STRIPE_RECONCILE_CLASS,
                "auto-top-up", AUTO_TOP_UP_CLASS).forEach((name, handlerClass) ->
                runs.put(name, () -> runScheduled(scheduled(handlerClass))));
        LocalExtras extras = new LocalExtras(jwt, runs, mailbox, Environment.of(env), stripe, URI.create(url()));
        // The test kit's S3 stand-in, where the account function writes a long log's CSV and its links download from.
        s3 = S3StandIn.embedded(clock, URI.create(url() + LocalS3.PREFIX), S3StandIn.ACCESS_KEY_ID,
                S3StandIn.SECRET_ACCESS_KEY).createBucket(LocalS3.BUCKET);
        // The Billing page, its sign-in and the fault switch: new routes beside the contract's /_local extras.
        billingPage = new BillingPage(url());
        LocalServer.Extras routes = new LocalRoutes(billingPage, new LocalOidc(config.jwtSecret(), jwt, url(), clock),
                new LocalFaults(emulator::setFaultInjector), new LocalS3(s3),
                new LocalSeedLog(ledger, dynamo, config.tableName(), clock), extras);
        server = new LocalServer(httpServer, new Router(template), template.cors(), functions, jwt, routes, clock, console,
                executor);
        server.start();

        if (config.schedule() && template.functions().stream().anyMatch(SamTemplate.Function::scheduled)) {
            scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "credits-local-schedule");
                t.setDaemon(true);
                return t;
            });
            scheduler.scheduleAtFixedRate(this::scheduledRun, 60, 60, TimeUnit.SECONDS);
        }
    }

    /** What the functions read from "the environment": the contract's local defaults, the real environment on top. */
    private Map<String, String> functionEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("TABLE_NAME", config.tableName());
        env.put("AWS_REGION", config.region());
        env.put("STRIPE_WEBHOOK_SECRET", config.webhookSecret());
        // The low-credit emails' unsubscribe links point at this runner and are signed with the public local secret.
        env.put("UNSUBSCRIBE_SECRET", UnsubscribeTokens.LOCAL_SECRET);
        env.put("UNSUBSCRIBE_URL", url() + "/unsubscribe");
        env.put("POWERTOOLS_METRICS_NAMESPACE", "Credits");
        config.sesEndpoint().ifPresent(ses -> env.put("SES_ENDPOINT", ses));
        if (config.env("BILLING_PAGE_URL").isEmpty()) {
            // The low-credit emails link to the Billing page this runner serves, as they do to CloudFront's in AWS.
            env.put("BILLING_PAGE_URL", url() + BillingPage.PATH + "?org={orgId}");
        }
        if (config.env("STRIPE_RECONCILE_SETTLE_SECONDS").isEmpty()) {
            // Nothing is in flight locally: a run applies every event at once (deployed, the last 5 minutes wait).
            env.put("STRIPE_RECONCILE_SETTLE_SECONDS", "0");
        }
        if (config.env("EXPORTS_BUCKET").isEmpty()) {
            // The CSV of a long log goes to the S3 stand-in the runner serves (its 303 links download from here).
            env.put("EXPORTS_BUCKET", LocalS3.BUCKET);
            env.put("S3_ENDPOINT", url() + LocalS3.PREFIX);
        }
        if (config.env("STRIPE_API_KEY").isEmpty() && config.env("STRIPE_API_KEY_PARAM").isEmpty()) {
            // No Stripe account configured: the functions talk to the Stripe stand-in the runner serves.
            env.put("STRIPE_API_KEY", LocalExtras.LOCAL_STRIPE_API_KEY);
            env.put("STRIPE_API_BASE", url() + LocalExtras.STRIPE_API_PREFIX);
        }
        Map<String, String> merged = new HashMap<>(config.environment());
        merged.putAll(env);
        // The embedded emulator, whatever the shell says: the runner's own ledger must be the functions' ledger.
        merged.put("DYNAMODB_ENDPOINT", "http://127.0.0.1:" + emulator.port());
        return merged;
    }

    private void warnAboutShadowingVariables(Map<String, String> env) {
        String endpoint = System.getenv("DYNAMODB_ENDPOINT");
        if (endpoint != null && !endpoint.isBlank() && !endpoint.trim().equals(env.get("DYNAMODB_ENDPOINT"))) {
            console.println("warning: DYNAMODB_ENDPOINT=" + endpoint + " is set in your shell and the functions read"
                    + " the real environment first: unset it, or they will not use the embedded emulator");
        }
        for (String param : new String[] {"STRIPE_WEBHOOK_SECRET_PARAM", "STRIPE_API_KEY_PARAM", "UNSUBSCRIBE_SECRET_PARAM"}) {
            if (System.getenv(param) != null) {
                console.println("warning: " + param + " is set: the functions will try to read it from AWS SSM;"
                        + " locally, unset it and use " + param.replace("_PARAM", "") + " instead");
            }
        }
    }

    /** Creates the data dir (or a temp dir for the functions' log with --in-memory) and checks it is writable. */
    private Path prepareDataDir() {
        if (config.inMemory()) {
            try {
                Path temp = Files.createTempDirectory("credits-local-");
                temp.toFile().deleteOnExit();
                return temp;
            } catch (IOException e) {
                throw new StartupFailure("cannot create a temporary directory: " + e.getMessage());
            }
        }
        Path dir = config.dataDir();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StartupFailure("data dir " + dir + " cannot be created (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + "): set CREDITS_DATA_DIR to a writable directory");
        }
        if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw new StartupFailure("data dir " + dir + " is not a writable directory: set CREDITS_DATA_DIR to one");
        }
        return dir;
    }

    /**
     * The low-credit check and the auto top-up pass, one after the other, every minute (each says what it did, if
     * anything); the reconciliation with Stripe runs on demand only.
     */
    private void scheduledRun() {
        for (String handlerClass : List.of(LOW_CREDIT_CLASS, AUTO_TOP_UP_CLASS)) {
            try {
                SamTemplate.Function function = scheduled(handlerClass);
                String summary = new String(runScheduled(function), StandardCharsets.UTF_8);
                if (summary.matches(".*:[1-9].*")) {
                    console.println("scheduled " + function.logicalId() + ": " + summary);
                }
            } catch (Exception e) {
                console.println("scheduled " + handlerClass + " failed: " + e);
            }
        }
    }

    private SamTemplate.Function scheduled(String handlerClass) {
        return template.functions().stream().filter(f -> f.scheduled() && f.handlerClass().equals(handlerClass))
                .findFirst().orElseThrow(() -> new IllegalStateException("template.yaml schedules no " + handlerClass));
    }

    /** One run of a scheduled function with an EventBridge event; scheduled runs never overlap. */
    private byte[] runScheduled(SamTemplate.Function function) throws Exception {
        checkLock.lock();
        try {
            byte[] event = ApiGatewayEvents.scheduledEvent(function.logicalId(), config.region(), Instant.now());
            return functions.invoke(function, event, function.timeoutSeconds() * 1000L);
        } finally {
            checkLock.unlock();
        }
    }

    public String url() {
        return "http://127.0.0.1:" + httpServer.getAddress().getPort();
    }

    private String webhookPath() {
        return template.httpFunctions().stream().flatMap(f -> f.routes().stream())
                .filter(r -> !r.jwt() && r.method().equals("POST") && r.path().contains("stripe"))
                .map(SamTemplate.HttpRoute::path).findFirst().orElse("/webhooks/stripe");
    }

    private void printBanner(long startupMillis) {
        String token = jwt.mint(Map.of("sub", DEMO_ADMIN, "org_id", DEMO_ORG, "role", "admin",
                "email", "admin@demo.example"), Duration.ofHours(24));
        String url = url();
        String dynamo = emulator.endpoint().toString();
        StringBuilder b = new StringBuilder();
        b.append("\ncredits-local is up in ").append(startupMillis).append(" ms. The Billing page: ").append(url)
                .append(BillingPage.PATH).append(billingPage.isBuilt() ? "" : " (not built: run web/build, then rebuild)")
                .append('\n');
        b.append("  API         ").append(url).append('\n');
        b.append("  routes      ").append(LocalServer.routeKeys(new Router(template)).size())
                .append(" from ").append(config.template())
                .append(" + /_local/{token,emails,simulate-purchase,run/low-credit-check,run/stripe-reconcile,"
                        + "run/auto-top-up,faults,oidc,s3,seed-log}\n");
        b.append("  data        ").append(config.inMemory() ? "in memory (--in-memory): gone when this process ends"
                : config.dataDir() + " (survives restarts and kill -9)").append('\n');
        b.append("  DynamoDB    ").append(dynamo).append("  table ").append(config.tableName()).append('\n');
        b.append("              AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_REGION=").append(config.region())
                .append(" aws dynamodb scan --endpoint-url ").append(dynamo).append(" --table-name ")
                .append(config.tableName()).append('\n');
        b.append("  emails      ").append(emailsGoTo).append("  (GET ").append(url).append("/_local/emails)\n");
        b.append("  schedule    low-credit check and auto top-up ").append(scheduler != null ? "every minute" : "off (--no-schedule)")
                .append("; now: curl -X POST ").append(url).append("/_local/run/low-credit-check (or run/auto-top-up)\n");
        b.append("  Stripe      webhook secret ").append(config.webhookSecret()).append('\n');
        b.append("              reconcile with Stripe now: curl -X POST ").append(url).append("/_local/run/stripe-reconcile\n");
        b.append("              stripe listen --forward-to localhost:").append(httpServer.getAddress().getPort())
                .append(webhookPath()).append("  (then restart with STRIPE_WEBHOOK_SECRET=<the whsec_ it prints>)\n");
        b.append("              checkout via ").append(config.env("STRIPE_API_KEY").isPresent()
                ? "Stripe with STRIPE_API_KEY" + config.env("STRIPE_API_BASE").map(base -> " at " + base).orElse("")
                : "the Stripe stand-in at " + url() + LocalExtras.STRIPE_API_PREFIX + " (pay at " + url()
                        + LocalExtras.CHECKOUT_PAGE_PREFIX + "<session>)").append('\n');
        b.append("  functions'  logs in ").append(functionsLog).append('\n');
        b.append("\nAdmin token for ").append(DEMO_ORG).append(" (sub ").append(DEMO_ADMIN).append(", 24 h):\n");
        b.append("  export TOKEN=").append(token).append("\n\n");
        b.append("Try:\n");
        b.append("  curl -s -X POST ").append(url).append("/_local/simulate-purchase -d '{\"orgId\":\"").append(DEMO_ORG)
                .append("\",\"credits\":10,\"email\":\"billing@demo.example\"}'\n");
        b.append("  curl -s -H \"Authorization: Bearer $TOKEN\" ").append(url).append("/orgs/").append(DEMO_ORG).append("/balance\n");
        b.append("  curl -s -X POST -H \"Authorization: Bearer $TOKEN\" ").append(url).append("/orgs/").append(DEMO_ORG)
                .append("/submissions -d '{\"submissionId\":\"sub_1\",\"memberId\":\"").append(DEMO_ADMIN).append("\"}'\n");
        b.append("  curl -s -H \"Authorization: Bearer $TOKEN\" ").append(url).append("/orgs/").append(DEMO_ORG).append("/logs\n");
        b.append("  curl -s -X POST ").append(url).append("/_local/token -d '{\"sub\":\"user_1\",\"org_id\":\"")
                .append(DEMO_ORG).append("\",\"role\":\"member\"}'\n");
        b.append("\nCtrl-C stops it. One line per request follows.\n");
        console.print(b);
        console.flush();
    }

    /**
     * Milliseconds since the JVM was launched. bin/credits-local passes the launch time: it execs java in its own
     * process, whose start time would otherwise include the build that came before.
     */
    static long startupMillis() {
        String launchedAt = System.getProperty("credits.launchedAtMillis");
        if (launchedAt != null && launchedAt.matches("[0-9]{1,15}")) {
            return System.currentTimeMillis() - Long.parseLong(launchedAt);
        }
        return ProcessHandle.current().info().startInstant()
                .map(started -> Duration.between(started, Instant.now()).toMillis()).orElse(-1L);
    }

    /** Stops HTTP, then the schedule, then the emulator (journal flushed, data-dir lock released). Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (server != null) {
            server.stop();
        } else if (httpServer != null) {
            httpServer.stop(0);
        }
        if (scheduler != null) {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        boolean locked = false;
        try {
            // A running check finishes its writes before the emulator goes away (bounded: Ctrl-C must not hang).
            locked = checkLock.tryLock(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (emulator != null) {
                emulator.close();
            }
        } finally {
            if (locked) {
                checkLock.unlock();
            }
        }
        if (executor != null) {
            executor.shutdownNow();
        }
        if (s3 != null) {
            s3.close(); // its exports are throwaway: a temporary directory, deleted
        }
        if (functionsOut != null) {
            functionsOut.flush();
        }
    }
}
