package app.credits.runtime;

import app.credits.ledger.Credits;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Business metrics one invocation reports; {@link Telemetry} writes them as one CloudWatch EMF line. Names are
 * the constants below (or any other CamelCase name the function owns).
 */
public final class Metrics {
    /** Credits bought through Stripe (webhook). */
    public static final String CREDITS_PURCHASED = "CreditsPurchased";
    /** Credits a submission cost. */
    public static final String CREDITS_CHARGED = "CreditsCharged";
    /** Credits a refused submission or invite would have cost (402). */
    public static final String CREDITS_REFUSED = "CreditsRefused";
    /** Credits reserved by a new invite. */
    public static final String CREDITS_RESERVED = "CreditsReserved";
    /** Credits released by a revoked or expired invite. */
    public static final String CREDITS_RELEASED = "CreditsReleased";
    /** Credits a staff adjustment or bonus moved (signed). */
    public static final String CREDITS_ADJUSTED = "CreditsAdjusted";

    public record Value(double value, String unit) {
    }

    private final Map<String, Value> values = new LinkedHashMap<>();

    /** Adds {@code credits} to the metric (unit None: credits are not a CloudWatch unit). */
    public void add(String name, Credits credits) {
        add(name, credits.toBigDecimal().doubleValue(), "None");
    }

    public void count(String name) {
        add(name, 1, "Count");
    }

    public synchronized void add(String name, double value, String unit) {
        values.merge(name, new Value(value, unit), (a, b) -> new Value(a.value() + b.value(), a.unit()));
    }

    public synchronized Map<String, Value> values() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public synchronized boolean isEmpty() {
        return values.isEmpty();
    }
}
