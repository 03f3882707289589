package app.credits.webhook;

import app.credits.testkit.stripe.WebhookSignatures;
import app.credits.ledger.OrgId;
import app.credits.ledger.testing.MutableClock;
import app.credits.ledger.testing.TestDynamo;
import app.credits.runtime.Environment;
import app.credits.runtime.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Security finding 8: without a configured signing secret the webhook used the public {@code whsec_credits_local},
 * so anyone could sign a purchase. A function without its secret must refuse to start; only the local runner
 * sets the local one (in the environment it hands its functions).
 */
class WebhookSecretRequiredTest {
    /** The secret printed in the README and the local runner's banner: public by design. */
    static final String PUBLIC_LOCAL_SECRET = "whsec_credits_local";

    @TempDir
    Path temp;

    @Test
    void withoutASigningSecretTheWebhookRefusesToStart() {
        // GIVEN an environment that names no secret (no SSM parameter, no plain variable)
        Environment unconfigured = Environment.of(Map.of("TABLE_NAME", "credits"));

        // WHEN the function reads its secret THEN initialisation fails, saying what to set
        IllegalStateException failed = assertThrows(IllegalStateException.class,
                () -> StripeWebhookFunction.signingSecret(unconfigured));
        assertTrue(failed.getMessage().contains("STRIPE_WEBHOOK_SECRET_PARAM"), failed.getMessage());
        assertTrue(failed.getMessage().contains("STRIPE_WEBHOOK_SECRET"), failed.getMessage());
    }

    @Test
    void aConfiguredSecretIsUsedAsIs() {
        assertEquals("whsec_from_stripe_listen", StripeWebhookFunction.signingSecret(
                Environment.of(Map.of("STRIPE_WEBHOOK_SECRET", "whsec_from_stripe_listen"))));
    }

    @Test
    void aDeployedWebhookWithoutItsSecretDoesNotStartSoAPurchaseSignedWithThePublicSecretCreditsNothing() throws Exception {
        // GIVEN a ledger, and a purchase signed now with the public local secret (what anyone can do)
        MutableClock clock = MutableClock.at(Instant.now().toString());
        TestDynamo.World world = TestDynamo.world(clock);
        String payload = StripeDeliveries.stripeEvent("checkout-session-completed").toPrettyString();
        ObjectNode event = StripeDeliveries.apiGatewayEvent("checkout-session-completed");
        event.put("body", payload);
        ((ObjectNode) event.path("headers")).put("stripe-signature",
                WebhookSignatures.sign(payload, PUBLIC_LOCAL_SECRET, Instant.now()));
        Path eventFile = temp.resolve("event.json");
        Files.writeString(eventFile, Json.write(event));

        // WHEN the function is invoked as Lambda would (a fresh JVM, the no-arg constructor, configuration from an
        // environment that has the table but no signing secret)
        ProcessBuilder invoke = new ProcessBuilder(javaBinary(), "-cp", System.getProperty("java.class.path"),
                "-Dhandler=" + StripeWebhookFunction.class.getName(), "app.credits.runtime.InvokeOnce", eventFile.toString())
                .redirectOutput(temp.resolve("stdout").toFile()).redirectError(temp.resolve("stderr").toFile());
        invoke.environment().keySet().retainAll(List.of("PATH", "HOME", "LANG"));
        invoke.environment().putAll(Map.of("TABLE_NAME", world.table(),
                "DYNAMODB_ENDPOINT", TestDynamo.endpoint().toString(), "AWS_REGION", "us-east-1"));
        Process process = invoke.start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the invocation did not end");

        // THEN it fails at init with a message naming the missing configuration, and nothing is credited
        String stdout = Files.readString(temp.resolve("stdout"));
        String stderr = Files.readString(temp.resolve("stderr"));
        assertEquals(1, process.exitValue(), stdout + stderr);
        assertTrue(stderr.contains("STRIPE_WEBHOOK_SECRET_PARAM"), stderr);
        assertFalse(stdout.contains("credited"), stdout);
        assertEquals(0, world.dynamo().scan(r -> r.tableName(world.table()).consistentRead(true)).count());
        world.assertReconciles(OrgId.of("org_acme"));
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }
}
