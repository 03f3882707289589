package software.amazon.lambda.powertools.logging;

import com.amazonaws.services.lambda.runtime.Context;
import org.slf4j.MDC;
import software.amazon.lambda.powertools.common.internal.LambdaHandlerProcessor;

import java.util.function.Supplier;

/**
 * STAND-IN (bench/powertools/standin, see its README) for powertools-logging 2.10.0's functional entry point, which
 * this workplace's Maven Central does not serve: {@code withLogging(context, supplier)} puts the Lambda context's
 * fields, cold start, service, sampling rate and X-Ray trace id in the MDC under Powertools' names, runs the
 * supplier, and clears the MDC. (The real one also applies log levels and sampling from the environment.)
 */
public final class PowertoolsLogging {
    private static boolean initialized;

    private PowertoolsLogging() {
    }

    public static <T> T withLogging(Context context, Supplier<T> supplier) {
        initializeLogging(context);
        try {
            return supplier.get();
        } finally {
            MDC.clear();
        }
    }

    public static synchronized void initializeLogging(Context context) {
        if (context != null) {
            MDC.put("function_name", context.getFunctionName());
            MDC.put("function_version", context.getFunctionVersion());
            MDC.put("function_arn", context.getInvokedFunctionArn());
            MDC.put("function_memory_size", String.valueOf(context.getMemoryLimitInMB()));
            MDC.put("function_request_id", String.valueOf(context.getAwsRequestId()));
        }
        MDC.put("cold_start", String.valueOf(LambdaHandlerProcessor.isColdStart()));
        if (!initialized) {
            initialized = true;
            LambdaHandlerProcessor.coldStartDone();
        }
        MDC.put("service", LambdaHandlerProcessor.serviceName());
        MDC.put("sampling_rate", "0.0");
        LambdaHandlerProcessor.getXrayTraceId().ifPresent(id -> MDC.put("xray_trace_id", id));
    }
}
