package app.credits.ledger;

import app.credits.ledger.testing.MutableClock;
import app.credits.ledger.testing.TestDynamo;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A seeded random walk over every operation, across orgs, with replays of earlier requests mixed in.
 * Afterwards every org reconciles and matches an independent model of what should have happened.
 */
class RandomizedLedgerTest {
    private static final long SEED = Long.getLong("ledger.seed", 20261126L);
    private static final int OPERATIONS = Integer.getInteger("ledger.operations", 3_000);

    private final MutableClock clock = MutableClock.at("2026-11-01T00:00:00Z");
    private final TestDynamo.World world = TestDynamo.world(clock);
    private final Ledger ledger = world.ledger();

    /** What the model expects per org: balance and reserved, in hundredths. */
    private static final class Model {
        long balance;
        long reserved;
        final Map<String, Long> pendingInvites = new HashMap<>();
        final Map<String, long[]> purchases = new HashMap<>(); // session -> {credits, amountRefundedApplied}
    }

    @Test
    void aRandomWalkOfThousandsOfOperationsKeepsEveryInvariant() {
        Random random = new Random(SEED);
        List<OrgId> orgs = List.of(OrgId.of("org_r1"), OrgId.of("org_r2"), OrgId.of("org_r3"), OrgId.of("org_r4"));
        Map<OrgId, Model> models = new HashMap<>();
        orgs.forEach(o -> models.put(o, new Model()));
        List<Runnable> replays = new ArrayList<>();
        int counter = 0;

        for (int step = 0; step < OPERATIONS; step++) {
            OrgId org = orgs.get(random.nextInt(orgs.size()));
            Model m = models.get(org);
            int dice = random.nextInt(100);
            String id = "op" + (counter++);
            if (dice < 8) {
                long credits = 1 + random.nextInt(20);
                Runnable purchase = () -> ledger.creditPurchase(new CompletedCheckout("cs_" + id, org, credits,
                        Money.of(credits * 2900, "usd"), Optional.of("pi_" + id), Optional.of("b@example.com")));
                purchase.run();
                m.balance += credits * 100;
                m.purchases.put(id, new long[]{credits, 0});
                replays.add(purchase);
            } else if (dice < 55) {
                Optional<String> invite = m.pendingInvites.isEmpty() || random.nextBoolean() ? Optional.empty()
                        : Optional.of(m.pendingInvites.keySet().iterator().next());
                String member = "user_" + random.nextInt(5);
                SubmissionOutcome outcome = ledger.chargeSubmission(org, "sub_" + id, member, invite);
                if (outcome instanceof SubmissionOutcome.Charged charged) {
                    m.balance -= charged.creditsCharged().hundredths();
                    invite.ifPresent(i -> m.reserved -= m.pendingInvites.remove(i));
                    // A replay, same body: must answer the original and charge nothing.
                    replays.add(() -> ledger.chargeSubmission(org, "sub_" + id, member, invite));
                    // Same id, other body: a conflict, charges nothing.
                    replays.add(() -> ledger.chargeSubmission(org, "sub_" + id, member + "_other", invite));
                }
            } else if (dice < 70) {
                InviteOutcome outcome = ledger.reserveInvite(org, "inv_" + id, "x@example.com",
                        random.nextInt(4) == 0 ? Optional.of(clock.instant().plus(Duration.ofHours(1 + random.nextInt(48)))) : Optional.empty());
                if (outcome instanceof InviteOutcome.Reserved r) {
                    m.reserved += r.invite().reserved().hundredths();
                    m.pendingInvites.put(r.invite().inviteId(), r.invite().reserved().hundredths());
                }
            } else if (dice < 78) {
                if (!m.pendingInvites.isEmpty()) {
                    String invite = m.pendingInvites.keySet().iterator().next();
                    if (ledger.revokeInvite(org, invite) instanceof ReleaseOutcome.Released) {
                        m.reserved -= m.pendingInvites.remove(invite);
                    }
                    replays.add(() -> ledger.revokeInvite(org, invite));
                }
            } else if (dice < 86) {
                long hundredths = (random.nextInt(801) - 400);
                EntryType kind = hundredths > 0 && random.nextBoolean() ? EntryType.BONUS : EntryType.ADJUSTMENT;
                if (hundredths != 0) {
                    Credits credits = Credits.ofHundredths(hundredths);
                    Runnable adjust = () -> ledger.adjust(org, "adj_" + id, kind, credits, "random");
                    AdjustmentOutcome outcome = ledger.adjust(org, "adj_" + id, kind, credits, "random");
                    if (outcome instanceof AdjustmentOutcome.Adjusted) {
                        m.balance += hundredths;
                        replays.add(adjust); // a refused one is not replayed: it was never applied
                    }
                }
            } else if (dice < 91) {
                if (!m.purchases.isEmpty()) {
                    String pid = new ArrayList<>(m.purchases.keySet()).get(random.nextInt(m.purchases.size()));
                    long[] p = m.purchases.get(pid);
                    long amount = p[0] * 2900;
                    long cumulative = Math.min(amount, p[1] + 1 + random.nextInt((int) amount));
                    ledger.recordRefund("pi_" + pid, "ch_" + pid, cumulative);
                    long before = p[0] * 100 * p[1] / amount;
                    long after = p[0] * 100 * Math.max(p[1], cumulative) / amount;
                    m.balance -= after - before;
                    p[1] = Math.max(p[1], cumulative);
                    replays.add(() -> ledger.recordRefund("pi_" + pid, "ch_" + pid, cumulative));
                }
            } else if (dice < 95) {
                clock.advance(Duration.ofHours(random.nextInt(12)));
                for (ReleaseOutcome r : ledger.expireDueInvites(100)) {
                    if (r instanceof ReleaseOutcome.Released released) {
                        Model owner = models.get(released.invite().org());
                        owner.reserved -= owner.pendingInvites.remove(released.invite().inviteId());
                    }
                }
            } else if (!replays.isEmpty()) {
                replays.get(random.nextInt(replays.size())).run();
            }
        }

        for (OrgId org : orgs) {
            Account account = ledger.account(org);
            Model m = models.get(org);
            assertEquals(Credits.ofHundredths(m.balance), account.balance(), "balance of " + org);
            assertEquals(Credits.ofHundredths(m.reserved), account.reserved(), "reserved of " + org);
            world.assertReconciles(org);
        }
    }
}
