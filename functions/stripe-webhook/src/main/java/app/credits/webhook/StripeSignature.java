package app.credits.webhook;

import com.stripe.exception.SignatureVerificationException;
import com.stripe.net.Webhook;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Stripe's webhook signature: {@code Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.payload">}.
 * Verification is stripe-java's own; signing lives here (not in test code) because the local runner's
 * {@code /_local/simulate-purchase} signs events the way Stripe does, and the tests sign with it too.
 */
public final class StripeSignature {
    /** Stripe's default and the contract's: an event signed more than five minutes ago is refused (replays). */
    public static final long TOLERANCE_SECONDS = 300;

    private StripeSignature() {
    }

    /** The header value Stripe would send for {@code payload} signed at {@code signedAt}. */
    public static String sign(String payload, String secret, Instant signedAt) {
        long t = signedAt.getEpochSecond();
        return "t=" + t + ",v1=" + hmacSha256Hex(secret, t + "." + payload);
    }

    /**
     * True if {@code header} carries a v1 signature of exactly {@code payload} by {@code secret}, made within the
     * tolerance of {@code clock}. A missing, malformed, forged or stale header is a {@link BadSignature}.
     */
    public static void verify(String payload, String header, String secret, Clock clock) {
        if (header == null || header.isBlank()) {
            throw new BadSignature("missing Stripe-Signature header");
        }
        try {
            Webhook.Signature.verifyHeader(payload, header, secret, TOLERANCE_SECONDS, clock);
        } catch (SignatureVerificationException e) {
            // stripe-java's messages name the failure (no signatures, timestamp outside tolerance, no match).
            throw new BadSignature(e.getMessage());
        } catch (RuntimeException e) {
            // stripe-java parses "t=" with Long.parseLong: a garbled header surfaces as NumberFormatException.
            throw new BadSignature("unreadable Stripe-Signature header");
        }
    }

    static String hmacSha256Hex(String secret, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    /** The request does not carry a valid, fresh signature: 400, nothing written. */
    public static final class BadSignature extends RuntimeException {
        public BadSignature(String message) {
            super(message);
        }
    }
}
