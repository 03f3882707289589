package app.credits.ledger;

import java.util.function.Function;

/** What an operation decided from what it read: an answer that writes nothing, or one atomic write. */
public sealed interface Decision<T> {

    record Answer<T>(T outcome) implements Decision<T> {
    }

    /**
     * @param whenRecordTaken the idempotency id was used meanwhile by another request: answer from its record
     */
    record Write<T>(Changes changes, T whenCommitted, Function<IdempotencyRecord, T> whenRecordTaken)
            implements Decision<T> {
    }

    static <T> Decision<T> answer(T outcome) {
        return new Answer<>(outcome);
    }

    /** A write without an idempotency record (its item's own version or existence makes it idempotent). */
    static <T> Decision<T> write(Changes changes, T whenCommitted) {
        if (changes.record().isPresent()) {
            throw new IllegalArgumentException("a write with an idempotency record says how to answer when it is taken");
        }
        return new Write<>(changes, whenCommitted, taken -> {
            throw new IllegalStateException("a write without an idempotency record reported its record taken");
        });
    }
}
