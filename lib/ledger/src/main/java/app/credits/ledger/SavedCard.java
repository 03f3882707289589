package app.credits.ledger;

import java.time.Instant;

/**
 * The card an org keeps for automatic purchases: a Stripe PaymentMethod on the org's Customer, as Stripe
 * described it when it was attached. {@code attachedAt} is the PaymentMethod's creation time, which orders two
 * cards whatever order their events arrive in.
 */
public record SavedCard(String paymentMethodId, String brand, String last4, int expMonth, int expYear,
                        Instant attachedAt) {
    public SavedCard {
        Ids.require("paymentMethodId", paymentMethodId);
        if (brand == null || !brand.matches("[a-z_]{1,32}")) {
            throw new InvalidInput("a card brand is a word such as visa");
        }
        if (last4 == null || !last4.matches("[0-9]{4}")) {
            throw new InvalidInput("last4 is four digits");
        }
        if (expMonth < 1 || expMonth > 12 || expYear < 2000 || expYear > 2200) {
            throw new InvalidInput("a card expires in a month 1-12 of a year 2000-2200");
        }
    }

    /** Whether this card was attached after {@code other} (ties broken by id, so the answer never depends on order). */
    public boolean newerThan(SavedCard other) {
        int byTime = attachedAt.compareTo(other.attachedAt);
        return byTime != 0 ? byTime > 0 : paymentMethodId.compareTo(other.paymentMethodId) > 0;
    }
}
