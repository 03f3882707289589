package app.credits.ledger;

import java.util.Locale;
import java.util.regex.Pattern;

/** Money as Stripe writes it: an integer amount in minor units and a lower-case ISO currency. */
public record Money(long amount, String currency) {
    private static final Pattern CURRENCY = Pattern.compile("[a-z]{3}");

    public Money {
        if (currency == null || !CURRENCY.matcher(currency).matches()) {
            throw new InvalidInput("currency must be a lower-case ISO 4217 code such as \"usd\"");
        }
        if (amount < 0) {
            throw new InvalidInput("amount must not be negative");
        }
    }

    public static Money of(long amount, String currency) {
        return new Money(amount, currency == null ? null : currency.toLowerCase(Locale.ROOT));
    }

    public Money times(long quantity) {
        return new Money(Math.multiplyExact(amount, quantity), currency);
    }
}
