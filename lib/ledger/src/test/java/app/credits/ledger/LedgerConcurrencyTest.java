package app.credits.ledger;

import app.credits.ledger.testing.Races;
import app.credits.ledger.testing.TestDynamo;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Races that must never overdraw, double-apply or lose a movement. */
class LedgerConcurrencyTest {
    private final TestDynamo.World world = TestDynamo.world(Clock.systemUTC());
    private final Ledger ledger = world.ledger();

    static <T> List<T> race(List<Callable<T>> tasks) throws Exception {
        return Races.race(tasks);
    }

    static <T> T retryWhileBusy(Callable<T> call) throws Exception {
        return Races.retryWhileBusy(call);
    }

    private void buy(OrgId org, String session, long credits) {
        ledger.creditPurchase(new CompletedCheckout(session, org, credits, Money.of(credits * 2900, "usd"),
                Optional.of("pi_" + session), Optional.empty()));
    }

    @Test
    void twoHundredConcurrentSubmissionsOnFiftyCreditsChargeExactlyFifty() throws Exception {
        OrgId org = OrgId.of("org_race_submissions");
        buy(org, "cs_race", 50);
        List<Callable<SubmissionOutcome>> tasks = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String id = "sub_" + i;
            tasks.add(() -> retryWhileBusy(() -> ledger.chargeSubmission(org, id, "user_" + (id.hashCode() % 7), Optional.empty())));
        }
        List<SubmissionOutcome> outcomes = race(tasks);

        long charged = outcomes.stream().filter(o -> o instanceof SubmissionOutcome.Charged).count();
        long refused = outcomes.stream().filter(o -> o instanceof SubmissionOutcome.InsufficientCredits).count();
        assertEquals(50, charged);
        assertEquals(150, refused);
        assertEquals(Credits.ZERO, ledger.account(org).balance());
        world.assertReconciles(org);
    }

    @Test
    void onAContendedDynamoDbAHotOrgsBurstChargesExactlyWhatItHoldsWithDuplicatedPurchasesInTheMix() throws Exception {
        // GIVEN DynamoDB-like contention (overlapping transactions on one item are cancelled), and an org with 200
        TestDynamo.World contended = TestDynamo.contendedWorld(Clock.systemUTC());
        Ledger hot = contended.ledger();
        OrgId org = OrgId.of("org_hot_contended");
        hot.creditPurchase(new CompletedCheckout("cs_hot", org, 200, Money.of(200 * 2900, "usd"), Optional.of("pi_hot"),
                Optional.empty()));

        // WHEN 256 submissions and 5 purchases of 10 credits, each delivered 3 times, arrive at once
        List<Callable<Object>> tasks = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            String id = "sub_" + i;
            tasks.add(() -> retryWhileBusy(() -> hot.chargeSubmission(org, id, "user_1", Optional.empty())));
        }
        for (int p = 0; p < 5; p++) {
            String session = "cs_more_" + p;
            for (int copy = 0; copy < 3; copy++) {
                tasks.add(() -> retryWhileBusy(() -> hot.creditPurchase(new CompletedCheckout(session, org, 10,
                        Money.of(29_000, "usd"), Optional.of("pi_" + session), Optional.empty()))));
            }
        }
        java.util.Collections.shuffle(tasks);
        List<Object> outcomes = race(tasks);

        // THEN exactly the credits it held and bought are charged, each purchase credited once, no overdraft
        long charged = outcomes.stream().filter(o -> o instanceof SubmissionOutcome.Charged).count();
        long refused = outcomes.stream().filter(o -> o instanceof SubmissionOutcome.InsufficientCredits).count();
        assertEquals(5, outcomes.stream().filter(o -> o instanceof PaymentOutcome.Applied).count());
        assertEquals(256, charged + refused);
        assertEquals(Credits.whole(250 - charged), hot.account(org).creditsLeft());
        assertTrue(charged >= 200, "the 200 held are always charged; bought ones when they arrive in time: " + charged);
        contended.assertReconciles(org);
    }

    @Test
    void concurrentDuplicateSubmissionsChargeOnce() throws Exception {
        OrgId org = OrgId.of("org_race_duplicates");
        buy(org, "cs_dup", 5);
        List<Callable<SubmissionOutcome>> tasks = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            tasks.add(() -> ledger.chargeSubmission(org, "sub_same", "user_1", Optional.empty()));
        }
        List<SubmissionOutcome> outcomes = race(tasks);
        assertEquals(1, outcomes.stream().filter(o -> o instanceof SubmissionOutcome.Charged).count());
        assertEquals(49, outcomes.stream().filter(o -> o instanceof SubmissionOutcome.AlreadyCharged).count());
        assertEquals(Credits.whole(4), ledger.account(org).balance());
        world.assertReconciles(org);
    }

    @Test
    void parallelDuplicatePurchasesAreCreditedOnce() throws Exception {
        OrgId org = OrgId.of("org_race_purchase");
        List<Callable<PaymentOutcome>> tasks = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            tasks.add(() -> ledger.creditPurchase(new CompletedCheckout("cs_twice", org, 12, Money.of(34_800, "usd"),
                    Optional.of("pi_twice"), Optional.of("buyer@example.com"))));
        }
        List<PaymentOutcome> outcomes = race(tasks);
        assertEquals(1, outcomes.stream().filter(o -> o instanceof PaymentOutcome.Applied).count());
        assertEquals(Credits.whole(12), ledger.account(org).balance());
        world.assertReconciles(org);
    }

    @Test
    void aRefundRacingItsPurchaseIsNeverLostNorDoubled() throws Exception {
        OrgId org = OrgId.of("org_race_refund");
        List<Callable<PaymentOutcome>> tasks = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            tasks.add(() -> ledger.creditPurchase(new CompletedCheckout("cs_rr", org, 10, Money.of(29_000, "usd"),
                    Optional.of("pi_rr"), Optional.empty())));
            tasks.add(() -> ledger.recordRefund("pi_rr", "ch_rr", 14_500));
        }
        race(tasks);
        assertEquals(Credits.whole(5), ledger.account(org).balance());
        world.assertReconciles(org);
    }

    @Test
    void concurrentConsumeAndRevokeOfOneInviteExactlyOneWins() throws Exception {
        OrgId org = OrgId.of("org_race_invite");
        buy(org, "cs_inv", 30);
        for (int round = 0; round < 10; round++) {
            String invite = "inv_" + round;
            ledger.reserveInvite(org, invite, "p" + round + "@example.com", Optional.empty());
            List<Callable<Object>> tasks = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                String sub = "sub_" + round + "_" + i;
                tasks.add(() -> ledger.chargeSubmission(org, sub, "user_x", Optional.of(invite)));
                tasks.add(() -> ledger.revokeInvite(org, invite));
            }
            List<Object> outcomes = race(tasks);
            long consumed = outcomes.stream().filter(o -> o instanceof SubmissionOutcome.Charged).count();
            long revoked = outcomes.stream().filter(o -> o instanceof ReleaseOutcome.Released).count();
            assertEquals(1, consumed + revoked, "round " + round + ": " + outcomes);
        }
        assertEquals(Credits.ZERO, ledger.account(org).reserved());
        world.assertReconciles(org);
    }
}
