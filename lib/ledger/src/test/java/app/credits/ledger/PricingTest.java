package app.credits.ledger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PricingTest {
    private final Pricing pricing = Pricing.standard();

    @ParameterizedTest(name = "{0} credits after {1} bought: {2}% off, {3} each")
    @CsvSource({
            "5, 0, 0, 2900", "6, 0, 20, 2320",
            "9, 0, 20, 2320", "10, 0, 30, 2030",
            "49, 0, 30, 2030", "50, 0, 50, 1450",
            "199, 0, 50, 1450", "200, 0, 60, 1160",
            "1, 4, 0, 2900", "1, 5, 20, 2320",
            "1, 8, 20, 2320", "1, 9, 30, 2030",
            "1, 48, 30, 2030", "1, 49, 50, 1450",
            "1, 198, 50, 1450", "1, 199, 60, 1160"})
    void theTierFollowsLifetimePurchasesIncludingThisOrder(long credits, long lifetime, int discount, long unit) {
        Quote quote = pricing.quote(credits, Credits.whole(lifetime), Optional.empty());
        assertEquals(discount, quote.discountPercent());
        assertEquals(Money.of(unit, "usd"), quote.unitPrice());
        assertEquals(Money.of(unit * credits, "usd"), quote.total());
        assertEquals(Money.of(2900, "usd"), quote.listUnitPrice());
    }

    @Test
    void aNegotiatedFixedPriceOverridesTheTiers() {
        Quote quote = pricing.quote(300, Credits.whole(1_000), Optional.of(Money.of(1999, "usd")));
        assertTrue(quote.fixedPricing());
        assertEquals(0, quote.discountPercent());
        assertEquals(Money.of(1999L * 300, "usd"), quote.total());
    }

    @Test
    void fractionalLifetimeFromPartialRefundsCountsOnlyWholeCredits() {
        assertEquals(0, pricing.quote(1, Credits.parse("4.99"), Optional.empty()).discountPercent());
        assertEquals(20, pricing.quote(1, Credits.parse("5.01"), Optional.empty()).discountPercent());
    }

    @Test
    void ordersOutsideOneToTenThousandAreRefused() {
        assertThrows(InvalidInput.class, () -> pricing.quote(0, Credits.ZERO, Optional.empty()));
        assertThrows(InvalidInput.class, () -> pricing.quote(10_001, Credits.ZERO, Optional.empty()));
    }
}
