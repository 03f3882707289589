package app.credits.autotopup;

import app.credits.ledger.Ledger;
import app.credits.ledger.Pricing;
import app.credits.lowcredit.EmailSender;
import app.credits.lowcredit.NotificationConfig;
import app.credits.lowcredit.RunLog;
import app.credits.lowcredit.SesEmailSender;
import app.credits.runtime.Environment;
import app.credits.runtime.Ledgers;
import app.credits.runtime.Metrics;
import app.credits.runtime.ScheduledFunction;
import app.credits.runtime.Telemetry;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The EventBridge-scheduled auto top-up pass (every minute): claims one top-up per crossing, charges it, emails
 * failures, and answers its {@link PassSummary}. A decline or an unavailable Stripe does not fail the invocation
 * (they are outcomes, handled by later runs); a run the ledger stopped does, so Lambda's error metric, retry and
 * on-failure destination see it.
 */
public final class AutoTopUpRunFunction extends ScheduledFunction {
    private final TopUpPass pass;

    /** Lambda's constructor: the ledger's, SES's and Stripe's clients built once, at init, from the environment. */
    public AutoTopUpRunFunction() {
        this(Environment.system());
    }

    AutoTopUpRunFunction(Environment env) {
        this(Ledgers.fromEnvironment(env), env.pricing(), OffSessionCharges.fromEnvironment(env),
                new SesEmailSender(SesEmailSender.clientFromEnvironment(env)), NotificationConfig.fromEnvironment(env),
                Telemetry.fromEnvironment(env), Clock.systemUTC());
    }

    public AutoTopUpRunFunction(Ledger ledger, Pricing pricing, Optional<OffSessionCharges> stripe, EmailSender sender,
                                NotificationConfig config, Telemetry telemetry, Clock clock) {
        super("auto-top-up-run", "auto top-up pass", telemetry);
        this.pass = new TopUpPass(ledger.autoTopUps(), pricing, stripe, sender, config, RunLog.to(telemetry), clock);
    }

    @Override
    protected Outcome run(LongSupplier remainingMillis) {
        TopUpPass.Run run = pass.runUntil(remainingMillis);
        PassSummary summary = run.summary();
        Metrics metrics = new Metrics();
        metrics.add("OrgsDueForTopUp", summary.orgsDue(), "Count");
        metrics.add("TopUpsCharged", summary.charged(), "Count");
        metrics.add("TopUpsSucceeded", summary.succeeded(), "Count");
        metrics.add("TopUpsDeclined", summary.declined(), "Count");
        metrics.add("TopUpsRequiringAction", summary.requiresAction(), "Count");
        metrics.add("TopUpStripeUnavailable", summary.stripeUnavailable(), "Count");
        metrics.add("TopUpEmailsSent", summary.emailsSent(), "Count");
        metrics.add("TopUpEmailsFailed", summary.emailsFailed(), "Count");
        String json = summary.toJson();
        return new Outcome(json, metrics, "INFO", Map.of("summary", json), run.aborted());
    }
}
