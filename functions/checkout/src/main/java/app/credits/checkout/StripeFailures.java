package app.credits.checkout;

import app.credits.http.ApiError;
import com.stripe.exception.ApiConnectionException;
import com.stripe.exception.ApiException;
import com.stripe.exception.AuthenticationException;
import com.stripe.exception.IdempotencyException;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.PermissionException;
import com.stripe.exception.RateLimitException;
import com.stripe.exception.StripeException;

/**
 * Stripe's failures in the contract's words. Transient ones (timeouts, rate limits, Stripe's 5xx) are 503
 * {@code unavailable}: retrying is safe because the same request carries the same idempotency key, so it can never
 * create a second session. Stripe refusing what we sent (a bad key, a rejected parameter) is our fault: 500
 * {@code internal}. Messages say Stripe failed but never repeat Stripe's text, which may quote the key.
 */
final class StripeFailures {
    private StripeFailures() {
    }

    static ApiError toApiError(StripeException failure) {
        return switch (failure) {
            case IdempotencyException e -> ApiError.conflict("idempotency_key_reused",
                    "Stripe refused: this idempotency key was already used for a different checkout request (another body, "
                            + "or the price changed meanwhile); send a new Idempotency-Key.");
            case RateLimitException e -> new ApiError(503, "unavailable", "stripe_rate_limited",
                    "Stripe is rate-limiting checkout requests; retry in a moment.");
            case ApiConnectionException e -> new ApiError(503, "unavailable", "stripe_unreachable",
                    "Stripe did not answer in time; retry in a moment (a retry never creates a second session).");
            case ApiException e -> new ApiError(503, "unavailable", "stripe_unavailable",
                    "Stripe failed to create the checkout session; retry in a moment.");
            case PermissionException e -> new ApiError(500, "internal", "stripe_permission_denied",
                    "Stripe refused to create checkout sessions with this deployment's API key.");
            case AuthenticationException e -> new ApiError(500, "internal", "stripe_authentication_failed",
                    "Stripe refused this deployment's API key; the operator must fix the Stripe configuration.");
            case InvalidRequestException e -> new ApiError(500, "internal", "stripe_rejected_request",
                    "Stripe rejected the checkout session request" + (e.getParam() == null ? "" : " (parameter "
                            + e.getParam() + ")") + "; reference " + reference(e) + ".");
            default -> new ApiError(500, "internal", "stripe_error",
                    "Stripe failed to create the checkout session; reference " + reference(failure) + ".");
        };
    }

    private static String reference(StripeException e) {
        return e.getRequestId() == null ? "none" : e.getRequestId();
    }
}
