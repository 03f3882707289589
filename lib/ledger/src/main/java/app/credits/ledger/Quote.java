package app.credits.ledger;

/** The price of buying {@code credits} whole credits now. */
public record Quote(long credits, Money listUnitPrice, Money unitPrice, int discountPercent, boolean fixedPricing,
                    Money total) {
}
