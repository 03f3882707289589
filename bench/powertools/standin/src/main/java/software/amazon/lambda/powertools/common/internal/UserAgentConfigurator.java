package software.amazon.lambda.powertools.common.internal;

/**
 * STAND-IN (see LambdaHandlerProcessor) for powertools-common 2.10.0's user-agent tagging, which the real
 * powertools-metrics jar's SDK interceptor calls once: it appends {@code PT/<feature>/<version> PTENV/<env>} to the
 * SDK's {@code sdk.ua.appId} system property when the result stays within 50 characters.
 */
public final class UserAgentConfigurator {
    private static final String APP_ID = "sdk.ua.appId";

    private UserAgentConfigurator() {
    }

    public static void configureUserAgent(String feature) {
        String env = System.getenv().getOrDefault("AWS_EXECUTION_ENV", "NA");
        String powertools = "PT/" + feature + "/2.10.0 PTENV/" + env;
        String existing = System.getProperty(APP_ID, "");
        String value = existing.isEmpty() ? powertools : existing + "/" + powertools;
        if (value.length() <= 50) {
            System.setProperty(APP_ID, value);
        }
    }
}
