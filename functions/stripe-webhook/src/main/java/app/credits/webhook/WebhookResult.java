package app.credits.webhook;

import app.credits.ledger.Credits;
import app.credits.stripe.EventResult;
import app.credits.stripe.EventResult.Outcome;

/**
 * What the webhook did with one delivery, and so what Stripe hears: 2xx stops its retries, 400 and 5xx do not.
 *
 * @param outcome a short machine word for logs and the response ({@code credited}, {@code duplicate}, ...)
 * @param loud    true when an operator must look: the event is acknowledged but can never be applied
 * @param creditsPurchased credits this delivery newly bought (the CreditsPurchased metric), else zero
 */
public record WebhookResult(int status, String eventId, String eventType, String outcome, String detail, boolean loud,
                            Credits creditsPurchased) {
    public static final String SALE_MISMATCH = Outcome.SALE_MISMATCH.wireName();

    /**
     * An applied event: 200, even when it can never be applied (a sale mismatch, bad metadata), since retries cannot
     * change that and Stripe would retry for three days; those are loud instead. 503 when the ledger or DynamoDB
     * could not answer now: Stripe retries with backoff.
     */
    public static WebhookResult of(EventResult result) {
        return new WebhookResult(result.outcome() == Outcome.RETRY_LATER ? 503 : 200, result.eventId(),
                result.eventType(), result.outcome().wireName(), result.detail(), result.outcome().loud(),
                result.creditsPurchased());
    }

    /** Bad or missing signature, stale timestamp, malformed payload: 400 and nothing written. */
    public static WebhookResult rejected(String outcome, String detail) {
        return new WebhookResult(400, "", "", outcome, detail, false, Credits.ZERO);
    }
}
