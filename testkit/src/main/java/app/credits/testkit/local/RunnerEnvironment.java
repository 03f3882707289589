package app.credits.testkit.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;

/**
 * What a test starts the packaged local runner with: an environment without the developer's settings of it, so that
 * a shell holding a real Stripe key, another table or an exported data directory never reaches a test's runner, and
 * free loopback ports for it.
 */
public final class RunnerEnvironment {
    /** Every variable the local runner reads; a test sets the ones it means. */
    public static final List<String> RUNNER_SETTINGS = List.of("PORT", "DYNAMODB_PORT", "DYNAMODB_ENDPOINT", "TABLE_NAME",
            "CREDITS_DATA_DIR", "CREDITS_TEMPLATE", "SES_ENDPOINT", "STRIPE_API_KEY", "STRIPE_API_BASE",
            "STRIPE_WEBHOOK_SECRET", "LOCAL_JWT_SECRET", "EXPORTS_BUCKET", "S3_ENDPOINT");

    private RunnerEnvironment() {
    }

    /** Removes {@link #RUNNER_SETTINGS} from {@code inherited} (a {@code ProcessBuilder}'s environment). */
    public static void scrub(Map<String, String> inherited) {
        RUNNER_SETTINGS.forEach(inherited::remove);
    }

    /** A loopback port free now (the runner binds it a moment later; tests run side by side). */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
