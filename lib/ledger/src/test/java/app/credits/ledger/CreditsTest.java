package app.credits.ledger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CreditsTest {

    @Test
    void quarterCreditsAddUpExactly() {
        Credits total = Credits.ZERO;
        for (int i = 0; i < 4_000; i++) {
            total = total.plus(Credits.parse("0.25"));
        }
        assertEquals(Credits.whole(1_000), total);
        assertEquals("1000", total.toString());
    }

    @Test
    void rendersWithoutTrailingZeros() {
        assertEquals("12.75", Credits.parse("12.75").toString());
        assertEquals("3", Credits.parse("3.00").toString());
        assertEquals("0.5", Credits.parse("0.50").toString());
        assertEquals("-2.5", Credits.parse("-2.5").toString());
        assertEquals("0", Credits.parse("-0").toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.234", "1e3", "1E3", "NaN", "Infinity", "", " 1", "1 ", "+1", "0x10", "1.", ".5",
            "01", "1000000.01", "-1000000.01", "10000000", "1,5", "١"})
    void refusesAnythingButAPlainDecimalWithTwoPlacesWithinTheLimit(String text) {
        assertThrows(InvalidInput.class, () -> Credits.parse(text));
    }

    @Test
    void acceptsTheLimitsThemselves() {
        assertEquals(Credits.whole(1_000_000), Credits.parse("1000000"));
        assertEquals(Credits.whole(-1_000_000), Credits.parse("-1000000.00"));
    }

    @Test
    void storedNumbersFinerThanHundredthsAreRefusedNotRounded() {
        assertThrows(InvalidInput.class, () -> Credits.of(new BigDecimal("0.001")));
        assertEquals(Credits.ofHundredths(150), Credits.of(new BigDecimal("1.5")));
    }
}
