package app.credits.runtime;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The base of every scheduled function (the low-credit check, the auto top-up pass, the reconciliation with
 * Stripe): the EventBridge event carries nothing a run needs beyond "now", so it is drained, not parsed; the run
 * works until the invocation's remaining time runs low; what it did is reported as one EMF line and one log line;
 * a run that could not finish its work fails the invocation, so that Lambda's error metric, the schedule's retry
 * and its on-failure destination see it; otherwise the answer is the run's summary.
 */
public abstract class ScheduledFunction implements RequestStreamHandler {

    /**
     * What one run came to: its summary (the answer), its metrics, the log line's level and fields when it
     * finished, and why it did not finish, if it did not.
     */
    public record Outcome(String summaryJson, Metrics metrics, String level, Map<String, Object> fields,
                          Optional<RuntimeException> unfinished) {
    }

    private final String function;
    private final String what;
    private final Telemetry telemetry;

    /**
     * @param function the {@code function} dimension of its metrics ({@code "low-credit-check"})
     * @param what     what a run is, in its log line ({@code "low-credit check"} finished)
     */
    protected ScheduledFunction(String function, String what, Telemetry telemetry) {
        this.function = function;
        this.what = what;
        this.telemetry = telemetry;
    }

    /** One run, which should stop when {@code remainingMillis} says the invocation's time is running out. */
    protected abstract Outcome run(LongSupplier remainingMillis);

    @Override
    public final void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        input.readAllBytes();
        Outcome outcome = run(context == null ? () -> Long.MAX_VALUE : context::getRemainingTimeInMillis);
        telemetry.emit(outcome.metrics(), Map.of("function", function));
        telemetry.log(outcome.unfinished().isPresent() ? "ERROR" : outcome.level(), what + " finished", outcome.fields());
        if (outcome.unfinished().isPresent()) {
            RuntimeException cause = outcome.unfinished().get();
            throw new IllegalStateException(what + " did not finish: " + cause.getMessage(), cause);
        }
        output.write(outcome.summaryJson().getBytes(StandardCharsets.UTF_8));
    }
}
