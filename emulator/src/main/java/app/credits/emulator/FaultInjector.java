package app.credits.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Decides, for every request, whether the emulator behaves normally or simulates a failure. Called with the
 * operation name (e.g. "TransactWriteItems") and the parsed request body (do not modify it), possibly from many
 * threads at once.
 */
@FunctionalInterface
public interface FaultInjector {

    Outcome onRequest(String operation, JsonNode request);

    /** What to do with one request. */
    sealed interface Outcome permits Proceed, FailBefore, TransactionConflict, FailAfterCommit, Delay {}

    /** Execute normally. */
    record Proceed() implements Outcome {}

    /**
     * Answer an AWS error without executing, e.g. ("ProvisionedThroughputExceededException", 400),
     * ("ThrottlingException", 400), ("InternalServerError", 500), ("ServiceUnavailable", 503).
     */
    record FailBefore(String errorType, int httpStatus, String message) implements Outcome {
        public FailBefore {
            Objects.requireNonNull(errorType, "errorType");
        }
    }

    /**
     * Do not execute; for TransactWriteItems/TransactGetItems answer TransactionCanceledException whose reason for
     * every item is TransactionConflict; for single-item operations answer TransactionConflictException.
     */
    record TransactionConflict() implements Outcome {}

    /** Execute and commit, then answer this error instead of the result (the write happened; the client sees a failure). */
    record FailAfterCommit(String errorType, int httpStatus) implements Outcome {
        public FailAfterCommit {
            Objects.requireNonNull(errorType, "errorType");
        }
    }

    /** Sleep (outside the emulator's lock), then execute normally. */
    record Delay(Duration duration) implements Outcome {
        public Delay {
            Objects.requireNonNull(duration, "duration");
        }
    }

    static Outcome proceed() {
        return new Proceed();
    }

    static Outcome failBefore(String errorType, int httpStatus, String message) {
        return new FailBefore(errorType, httpStatus, message);
    }

    static Outcome transactionConflict() {
        return new TransactionConflict();
    }

    static Outcome failAfterCommit(String errorType, int httpStatus) {
        return new FailAfterCommit(errorType, httpStatus);
    }

    static Outcome delay(Duration duration) {
        return new Delay(duration);
    }

    /** An injector that applies {@code outcome} to the first request of {@code operation}, then proceeds. */
    static FaultInjector once(String operation, Outcome outcome) {
        AtomicBoolean used = new AtomicBoolean();
        return (op, req) -> op.equals(operation) && used.compareAndSet(false, true) ? outcome : proceed();
    }
}
