package app.credits.bench.powertools;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;
import software.amazon.lambda.powertools.tracing.TracingUtils;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * A function run the Powertools v2 functional way, without AspectJ: each invocation inside
 * {@code PowertoolsLogging.withLogging} (the Lambda context in the log's MDC) and an X-Ray subsegment
 * ({@code TracingUtils.withSubsegment}; the SDK's DynamoDB calls become subsegments of it through the X-Ray
 * instrumentor Powertools tracing brings). The request log and the EMF line come from this module's Telemetry.
 */
abstract class OnPowertools implements RequestStreamHandler {
    private final RequestStreamHandler function;

    OnPowertools(RequestStreamHandler function) {
        this.function = function;
        // Powertools' documented hook: a reference at init registers its SnapStart priming (CRaC) in time.
        TracingUtils.init();
    }

    @Override
    public final void handleRequest(InputStream input, OutputStream output, Context context) {
        PowertoolsLogging.withLogging(context, () -> {
            TracingUtils.withSubsegment("handleRequest", subsegment -> {
                try {
                    function.handleRequest(input, output, context);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            return null;
        });
    }
}
