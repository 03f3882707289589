package app.credits.autotopup;

import app.credits.runtime.Json;

/**
 * What one pass did; the scheduled handler's response and {@code POST /_local/run/auto-top-up}'s answer.
 *
 * @param orgsDue            orgs read from the due index
 * @param charged            charges made (new claims and resumed ones) that Stripe answered
 * @param succeeded          of those, payments that went through (credited on {@code payment_intent.succeeded})
 * @param declined           of those, declines and refusals
 * @param requiresAction     of those, cards that want the cardholder to authenticate
 * @param stripeUnavailable  charges Stripe could not answer: retried by a later run, not counted as declines
 */
public record PassSummary(int orgsDue, int charged, int succeeded, int declined, int requiresAction,
                          int stripeUnavailable, int emailsSent, int emailsFailed) {

    public String toJson() {
        return Json.write(Json.object()
                .put("orgsDue", orgsDue)
                .put("charged", charged)
                .put("succeeded", succeeded)
                .put("declined", declined)
                .put("requiresAction", requiresAction)
                .put("stripeUnavailable", stripeUnavailable)
                .put("emailsSent", emailsSent)
                .put("emailsFailed", emailsFailed));
    }
}
