package app.credits.ledger;

import java.util.Optional;

/** What staff negotiated with an org: its package and, optionally, a fixed unit price overriding the tiers. */
public record Plan(CreditPackage creditPackage, Optional<Money> fixedUnitPrice) {
    public static final Plan DEFAULT = new Plan(CreditPackage.STANDARD, Optional.empty());
}
