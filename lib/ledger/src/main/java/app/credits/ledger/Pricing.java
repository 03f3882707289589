package app.credits.ledger;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Volume pricing: the discount tier is chosen by lifetime credits purchased including this order, unless the
 * org has a negotiated fixed unit price. Pure; the list price and tiers are configuration.
 */
public final class Pricing {
    public static final int MAX_CREDITS_PER_ORDER = 10_000;
    public static final String DEFAULT_TIERS = "1:0,6:20,10:30,50:50,200:60";

    /** From {@code fromCredits} lifetime credits (this order included) on, {@code discountPercent} off. */
    public record Tier(long fromCredits, int discountPercent) {
        public Tier {
            if (fromCredits < 1 || discountPercent < 0 || discountPercent > 100) {
                throw new IllegalArgumentException("bad tier " + fromCredits + ":" + discountPercent);
            }
        }
    }

    private final Money listUnitPrice;
    private final List<Tier> tiers;

    public Pricing(Money listUnitPrice, List<Tier> tiers) {
        this.listUnitPrice = listUnitPrice;
        this.tiers = tiers.stream().sorted(Comparator.comparingLong(Tier::fromCredits)).toList();
        if (this.tiers.isEmpty() || this.tiers.getFirst().fromCredits() != 1) {
            throw new IllegalArgumentException("the tier table must start at 1 credit");
        }
    }

    public static Pricing standard() {
        return new Pricing(Money.of(2900, "usd"), parseTiers(DEFAULT_TIERS));
    }

    /** "1:0,6:20,10:30,50:50,200:60" */
    public static List<Tier> parseTiers(String text) {
        List<Tier> tiers = new ArrayList<>();
        for (String part : text.split(",")) {
            String[] pair = part.trim().split(":");
            tiers.add(new Tier(Long.parseLong(pair[0].trim()), Integer.parseInt(pair[1].trim())));
        }
        return tiers;
    }

    public Money listUnitPrice() {
        return listUnitPrice;
    }

    public Quote quote(long credits, Credits lifetimePurchased, Optional<Money> fixedUnitPrice) {
        if (credits < 1 || credits > MAX_CREDITS_PER_ORDER) {
            throw new InvalidInput("credits must be a whole number from 1 to " + MAX_CREDITS_PER_ORDER);
        }
        if (fixedUnitPrice.isPresent()) {
            Money unit = fixedUnitPrice.get();
            return new Quote(credits, listUnitPrice, unit, 0, true, unit.times(credits));
        }
        // Partial refunds can leave a fractional lifetime; only whole credits bought count toward a tier.
        long lifetimeWhole = Math.max(0, lifetimePurchased.hundredths()) / 100;
        long volume = lifetimeWhole + credits;
        int discount = 0;
        for (Tier tier : tiers) {
            if (volume >= tier.fromCredits()) {
                discount = tier.discountPercent();
            }
        }
        long unitAmount = BigDecimal.valueOf(listUnitPrice.amount())
                .multiply(BigDecimal.valueOf(100 - discount))
                .divide(BigDecimal.valueOf(100), 0, RoundingMode.HALF_UP)
                .longValueExact();
        Money unit = Money.of(unitAmount, listUnitPrice.currency());
        return new Quote(credits, listUnitPrice, unit, discount, false, unit.times(credits));
    }
}
