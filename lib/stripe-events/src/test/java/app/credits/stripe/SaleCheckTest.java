package app.credits.stripe;

import app.credits.ledger.Money;
import app.credits.ledger.OrgId;
import app.credits.runtime.Environment;
import app.credits.stripe.SaleCheck.Mismatch;
import app.credits.stripe.SaleCheck.SessionMatchesSale;
import app.credits.stripe.StripeEvent.CheckoutSessionEvent;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sale check alone: the session's facts and the deployment's terms in, a named outcome out. No I/O. */
class SaleCheckTest {
    static final SaleTerms TEST_USD = SaleTerms.of("usd", false);

    /** 10 credits at 2030 for org_acme, as our checkout makes it. */
    static CheckoutSessionEvent sale(UnaryOperator<Fields> change) {
        Fields f = change.apply(new Fields());
        return new CheckoutSessionEvent("evt_1", StripeEvent.CHECKOUT_COMPLETED, "cs_1", Optional.of("paid"), f.mode,
                f.livemode, f.orgId, f.clientReferenceId, f.credits, f.unitAmount, f.amountSubtotal, f.amountTotal,
                f.currency, Optional.of("pi_1"), Optional.of("billing@acme.example"));
    }

    static final class Fields {
        Optional<String> mode = Optional.of("payment");
        Optional<Boolean> livemode = Optional.of(false);
        Optional<String> orgId = Optional.of("org_acme");
        Optional<String> clientReferenceId = Optional.of("org_acme");
        Optional<String> credits = Optional.of("10");
        Optional<String> unitAmount = Optional.of("2030");
        Optional<Long> amountSubtotal = Optional.of(20300L);
        Optional<Long> amountTotal = Optional.of(20300L);
        Optional<String> currency = Optional.of("usd");
    }

    @Test
    void theCheckoutsOwnSessionMatchesTheSale() {
        assertEquals(new SessionMatchesSale(OrgId.of("org_acme"), 10, Money.of(20300, "usd")),
                SaleCheck.of(sale(f -> f), TEST_USD));
    }

    @Test
    void taxOnTopOfTheSubtotalStillMatchesAndTheAmountPaidIsWhatIsRecorded() {
        assertEquals(new SessionMatchesSale(OrgId.of("org_acme"), 10, Money.of(22330, "usd")),
                SaleCheck.of(sale(f -> { f.amountTotal = Optional.of(22330L); return f; }), TEST_USD));
    }

    @Test
    void everyFieldThatDiffersFromTheSaleIsAMismatchNamingIt() {
        Map<String, UnaryOperator<Fields>> variants = Map.ofEntries(
                Map.entry("mode subscription", f -> { f.mode = Optional.of("subscription"); return f; }),
                Map.entry("mode setup", f -> { f.mode = Optional.of("setup"); return f; }),
                Map.entry("mode (none)", f -> { f.mode = Optional.empty(); return f; }),
                Map.entry("livemode true", f -> { f.livemode = Optional.of(true); return f; }),
                Map.entry("livemode (none)", f -> { f.livemode = Optional.empty(); return f; }),
                Map.entry("currency eur", f -> { f.currency = Optional.of("eur"); return f; }),
                Map.entry("metadata.org_id is missing", f -> { f.orgId = Optional.empty(); return f; }),
                Map.entry("metadata.org_id is not an org id", f -> { f.orgId = Optional.of("acme#1"); f.clientReferenceId = f.orgId; return f; }),
                Map.entry("no client_reference_id", f -> { f.clientReferenceId = Optional.empty(); return f; }),
                Map.entry("client_reference_id names another org", f -> { f.clientReferenceId = Optional.of("org_other"); return f; }),
                Map.entry("metadata.credits is not a whole number", f -> { f.credits = Optional.of("2.5"); return f; }),
                Map.entry("metadata.credits is not a whole number from 1 to 10000", f -> { f.credits = Optional.of("10001"); return f; }),
                Map.entry("metadata.unit_amount is not", f -> { f.unitAmount = Optional.of("-2030"); return f; }),
                Map.entry("amount_subtotal 2030 is not metadata.credits 10", f -> { f.amountSubtotal = Optional.of(2030L); return f; }),
                Map.entry("amount_subtotal (none)", f -> { f.amountSubtotal = Optional.empty(); return f; }),
                Map.entry("amount_total 0 is less than amount_subtotal 20300", f -> { f.amountTotal = Optional.of(0L); return f; }),
                Map.entry("amount_total (none)", f -> { f.amountTotal = Optional.empty(); return f; }));
        variants.forEach((reason, change) -> {
            SaleCheck outcome = SaleCheck.of(sale(change), TEST_USD);
            Mismatch mismatch = assertInstanceOf(Mismatch.class, outcome, reason);
            assertTrue(mismatch.reason().startsWith(reason), reason + " -> " + mismatch.reason());
        });
    }

    @Test
    void aThousandCreditsForThePriceOfOneIsAMismatch() {
        SaleCheck outcome = SaleCheck.of(sale(f -> {
            f.credits = Optional.of("1000");
            f.unitAmount = Optional.of("2900");
            f.amountSubtotal = Optional.of(2900L);
            f.amountTotal = Optional.of(2900L);
            return f;
        }), TEST_USD);
        assertEquals(new Mismatch("amount_subtotal 2900 is not metadata.credits 1000 x metadata.unit_amount 2900 = 2900000"), outcome);
    }

    @Test
    void aLiveDeploymentWantsLiveSessionsInItsOwnCurrency() {
        SaleTerms liveEur = SaleTerms.of("eur", true);
        assertInstanceOf(Mismatch.class, SaleCheck.of(sale(f -> { f.currency = Optional.of("eur"); return f; }), liveEur));
        assertInstanceOf(SessionMatchesSale.class, SaleCheck.of(sale(f -> {
            f.currency = Optional.of("eur");
            f.livemode = Optional.of(true);
            return f;
        }), liveEur));
    }

    @Test
    void theTermsComeFromThePriceListAndStripeLivemode() {
        assertEquals(SaleTerms.of("usd", false), SaleTerms.fromEnvironment(Environment.of(Map.of())));
        assertEquals(SaleTerms.of("eur", true), SaleTerms.fromEnvironment(Environment.of(Map.of(
                "LIST_UNIT_PRICE_CURRENCY", "eur", "STRIPE_LIVEMODE", "true"))));
        assertEquals(SaleTerms.of("usd", false), SaleTerms.fromEnvironment(Environment.of(Map.of("STRIPE_LIVEMODE", "false"))));
        IllegalStateException bad = assertThrows(IllegalStateException.class,
                () -> SaleTerms.fromEnvironment(Environment.of(Map.of("STRIPE_LIVEMODE", "yes"))));
        assertTrue(bad.getMessage().contains("STRIPE_LIVEMODE"), bad.getMessage());
    }
}
