package app.credits.testkit.stripe;

/**
 * What caused a change: the API request (its {@code req_} id and Idempotency-Key, as the event's {@code request}
 * shows them) or a test's direct call (Stripe's dashboard: no request id). {@code deliver} false: the change's
 * events are recorded but their webhooks are never sent.
 */
record Origin(String requestId, String idempotencyKey, boolean deliver) {
    static Origin dashboard(boolean deliver) {
        return new Origin(null, null, deliver);
    }
}
