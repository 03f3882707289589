package app.credits.webhook;

import com.stripe.exception.SignatureVerificationException;
import com.stripe.net.Webhook;

import java.time.Clock;

/**
 * Stripe's webhook signature: {@code Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.payload">}.
 * Verification is stripe-java's own. Signing is Stripe's side: the test kit's Stripe stand-in does it
 * ({@code app.credits.testkit.stripe.WebhookSignatures}), for the tests and the local runner alike.
 */
public final class StripeSignature {
    /** Stripe's default and the contract's: an event signed more than five minutes ago is refused (replays). */
    public static final long TOLERANCE_SECONDS = 300;

    private StripeSignature() {
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

    /** The request does not carry a valid, fresh signature: 400, nothing written. */
    public static final class BadSignature extends RuntimeException {
        public BadSignature(String message) {
            super(message);
        }
    }
}
