package app.credits.ledger;

/**
 * A succeeded PaymentIntent of an automatic purchase, as Stripe reported it ({@code payment_intent.succeeded}):
 * the facts its credits are given from. The attempt it names must agree with it (see {@link CreditTopUp}).
 */
public record AutomaticPayment(OrgId org, String attemptId, String paymentIntentId, long credits, Money amountPaid) {
    public AutomaticPayment {
        Ids.require("paymentIntentId", paymentIntentId);
        if (!TopUpAttempt.isId(attemptId)) {
            throw new InvalidInput("metadata.auto_top_up_attempt is not an attempt id");
        }
        if (credits < 1 || credits > Pricing.MAX_CREDITS_PER_ORDER) {
            throw new InvalidInput("credits must be a whole number from 1 to " + Pricing.MAX_CREDITS_PER_ORDER);
        }
    }
}
