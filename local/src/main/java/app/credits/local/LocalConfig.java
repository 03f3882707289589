package app.credits.local;

import app.credits.emulator.Contention;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the runner is told, from the environment and the command line; defaults are the contract's
 * ("The local runner" in docs/api.md), so that a bare {@code bin/credits-local} serves the documented URLs.
 *
 * @param dataDir null with {@code --in-memory}: nothing survives the process
 */
public record LocalConfig(
        int port,
        int dynamoPort,
        Path dataDir,
        String tableName,
        String region,
        String jwtSecret,
        String webhookSecret,
        Optional<String> sesEndpoint,
        Path template,
        boolean schedule,
        Contention dynamoContention,
        Map<String, String> environment) {

    public static final String DEFAULT_JWT_SECRET = "credits-local-jwt-secret";
    public static final String DEFAULT_WEBHOOK_SECRET = "whsec_credits_local";
    public static final String TOKEN_ISSUER = "credits-local";
    public static final String TOKEN_AUDIENCE = "credits-local";

    public static final String USAGE = """
            usage: credits-local [--in-memory] [--no-schedule] [--help]
              --in-memory    keep the ledger in memory only (a throwaway run; CREDITS_DATA_DIR is not used)
              --no-schedule  do not run the low-credit check every minute (POST /_local/run/low-credit-check still works)
            configuration (environment): PORT (3000), DYNAMODB_PORT (8000), CREDITS_DATA_DIR (.credits-local),
              TABLE_NAME (credits), LOCAL_JWT_SECRET, STRIPE_WEBHOOK_SECRET, SES_ENDPOINT, CREDITS_TEMPLATE (./template.yaml),
              AWS_REGION (us-east-1), EMAIL_FROM, BILLING_PAGE_URL, LIST_UNIT_PRICE_AMOUNT, LIST_UNIT_PRICE_CURRENCY, PRICING_TIERS,
              STRIPE_API_KEY, STRIPE_API_BASE, DYNAMODB_CONTENTION (off | dynamodb | 5ms+3ms) (see docs/local-runner.md)""";

    /** A request the person made wrong: one line on stderr and exit 2. */
    public static final class BadConfiguration extends RuntimeException {
        public BadConfiguration(String message) {
            super(message);
        }
    }

    /** Help was asked for: print {@link #USAGE} and exit 0. */
    public static final class HelpRequested extends RuntimeException {
        public HelpRequested() {
            super(USAGE, null, false, false);
        }
    }

    public static LocalConfig from(String[] args, Map<String, String> env, Path workingDir) {
        boolean inMemory = false;
        boolean schedule = true;
        for (String arg : args) {
            switch (arg) {
                case "--in-memory" -> inMemory = true;
                case "--no-schedule" -> schedule = false;
                case "--help", "-h" -> throw new HelpRequested();
                default -> throw new BadConfiguration("unknown argument " + arg + " (try --help)");
            }
        }
        int port = port(env, "PORT", 3000);
        int dynamoPort = port(env, "DYNAMODB_PORT", 8000);
        if (port == dynamoPort && port != 0) {
            throw new BadConfiguration("PORT and DYNAMODB_PORT are both " + port + ": they need two different ports");
        }
        Path dataDir = inMemory ? null : workingDir.resolve(value(env, "CREDITS_DATA_DIR").orElse(".credits-local")).normalize();
        Path template = workingDir.resolve(value(env, "CREDITS_TEMPLATE").orElse("template.yaml")).normalize();
        if (!Files.isRegularFile(template)) {
            throw new BadConfiguration(template + " not found: run credits-local from the repository root, or set"
                    + " CREDITS_TEMPLATE to the path of template.yaml");
        }
        return new LocalConfig(port, dynamoPort, dataDir,
                value(env, "TABLE_NAME").orElse("credits"),
                value(env, "AWS_REGION").or(() -> value(env, "AWS_DEFAULT_REGION")).orElse("us-east-1"),
                value(env, "LOCAL_JWT_SECRET").orElse(DEFAULT_JWT_SECRET),
                value(env, "STRIPE_WEBHOOK_SECRET").orElse(DEFAULT_WEBHOOK_SECRET),
                value(env, "SES_ENDPOINT"),
                template, schedule, contention(env), Map.copyOf(env));
    }

    /** DYNAMODB_CONTENTION: the embedded emulator's DynamoDB-like latency and transaction conflicts (off by default). */
    private static Contention contention(Map<String, String> env) {
        try {
            return value(env, "DYNAMODB_CONTENTION").map(Contention::parse).orElse(Contention.off());
        } catch (IllegalArgumentException e) {
            throw new BadConfiguration("DYNAMODB_CONTENTION: " + e.getMessage());
        }
    }

    public boolean inMemory() {
        return dataDir == null;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public String dynamoEndpoint() {
        return "http://127.0.0.1:" + dynamoPort;
    }

    /** The variable if set and not blank. */
    public Optional<String> env(String name) {
        return value(environment, name);
    }

    private static Optional<String> value(Map<String, String> env, String name) {
        return Optional.ofNullable(env.get(name)).map(String::trim).filter(v -> !v.isEmpty());
    }

    private static int port(Map<String, String> env, String name, int byDefault) {
        Optional<String> text = value(env, name);
        if (text.isEmpty()) {
            return byDefault;
        }
        try {
            int port = Integer.parseInt(text.get());
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new BadConfiguration(name + "=" + text.get() + " is not a port number (0-65535)");
    }
}
