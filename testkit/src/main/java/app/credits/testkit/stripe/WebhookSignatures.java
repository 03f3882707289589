package app.credits.testkit.stripe;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Stripe's webhook signature, the one home for signing (the stand-in's deliveries, and tests that hand-sign a
 * payload): {@code Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.payload" keyed by the whsec secret>}.
 * Verifying is production's business (stripe-java's {@code Webhook.Signature}).
 */
public final class WebhookSignatures {
    private WebhookSignatures() {
    }

    /** The header Stripe sends for {@code payload} signed at {@code signedAt} with one endpoint secret. */
    public static String sign(String payload, String secret, Instant signedAt) {
        long t = signedAt.getEpochSecond();
        return "t=" + t + ",v1=" + hmacSha256Hex(secret, t + "." + payload);
    }

    /** While an endpoint's secret is being rolled, Stripe sends one {@code v1} per active secret. */
    public static String signWithEach(String payload, Instant signedAt, String... secrets) {
        long t = signedAt.getEpochSecond();
        StringBuilder header = new StringBuilder("t=").append(t);
        for (String secret : secrets) {
            header.append(",v1=").append(hmacSha256Hex(secret, t + "." + payload));
        }
        return header.toString();
    }

    private static String hmacSha256Hex(String secret, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }
}
