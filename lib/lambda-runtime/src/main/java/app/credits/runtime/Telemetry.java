package app.credits.runtime;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Clock;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Structured logs and metrics on stdout, where Lambda ships them to CloudWatch Logs.
 * <p>
 * Metrics use the Embedded Metric Format: one JSON line with {@code _aws.CloudWatchMetrics} that CloudWatch turns
 * into metrics asynchronously (no PutMetricData call on the request path). This is written by hand on purpose:
 * Powertools for AWS Lambda (Java) v2's functional API (log4j2, the EMF library, X-Ray) measured +556 to +635 ms
 * per cold start on the AOT path against a 30 ms allowance (docs/PERFORMANCE.md, section 8), for what is a single
 * JSON line.
 */
public final class Telemetry {
    private final String service;
    private final String namespace;
    private final Consumer<String> sink;
    private final Clock clock;

    public Telemetry(String service, String namespace, Consumer<String> sink, Clock clock) {
        this.service = service;
        this.namespace = namespace;
        this.sink = sink;
        this.clock = clock;
    }

    /** Service and namespace from POWERTOOLS_SERVICE_NAME / POWERTOOLS_METRICS_NAMESPACE, lines to stdout. */
    public static Telemetry fromEnvironment(Environment env) {
        return new Telemetry(env.get("POWERTOOLS_SERVICE_NAME", "credits"),
                env.get("POWERTOOLS_METRICS_NAMESPACE", "Credits"),
                line -> System.out.println(line), Clock.systemUTC());
    }

    /** The same service and namespace, lines to {@code otherSink} (tests capture them). */
    public Telemetry withSink(Consumer<String> otherSink) {
        return new Telemetry(service, namespace, otherSink, clock);
    }

    /**
     * One log line: {@code fields} plus timestamp, level and service. Callers pass identifiers and outcomes only,
     * never tokens, request bodies or secrets.
     */
    public void log(String level, String message, Map<String, ?> fields) {
        ObjectNode line = Json.object();
        line.put("timestamp", Json.time(clock.instant()));
        line.put("level", level);
        line.put("service", service);
        line.put("message", message);
        fields.forEach((k, v) -> {
            switch (v) {
                case null -> line.putNull(k);
                case Number n when n instanceof Long || n instanceof Integer -> line.put(k, n.longValue());
                case Number n -> line.put(k, n.doubleValue());
                case Boolean b -> line.put(k, b);
                default -> line.put(k, v.toString());
            }
        });
        sink.accept(Json.write(line));
    }

    /** One EMF line for {@code metrics} (nothing if empty), with {@code properties} as searchable extras. */
    public void emit(Metrics metrics, Map<String, String> properties) {
        if (metrics.isEmpty()) {
            return;
        }
        ObjectNode line = Json.object();
        ObjectNode aws = line.putObject("_aws");
        aws.put("Timestamp", clock.millis());
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", namespace);
        directive.putArray("Dimensions").addArray().add("service");
        ArrayNode definitions = directive.putArray("Metrics");
        line.put("service", service);
        properties.forEach(line::put);
        metrics.values().forEach((name, value) -> {
            definitions.addObject().put("Name", name).put("Unit", value.unit());
            line.put(name, value.value());
        });
        sink.accept(Json.write(line));
    }

    public String service() {
        return service;
    }

    public String namespace() {
        return namespace;
    }
}
