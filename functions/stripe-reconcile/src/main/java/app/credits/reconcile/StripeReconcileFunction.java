package app.credits.reconcile;

import app.credits.ledger.Ledger;
import app.credits.ledger.dynamo.DynamoLedgerStore;
import app.credits.runtime.DynamoClients;
import app.credits.runtime.Environment;
import app.credits.runtime.Metrics;
import app.credits.runtime.ScheduledFunction;
import app.credits.runtime.StripeClients;
import app.credits.runtime.Telemetry;
import app.credits.stripe.SaleTerms;
import app.credits.stripe.StripeEvents;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Clock;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The EventBridge-scheduled reconciliation with Stripe (hourly by default): applies the Stripe events the webhook
 * may have missed and answers its summary, {@code {"eventsSeen","applied","alreadyApplied","recovered","notApplied",
 * "complete","from","until","cursor","failure"}}. A run that could not finish its window because Stripe or DynamoDB
 * failed fails the invocation, so Lambda's error metric, retry and on-failure destination see it; the next run
 * resumes at the cursor. Recovered events (applied here first: the webhook had failed) are counted in a metric
 * with an alarm.
 */
public final class StripeReconcileFunction extends ScheduledFunction {
    /** Counted per run; template.yaml's alarms watch Recovered and NotApplied. */
    public static final String SEEN_METRIC = "StripeEventsSeen";
    public static final String APPLIED_METRIC = "StripeEventsApplied";
    public static final String ALREADY_APPLIED_METRIC = "StripeEventsAlreadyApplied";
    public static final String RECOVERED_METRIC = "StripeEventsRecovered";
    public static final String NOT_APPLIED_METRIC = "StripeEventsNotApplied";
    /** Seconds before an event is this job's to apply (the local runner sets 0 to apply at once). */
    public static final String SETTLE_SECONDS_VARIABLE = "STRIPE_RECONCILE_SETTLE_SECONDS";

    private final StripeReconciliation reconciliation;

    /** Lambda's constructor: the table from TABLE_NAME, the Stripe key from SSM (or env locally), the sale terms. */
    public StripeReconcileFunction() {
        this(Environment.system());
    }

    StripeReconcileFunction(Environment env) {
        this(DynamoClients.shared(), env.tableName(), stripeFrom(env), SaleTerms.fromEnvironment(env),
                settingsFrom(env), Clock.systemUTC(), Telemetry.fromEnvironment(env));
    }

    public StripeReconcileFunction(DynamoDbClient dynamo, String table, StripeEventList stripe, SaleTerms terms,
                                   StripeReconciliation.Settings settings, Clock clock, Telemetry telemetry) {
        super("stripe-reconcile", "stripe reconciliation", telemetry);
        Ledger ledger = new Ledger(new DynamoLedgerStore(dynamo, table), clock);
        this.reconciliation = new StripeReconciliation(stripe, new StripeEvents(ledger, terms),
                new EventCursor(dynamo, table, clock), clock, settings, telemetry);
    }

    /**
     * STRIPE_API_KEY_PARAM (SSM, in AWS) or STRIPE_API_KEY, as the checkout reads it; neither is an init error (a
     * run without a key could only fail). STRIPE_API_BASE points at a stand-in.
     */
    static StripeEventList stripeFrom(Environment env) {
        return StripeEventList.create(StripeClients.requireApiKey(env),
                env.get("STRIPE_API_BASE"), StripeEventList.READ_TIMEOUT);
    }

    static StripeReconciliation.Settings settingsFrom(Environment env) {
        StripeReconciliation.Settings settings = StripeReconciliation.Settings.DEFAULT;
        return env.get(SETTLE_SECONDS_VARIABLE)
                .map(seconds -> {
                    try {
                        return settings.withSettle(Duration.ofSeconds(Long.parseUnsignedLong(seconds)));
                    } catch (NumberFormatException e) {
                        throw new IllegalStateException(SETTLE_SECONDS_VARIABLE + " must be a whole number of seconds, not " + seconds);
                    }
                })
                .orElse(settings);
    }

    @Override
    protected Outcome run(LongSupplier remainingMillis) {
        ReconcileSummary summary = reconciliation.run(remainingMillis);
        Metrics metrics = new Metrics();
        metrics.add(SEEN_METRIC, summary.seen(), "Count");
        metrics.add(APPLIED_METRIC, summary.applied(), "Count");
        metrics.add(ALREADY_APPLIED_METRIC, summary.alreadyApplied(), "Count");
        metrics.add(RECOVERED_METRIC, summary.recovered(), "Count");
        metrics.add(NOT_APPLIED_METRIC, summary.notApplied(), "Count");
        // Anything recovered means webhooks are failing: a WARN, beside its alarm.
        return new Outcome(summary.toJson(), metrics, summary.recovered() > 0 ? "WARN" : "INFO", summary.fields(),
                summary.failure().map(IllegalStateException::new));
    }
}
