package app.credits.webhook;

import app.credits.runtime.Environment;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Where the webhook's signing secret comes from when no SSM parameter is named (locally, in tests). */
class SigningSecretTest {

    @Test
    void plainVariableIsUsedLocally() {
        assertEquals("whsec_from_stripe_listen",
                StripeWebhookFunction.signingSecret(Environment.of(Map.of("STRIPE_WEBHOOK_SECRET", "whsec_from_stripe_listen"))));
    }

    @Test
    void localRunnersSecretIsTheDefault() {
        assertEquals("whsec_credits_local", StripeWebhookFunction.signingSecret(Environment.of(Map.of())));
    }
}
