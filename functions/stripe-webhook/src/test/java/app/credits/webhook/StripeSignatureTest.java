package app.credits.webhook;

import app.credits.testkit.stripe.WebhookSignatures;
import com.stripe.net.Webhook;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The test kit's signing (the Stripe stand-in's, used by the tests and the local runner) agrees with our verifying. */
class StripeSignatureTest {
    static final Instant SIGNED_AT = Instant.parse("2026-11-23T18:04:19Z");
    static final String PAYLOAD = "{\n  \"id\": \"evt_1\",\n  \"object\": \"event\"\n}";

    @Test
    void headerHasStripesShapeAndStripesHmac() throws Exception {
        String header = WebhookSignatures.sign(PAYLOAD, "whsec_abc", SIGNED_AT);

        String expectedHmac = Webhook.Util.computeHmacSha256("whsec_abc", SIGNED_AT.getEpochSecond() + "." + PAYLOAD);
        assertEquals("t=" + SIGNED_AT.getEpochSecond() + ",v1=" + expectedHmac, header);
    }

    @Test
    void signatureHoldsForFiveMinutesAndNotAfter() {
        String header = WebhookSignatures.sign(PAYLOAD, "whsec_abc", SIGNED_AT);

        assertDoesNotThrow(() -> StripeSignature.verify(PAYLOAD, header, "whsec_abc", at(SIGNED_AT.plusSeconds(299))));
        assertThrows(StripeSignature.BadSignature.class,
                () -> StripeSignature.verify(PAYLOAD, header, "whsec_abc", at(SIGNED_AT.plusSeconds(301))));
        assertThrows(StripeSignature.BadSignature.class,
                () -> StripeSignature.verify(PAYLOAD, header, "whsec_other", at(SIGNED_AT)));
        assertThrows(StripeSignature.BadSignature.class,
                () -> StripeSignature.verify(PAYLOAD + " ", header, "whsec_abc", at(SIGNED_AT)));
    }

    @Test
    void anyOfSeveralV1SignaturesMayMatchDuringSecretRotation() {
        // Stripe sends one v1 per active secret while an endpoint's secret is being rolled.
        String both = WebhookSignatures.signWithEach(PAYLOAD, SIGNED_AT, "whsec_old", "whsec_new");

        assertDoesNotThrow(() -> StripeSignature.verify(PAYLOAD, both, "whsec_new", at(SIGNED_AT)));
        assertDoesNotThrow(() -> StripeSignature.verify(PAYLOAD, both, "whsec_old", at(SIGNED_AT)));
    }

    private static Clock at(Instant instant) {
        return Clock.fixed(instant, ZoneOffset.UTC);
    }
}
