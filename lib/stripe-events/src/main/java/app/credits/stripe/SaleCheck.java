package app.credits.stripe;

import app.credits.ledger.Ids;
import app.credits.ledger.Money;
import app.credits.ledger.OrgId;
import app.credits.ledger.Pricing;
import app.credits.stripe.StripeEvent.CheckoutSessionEvent;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Is this paid Checkout Session one of our sales? Our checkout makes exactly one shape of session (mode
 * {@code payment}, the price list's currency, {@code client_reference_id} = {@code metadata.org_id}, a line of
 * {@code metadata.credits} at {@code metadata.unit_amount}); anyone else who can make a paid session on the same
 * Stripe account (a Payment Link, another product, a dashboard edit) makes another. Only the first is credited.
 * Pure: the event's facts and the deployment's terms in, a named outcome out.
 */
public sealed interface SaleCheck {
    Pattern WHOLE_NUMBER = Pattern.compile("[1-9][0-9]{0,11}");

    /** The session is what the checkout sold: credit {@code credits} to {@code org}; {@code paid} is what Stripe took. */
    record SessionMatchesSale(OrgId org, long credits, Money paid) implements SaleCheck {
    }

    /** Not our sale; {@code reason} names the first field that differs (ids and numbers only). */
    record Mismatch(String reason) implements SaleCheck {
    }

    static SaleCheck of(CheckoutSessionEvent session, SaleTerms terms) {
        if (!session.mode().filter("payment"::equals).isPresent()) {
            return new Mismatch("mode " + session.mode().orElse("(none)") + ", not payment");
        }
        Optional<String> notOurs = terms.mismatch(session.livemode(), session.currency());
        if (notOurs.isPresent()) {
            return new Mismatch(notOurs.get());
        }
        Optional<String> org = session.orgId().filter(Ids::isValid);
        if (org.isEmpty()) {
            return new Mismatch("metadata.org_id is " + (session.orgId().isPresent() ? "not an org id" : "missing"));
        }
        if (!session.clientReferenceId().filter(org.get()::equals).isPresent()) {
            return new Mismatch(session.clientReferenceId().isPresent()
                    ? "client_reference_id names another org than metadata.org_id " + org.get()
                    : "no client_reference_id (metadata.org_id " + org.get() + ")");
        }
        Optional<Long> credits = wholeNumber(session.credits()).filter(n -> n <= Pricing.MAX_CREDITS_PER_ORDER);
        if (credits.isEmpty()) {
            return new Mismatch("metadata.credits is not a whole number from 1 to " + Pricing.MAX_CREDITS_PER_ORDER);
        }
        Optional<Long> unitAmount = wholeNumber(session.unitAmount());
        if (unitAmount.isEmpty()) {
            return new Mismatch("metadata.unit_amount is not a whole number of minor units");
        }
        long sold = Math.multiplyExact(credits.get(), unitAmount.get());
        if (!session.amountSubtotal().filter(subtotal -> subtotal == sold).isPresent()) {
            return new Mismatch("amount_subtotal " + session.amountSubtotal().map(String::valueOf).orElse("(none)")
                    + " is not metadata.credits " + credits.get() + " x metadata.unit_amount " + unitAmount.get() + " = " + sold);
        }
        // Tax may add to the subtotal; nothing we sell is ever discounted, so less than the subtotal was not our price.
        if (!session.amountTotal().filter(total -> total >= sold).isPresent()) {
            return new Mismatch("amount_total " + session.amountTotal().map(String::valueOf).orElse("(none)")
                    + " is less than amount_subtotal " + sold);
        }
        return new SessionMatchesSale(OrgId.of(org.get()), credits.get(), Money.of(session.amountTotal().get(), terms.currency()));
    }

    private static Optional<Long> wholeNumber(Optional<String> text) {
        return text.filter(t -> WHOLE_NUMBER.matcher(t).matches()).map(Long::parseLong);
    }
}
