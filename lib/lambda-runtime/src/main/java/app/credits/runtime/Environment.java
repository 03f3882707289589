package app.credits.runtime;

import app.credits.ledger.Money;
import app.credits.ledger.Pricing;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * A function's configuration: the process environment in Lambda, a plain map in tests. Bad configuration fails
 * at init (a cold start that cannot serve should fail loudly, not answer 500 forever).
 */
public final class Environment {
    private final Map<String, String> values;

    private Environment(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    /**
     * The process environment, then Java system properties of the same names: the local runner hosts every
     * function in one JVM, which cannot change its own environment, so it hands them their configuration that way.
     */
    public static Environment system() {
        Map<String, String> values = new java.util.HashMap<>();
        System.getProperties().forEach((name, value) -> values.put(String.valueOf(name), String.valueOf(value)));
        values.putAll(System.getenv());
        return new Environment(values);
    }

    public static Environment of(Map<String, String> values) {
        return new Environment(values);
    }

    /** The value if set and not blank. */
    public Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name)).map(String::trim).filter(v -> !v.isEmpty());
    }

    public String get(String name, String byDefault) {
        return get(name).orElse(byDefault);
    }

    public String require(String name) {
        return get(name).orElseThrow(() -> new IllegalStateException("environment variable " + name + " is not set"));
    }

    /** TABLE_NAME, default {@code credits}. */
    public String tableName() {
        return get("TABLE_NAME", "credits");
    }

    /** AWS_REGION, default {@code us-east-1}. */
    public String region() {
        return get("AWS_REGION").or(() -> get("AWS_DEFAULT_REGION")).orElse("us-east-1");
    }

    /** DYNAMODB_ENDPOINT: set only when running against a local stand-in. */
    public Optional<URI> dynamoEndpoint() {
        return get("DYNAMODB_ENDPOINT").map(URI::create);
    }

    /** Whether static AWS credentials are in the environment (always true inside Lambda). */
    public boolean hasAwsCredentials() {
        return get("AWS_ACCESS_KEY_ID").isPresent() && get("AWS_SECRET_ACCESS_KEY").isPresent();
    }

    /** LIST_UNIT_PRICE_AMOUNT (2900), LIST_UNIT_PRICE_CURRENCY (usd), PRICING_TIERS ({@link Pricing#DEFAULT_TIERS}). */
    public Pricing pricing() {
        try {
            long amount = Long.parseLong(get("LIST_UNIT_PRICE_AMOUNT", "2900"));
            Money list = Money.of(amount, get("LIST_UNIT_PRICE_CURRENCY", "usd"));
            return new Pricing(list, Pricing.parseTiers(get("PRICING_TIERS", Pricing.DEFAULT_TIERS)));
        } catch (RuntimeException e) {
            throw new IllegalStateException("bad pricing configuration (LIST_UNIT_PRICE_AMOUNT, "
                    + "LIST_UNIT_PRICE_CURRENCY, PRICING_TIERS): " + e.getMessage(), e);
        }
    }
}
