package org.apache.logging.log4j.layout.template.json.resolver;

import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.layout.template.json.util.JsonWriter;
import software.amazon.lambda.powertools.logging.argument.StructuredArgument;

import java.util.Set;

/**
 * STAND-IN (see PowertoolsResolverFactory). With a {@code field}, writes that Powertools MDC field (service,
 * function_name, ...); without one, under the template's empty key, writes the event's other MDC entries and its
 * structured arguments as fields of the line itself (the empty key and its separator are taken back first).
 */
final class PowertoolsResolver implements EventResolver {
    private static final Set<String> POWERTOOLS_FIELDS = Set.of("function_name", "function_version", "function_arn",
            "function_memory_size", "function_request_id", "cold_start", "xray_trace_id", "sampling_rate",
            "correlation_id", "service");
    private static final String EMPTY_KEY = ",\"\":";

    private final String field;

    PowertoolsResolver(String field) {
        if (field != null && !POWERTOOLS_FIELDS.contains(field)) {
            throw new IllegalArgumentException("Unknown field: " + field);
        }
        this.field = field;
    }

    @Override
    public void resolve(LogEvent event, JsonWriter writer) {
        if (field != null) {
            writer.writeString(event.getContextData().<String>getValue(field));
            return;
        }
        StringBuilder line = writer.getStringBuilder();
        if (line.length() >= EMPTY_KEY.length() && line.lastIndexOf(EMPTY_KEY) == line.length() - EMPTY_KEY.length()) {
            line.setLength(line.length() - EMPTY_KEY.length());
        }
        event.getContextData().forEach((key, value) -> {
            if (!POWERTOOLS_FIELDS.contains(key)) {
                line.append(',');
                writer.writeString(key);
                line.append(':');
                writer.writeValue(value);
            }
        });
        Object[] arguments = event.getMessage().getParameters();
        if (arguments != null) {
            for (Object argument : arguments) {
                if (argument instanceof StructuredArgument entry) {
                    line.append(',');
                    writer.writeString(entry.key());
                    line.append(':');
                    writer.writeValue(entry.value());
                }
            }
        }
    }
}
