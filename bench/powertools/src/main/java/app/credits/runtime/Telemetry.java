package app.credits.runtime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.cloudwatchlogs.emf.environment.EnvironmentProvider;
import software.amazon.cloudwatchlogs.emf.environment.LambdaEnvironment;
import software.amazon.cloudwatchlogs.emf.model.MetricsContext;
import software.amazon.lambda.powertools.logging.argument.StructuredArguments;
import software.amazon.lambda.powertools.metrics.internal.EmfMetricsLogger;
import software.amazon.lambda.powertools.metrics.MetricsBuilder;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The Powertools experiment's Telemetry (bench/powertools, never deployed): the lambda runtime's public API, so that
 * {@code HttpFunction} runs unchanged, with the request log written by Powertools logging (SLF4J to log4j2's
 * JsonTemplateLayout with Powertools' resolver, template {@code RequestLog.json}) and the EMF line by Powertools
 * metrics. The shade of this module leaves the product's class out of the jar.
 * <p>
 * A Telemetry built with the constructor (SnapStart priming's muted one) drops its lines: Powertools writes where
 * log4j2 and the EMF library are configured to, not to a sink.
 */
public final class Telemetry {
    private static final Logger REQUESTS = LoggerFactory.getLogger("app.credits.request");
    /**
     * The EMF library, left to itself, probes in the background for where it runs, EC2's instance metadata address
     * included; this machine must send nothing there, and in Lambda it is wasted work (as AWS_EMF_ENVIRONMENT=Lambda).
     */
    private static final EnvironmentProvider LAMBDA_ONLY = new EnvironmentProvider() {
        private final CompletableFuture<software.amazon.cloudwatchlogs.emf.environment.Environment> lambda =
                CompletableFuture.completedFuture(new LambdaEnvironment());

        @Override
        public CompletableFuture<software.amazon.cloudwatchlogs.emf.environment.Environment> resolveEnvironment() {
            return lambda;
        }
    };

    private final String service;
    private final String namespace;
    private final boolean muted;

    public Telemetry(String service, String namespace, Consumer<String> sink, Clock clock) {
        this(service, namespace, true);
    }

    private Telemetry(String service, String namespace, boolean muted) {
        this.service = service;
        this.namespace = namespace;
        this.muted = muted;
    }

    /** Powertools reads POWERTOOLS_SERVICE_NAME itself (the log's service); the EMF dimension is named as ours. */
    public static Telemetry fromEnvironment(Environment env) {
        Telemetry telemetry = new Telemetry(env.get("POWERTOOLS_SERVICE_NAME", "credits"),
                env.get("POWERTOOLS_METRICS_NAMESPACE", "Credits"), false);
        MetricsBuilder.builder()
                .withMetricsProvider(() -> new EmfMetricsLogger(LAMBDA_ONLY, new MetricsContext()))
                .withNamespace(telemetry.namespace)
                .withDefaultDimension("service", telemetry.service)
                .build();
        return telemetry;
    }

    public Telemetry withSink(Consumer<String> otherSink) {
        return new Telemetry(service, namespace, true);
    }

    /** One log line: Powertools adds timestamp, level, service and message; {@code fields} follow as entries. */
    public void log(String level, String message, Map<String, ?> fields) {
        if (muted) {
            return;
        }
        Object[] entries = fields.entrySet().stream()
                .map(f -> StructuredArguments.entry(f.getKey(), switch (f.getValue()) {
                    case null -> null;
                    case Number n -> n;
                    case Boolean b -> b;
                    default -> f.getValue().toString();
                }))
                .toArray();
        if (level.equals("ERROR")) {
            REQUESTS.error(message, entries);
        } else {
            REQUESTS.info(message, entries);
        }
    }

    /** One EMF line through Powertools metrics (nothing if empty), {@code properties} as its metadata. */
    public void emit(Metrics metrics, Map<String, String> properties) {
        if (muted || metrics.isEmpty()) {
            return;
        }
        software.amazon.lambda.powertools.metrics.Metrics emf =
                software.amazon.lambda.powertools.metrics.MetricsFactory.getMetricsInstance();
        properties.forEach(emf::addMetadata);
        metrics.values().forEach((name, value) ->
                emf.addMetric(name, value.value(), MetricUnit.valueOf(value.unit().toUpperCase(Locale.ROOT))));
        emf.flush();
    }

    public String service() {
        return service;
    }

    public String namespace() {
        return namespace;
    }
}
