package app.credits.lowcredit;

import app.credits.runtime.Environment;
import app.credits.runtime.Ledgers;
import app.credits.runtime.Metrics;
import app.credits.runtime.ScheduledFunction;
import app.credits.runtime.Telemetry;
import app.credits.ledger.Ledger;

import java.time.Clock;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The EventBridge-scheduled low-credit check: expires due invites, emails the orgs that owe a low-credit email
 * through SES (one email per recipient, each with its own unsubscribe link; at most three per org a UTC day), and
 * answers {@code {"invitesExpired","emailsSent","emailsFailed","orgsChecked","orgsAtDailyCap"}}. A failed email
 * does not fail the invocation (the org stays owed and the next run retries it); a run that could not finish
 * its work (the ledger failed) does, so Lambda's error metric, retry and on-failure destination see it.
 */
public final class LowCreditCheckFunction extends ScheduledFunction {
    private final LowCreditCheck check;

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
        super("low-credit-check", "low-credit check", telemetry);
        this.check = new LowCreditCheck(ledger, sender, config, RunLog.to(telemetry), clock);
    }

    @Override
    protected Outcome run(LongSupplier remainingMillis) {
        LowCreditCheck.Run run = check.runUntil(remainingMillis);
        CheckSummary summary = run.summary();
        Metrics metrics = new Metrics();
        metrics.add("InvitesExpired", summary.invitesExpired(), "Count");
        metrics.add("LowCreditEmailsSent", summary.emailsSent(), "Count");
        metrics.add("LowCreditEmailsFailed", summary.emailsFailed(), "Count");
        metrics.add("OrgsOwingLowCreditEmail", summary.orgsChecked(), "Count");
        metrics.add("OrgsAtLowCreditEmailCap", summary.orgsAtDailyCap(), "Count");
        return new Outcome(summary.toJson(), metrics, "INFO", Map.of(
                "invitesExpired", summary.invitesExpired(), "emailsSent", summary.emailsSent(),
                "emailsFailed", summary.emailsFailed(), "orgsChecked", summary.orgsChecked(),
                "orgsAtDailyCap", summary.orgsAtDailyCap()), run.aborted());
    }
}
