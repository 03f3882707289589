package app.credits.lowcredit;

import app.credits.runtime.Environment;
import app.credits.runtime.Ledgers;
import app.credits.runtime.Metrics;
import app.credits.runtime.Telemetry;
import app.credits.ledger.Ledger;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;

/**
 * The EventBridge-scheduled low-credit check: expires due invites, emails the orgs that owe a low-credit email
 * through SES (one email per recipient, each with its own unsubscribe link; at most three per org a UTC day), and
 * answers {@code {"invitesExpired","emailsSent","emailsFailed","orgsChecked","orgsAtDailyCap"}}. A failed email
 * does not fail the invocation (the org stays owed and the next run retries it); a run that could not finish
 * its work (the ledger failed) does, so Lambda's error metric, retry and on-failure destination see it.
 */
public final class LowCreditCheckFunction implements RequestStreamHandler {
    private final LowCreditCheck check;
    private final Telemetry telemetry;

    /**
     * Lambda's constructor: the ledger's and SES's clients built once, at init, from the environment, and the
     * unsubscribe links' URL and secret (without which it refuses to start).
     */
    public LowCreditCheckFunction() {
        this(Environment.system());
    }

    LowCreditCheckFunction(Environment env) {
        this(Ledgers.fromEnvironment(env), new SesEmailSender(SesEmailSender.clientFromEnvironment(env)),
                NotificationConfig.fromEnvironment(env), Telemetry.fromEnvironment(env));
    }

    public LowCreditCheckFunction(Ledger ledger, EmailSender sender, NotificationConfig config, Telemetry telemetry) {
        this(ledger, sender, config, telemetry, Clock.systemUTC());
    }

    /** {@code clock} decides the UTC day of the daily cap: the ledger's clock. */
    public LowCreditCheckFunction(Ledger ledger, EmailSender sender, NotificationConfig config, Telemetry telemetry,
                                  Clock clock) {
        this.check = new LowCreditCheck(ledger, sender, config, RunLog.to(telemetry), clock);
        this.telemetry = telemetry;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        // The scheduled event carries nothing the check needs beyond "now"; it is drained, not parsed.
        input.readAllBytes();
        LowCreditCheck.Run run = check.runUntil(context == null ? () -> Long.MAX_VALUE : context::getRemainingTimeInMillis);
        CheckSummary summary = run.summary();
        Metrics metrics = new Metrics();
        metrics.add("InvitesExpired", summary.invitesExpired(), "Count");
        metrics.add("LowCreditEmailsSent", summary.emailsSent(), "Count");
        metrics.add("LowCreditEmailsFailed", summary.emailsFailed(), "Count");
        metrics.add("OrgsOwingLowCreditEmail", summary.orgsChecked(), "Count");
        metrics.add("OrgsAtLowCreditEmailCap", summary.orgsAtDailyCap(), "Count");
        telemetry.emit(metrics, Map.of("function", "low-credit-check"));
        telemetry.log(run.aborted().isPresent() ? "ERROR" : "INFO", "low-credit check finished", Map.of(
                "invitesExpired", summary.invitesExpired(), "emailsSent", summary.emailsSent(),
                "emailsFailed", summary.emailsFailed(), "orgsChecked", summary.orgsChecked(),
                "orgsAtDailyCap", summary.orgsAtDailyCap()));
        if (run.aborted().isPresent()) {
            throw new IllegalStateException("low-credit check did not finish: " + run.aborted().get().getMessage(),
                    run.aborted().get());
        }
        output.write(summary.toJson().getBytes(StandardCharsets.UTF_8));
    }
}
