package app.credits.emulator;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the emulator behaves when requests overlap. {@link #off()}, the default: every request is executed alone
 * under one lock and answered at once, so transactions never conflict. Enabled: every request takes a DynamoDB-like
 * latency ({@code baseLatency} plus a uniformly random part of {@code jitter}; two such draws for
 * TransactWriteItems and TransactGetItems, which DynamoDB runs in two phases), and a TransactWriteItems holds its
 * items from its arrival until it commits at the end of its latency. Meanwhile another TransactWriteItems or a
 * TransactGetItems on a held item is cancelled with reason {@code TransactionConflict}, and a PutItem, UpdateItem,
 * DeleteItem or BatchWriteItem on one fails with {@code TransactionConflictException}; reads see the last committed
 * state. See the module README for what this models and what it does not.
 *
 * @param enabled     whether requests take latency and transactions hold their items
 * @param baseLatency the least time a request takes
 * @param jitter      the most a request takes beyond {@code baseLatency} (uniformly random in [0, jitter])
 */
public record Contention(boolean enabled, Duration baseLatency, Duration jitter) {
    private static final Contention OFF = new Contention(false, Duration.ZERO, Duration.ZERO);
    private static final Pattern LATENCY = Pattern.compile("(\\d+)ms(?:\\+(\\d+)ms)?");

    public Contention {
        Objects.requireNonNull(baseLatency, "baseLatency");
        Objects.requireNonNull(jitter, "jitter");
        if (baseLatency.isNegative() || jitter.isNegative()) throw new IllegalArgumentException("latency must not be negative");
        if (!enabled && !(baseLatency.isZero() && jitter.isZero())) throw new IllegalArgumentException("latency needs contention enabled");
    }

    /** No latency, no conflicts: each request runs alone (the default). */
    public static Contention off() {
        return OFF;
    }

    /** Conflicts, with each request taking {@code baseLatency} plus up to {@code jitter}. */
    public static Contention of(Duration baseLatency, Duration jitter) {
        return new Contention(true, baseLatency, jitter);
    }

    /** DynamoDB-like: 3 to 8 ms per request (6 to 16 ms for a transaction), and conflicts. */
    public static Contention dynamoDbLike() {
        return of(Duration.ofMillis(3), Duration.ofMillis(5));
    }

    /**
     * Reads the command line / environment form: {@code off}, {@code dynamodb} ({@link #dynamoDbLike()}), or
     * {@code <base>ms[+<jitter>ms]} such as {@code 5ms+3ms} or {@code 0ms}.
     *
     * @throws IllegalArgumentException for anything else
     */
    public static Contention parse(String text) {
        String t = text.trim();
        if (t.equals("off")) return off();
        if (t.equals("dynamodb")) return dynamoDbLike();
        Matcher m = LATENCY.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("contention must be off, dynamodb or <base>ms[+<jitter>ms] (e.g. 5ms+3ms), not: " + text);
        }
        return of(Duration.ofMillis(Long.parseLong(m.group(1))), Duration.ofMillis(m.group(2) == null ? 0 : Long.parseLong(m.group(2))));
    }

    @Override
    public String toString() {
        return enabled ? baseLatency.toMillis() + "ms+" + jitter.toMillis() + "ms" : "off";
    }
}
