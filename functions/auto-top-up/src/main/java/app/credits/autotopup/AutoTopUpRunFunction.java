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
import app.credits.runtime.Telemetry;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * The EventBridge-scheduled auto top-up pass (every minute): claims one top-up per crossing, charges it, emails
 * failures, and answers its {@link PassSummary}. A decline or an unavailable Stripe does not fail the invocation
 * (they are outcomes, handled by later runs); a run the ledger stopped does, so Lambda's error metric, retry and
 * on-failure destination see it.
 */
public final class AutoTopUpRunFunction implements RequestStreamHandler {
    private final TopUpPass pass;
    private final Telemetry telemetry;

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
        this.pass = new TopUpPass(ledger.autoTopUps(), pricing, stripe, sender, config, RunLog.to(telemetry), clock);
        this.telemetry = telemetry;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        // The scheduled event carries nothing the pass needs beyond "now"; it is drained, not parsed.
        input.readAllBytes();
        TopUpPass.Run run = pass.runUntil(context == null ? () -> Long.MAX_VALUE : context::getRemainingTimeInMillis);
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
        telemetry.emit(metrics, Map.of("function", "auto-top-up-run"));
        telemetry.log(run.aborted().isPresent() ? "ERROR" : "INFO", "auto top-up pass finished",
                Map.of("summary", summary.toJson()));
        if (run.aborted().isPresent()) {
            throw new IllegalStateException("auto top-up pass did not finish: " + run.aborted().get().getMessage(),
                    run.aborted().get());
        }
        output.write(summary.toJson().getBytes(StandardCharsets.UTF_8));
    }
}
