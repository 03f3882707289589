package app.credits.ledger;

import java.util.Optional;

/** A paid Checkout Session, as the webhook read it from Stripe: the facts a purchase is credited from. */
public record CompletedCheckout(
        String checkoutSessionId,
        OrgId org,
        long credits,
        Money amountPaid,
        Optional<String> paymentIntentId,
        Optional<String> buyerEmail) {

    public CompletedCheckout {
        Ids.require("checkoutSessionId", checkoutSessionId);
        paymentIntentId.ifPresent(pi -> Ids.require("paymentIntentId", pi));
        if (credits < 1 || credits > 1_000_000) {
            throw new InvalidInput("credits must be a whole number from 1 to 1000000");
        }
    }
}
