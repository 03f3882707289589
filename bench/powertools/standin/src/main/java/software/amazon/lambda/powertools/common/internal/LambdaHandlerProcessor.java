package software.amazon.lambda.powertools.common.internal;

import java.util.Optional;

/**
 * STAND-IN (bench/powertools/standin, see its README) for powertools-common 2.10.0's class of this name, which this
 * workplace's Maven Central does not serve: the methods the real powertools-metrics 2.10.0 jar and the stand-ins
 * call, with the documented behaviour (service from POWERTOOLS_SERVICE_NAME, cold start from the initialization
 * type, the X-Ray trace id from the Lambda runtime's system property or environment).
 */
public final class LambdaHandlerProcessor {
    private static final String SERVICE = System.getenv().getOrDefault("POWERTOOLS_SERVICE_NAME", "service_undefined");
    private static Boolean coldStart;

    private LambdaHandlerProcessor() {
    }

    public static String serviceName() {
        return SERVICE;
    }

    public static synchronized boolean isColdStart() {
        if (coldStart == null) {
            coldStart = "on-demand".equals(System.getenv("AWS_LAMBDA_INITIALIZATION_TYPE"));
        }
        return coldStart;
    }

    public static synchronized void coldStartDone() {
        coldStart = false;
    }

    /** The Root of the trace header, as Powertools puts it in logs and uses to scope metrics per request. */
    public static Optional<String> getXrayTraceId() {
        String header = System.getProperty("com.amazonaws.xray.traceHeader", System.getenv("_X_AMZN_TRACE_ID"));
        if (header == null) {
            return Optional.empty();
        }
        for (String part : header.split(";")) {
            if (part.startsWith("Root=")) {
                return Optional.of(part.substring("Root=".length()));
            }
        }
        return Optional.empty();
    }
}
