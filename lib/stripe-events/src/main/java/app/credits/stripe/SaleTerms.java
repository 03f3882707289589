package app.credits.stripe;

import app.credits.runtime.Environment;

import java.util.Locale;
import java.util.Optional;

/**
 * What this deployment sells in, so that the webhook can tell our sales from other sessions on the same Stripe
 * account: the currency of its price list ({@code LIST_UNIT_PRICE_CURRENCY}, the one the checkout charges in) and
 * whether its Stripe account is live ({@code STRIPE_LIVEMODE}: the template's {@code StripeLivemode} parameter).
 * The webhook does not hold the API key, so it is told the mode rather than reading it off an {@code sk_live_} prefix.
 */
public record SaleTerms(String currency, boolean livemode) {

    public static SaleTerms of(String currency, boolean livemode) {
        return new SaleTerms(currency, livemode);
    }

    /**
     * {@code LIST_UNIT_PRICE_CURRENCY} (default {@code usd}, as the pricing reads it) and {@code STRIPE_LIVEMODE}:
     * {@code true} or {@code false}, unset means test mode (the local runner, tests). Anything else fails at init.
     */
    public static SaleTerms fromEnvironment(Environment env) {
        String currency = env.pricing().listUnitPrice().currency();
        String mode = env.get("STRIPE_LIVEMODE", "false").toLowerCase(Locale.ROOT);
        return switch (mode) {
            case "true" -> of(currency, true);
            case "false" -> of(currency, false);
            default -> throw new IllegalStateException("STRIPE_LIVEMODE must be true or false, not " + mode);
        };
    }

    String modeName() {
        return livemode ? "live" : "test";
    }

    /** Why a payment in {@code paidLivemode} and {@code paidCurrency} is not one of this deployment's, if it is not. */
    Optional<String> mismatch(Optional<Boolean> paidLivemode, Optional<String> paidCurrency) {
        if (paidLivemode.filter(live -> live == livemode).isEmpty()) {
            return Optional.of("livemode " + paidLivemode.map(String::valueOf).orElse("(none)") + " on a " + modeName()
                    + "-mode deployment");
        }
        if (paidCurrency.filter(currency::equals).isEmpty()) {
            return Optional.of("currency " + paidCurrency.orElse("(none)") + ", not " + currency);
        }
        return Optional.empty();
    }
}
