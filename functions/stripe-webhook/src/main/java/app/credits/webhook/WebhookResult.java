package app.credits.webhook;

import app.credits.ledger.Credits;

/**
 * What the webhook did with one delivery, and so what Stripe hears: 2xx stops its retries, 400 and 5xx do not.
 *
 * @param outcome a short machine word for logs and the response ({@code credited}, {@code duplicate}, ...)
 * @param loud    true when an operator must look: the event is acknowledged but can never be applied
 * @param creditsPurchased credits this delivery newly bought (the CreditsPurchased metric), else zero
 */
public record WebhookResult(int status, String eventId, String eventType, String outcome, String detail, boolean loud,
                            Credits creditsPurchased) {
    public static final String SALE_MISMATCH = "sale_mismatch";

    /** Done (or nothing to do): 200. */
    public static WebhookResult acknowledged(StripeEvent event, String outcome, String detail) {
        return new WebhookResult(200, event.eventId(), event.type(), outcome, detail, false, Credits.ZERO);
    }

    /** A purchase newly credited. */
    public static WebhookResult credited(StripeEvent event, Credits credits, String detail) {
        return new WebhookResult(200, event.eventId(), event.type(), "credited", detail, false, credits);
    }

    /**
     * The event is genuine but can never succeed (bad metadata, a conflicting session): 200 so that Stripe does
     * not retry it for three days, logged at ERROR with the event id so that someone fixes it by hand.
     */
    public static WebhookResult unprocessable(StripeEvent event, String detail) {
        return new WebhookResult(200, event.eventId(), event.type(), "unprocessable", detail, true, Credits.ZERO);
    }

    /**
     * A paid session that is not one of our sales (see {@link SaleCheck}): 200 and nothing credited, since retries
     * cannot change it, but loud: someone made a paid session on our Stripe account that the checkout did not.
     */
    public static WebhookResult saleMismatch(StripeEvent event, String detail) {
        return new WebhookResult(200, event.eventId(), event.type(), SALE_MISMATCH, detail, true, Credits.ZERO);
    }

    /** Bad or missing signature, stale timestamp, malformed payload: 400 and nothing written. */
    public static WebhookResult rejected(String outcome, String detail) {
        return new WebhookResult(400, "", "", outcome, detail, false, Credits.ZERO);
    }

    /** The ledger or DynamoDB could not answer now: 503, Stripe retries with backoff. */
    public static WebhookResult retryLater(StripeEvent event, String detail) {
        return new WebhookResult(503, event.eventId(), event.type(), "retry_later", detail, false, Credits.ZERO);
    }
}
