package app.credits.lowcredit;

import app.credits.ledger.Account;
import app.credits.ledger.Credits;
import app.credits.ledger.InviteOutcome;
import app.credits.ledger.InviteStatus;
import app.credits.ledger.OrgId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** The scheduled check releases the reservations of invites past their expiry, each exactly once. */
class InviteExpiryTest {
    private final Fixture f = new Fixture();

    private void invite(OrgId org, String id, Optional<Instant> expiresAt) {
        assertInstanceOf(InviteOutcome.Reserved.class, f.ledger.reserveInvite(org, id, id + "@guest.test", expiresAt));
    }

    @Test
    void twoConcurrentRunsReleaseEachDueInviteExactlyOnce() throws Exception {
        // GIVEN 20 credits, 6 invites expiring in an hour, one expiring tomorrow and one without expiry
        OrgId org = Fixture.newOrg("expiry");
        f.purchase(org, 20, "owner@expiry.test");
        Instant inAnHour = f.clock.instant().plus(Duration.ofHours(1));
        for (int i = 0; i < 6; i++) {
            invite(org, "inv-due-" + i, Optional.of(inAnHour));
        }
        invite(org, "inv-tomorrow", Optional.of(f.clock.instant().plus(Duration.ofDays(1))));
        invite(org, "inv-open", Optional.empty());
        assertEquals(Credits.whole(8), f.ledger.account(org).reserved());

        // WHEN two hours later two runs race
        f.clock.advance(Duration.ofHours(2));
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            List<CompletableFuture<CheckSummary>> runs = List.of(
                    CompletableFuture.supplyAsync(() -> await(start, f.check()), pool),
                    CompletableFuture.supplyAsync(() -> await(start, f.check()), pool));
            start.countDown();
            int expired = runs.stream().mapToInt(r -> r.join().invitesExpired()).sum();

            // THEN the six due invites were released once in all, the other two still hold their credit
            assertEquals(6, expired);
        }
        Account account = f.ledger.account(org);
        assertEquals(Credits.whole(2), account.reserved());
        assertEquals(2, account.invitesPending());
        assertEquals(Credits.whole(18), account.creditsLeft());
        assertEquals(6, f.ledger.invites(org, Optional.of(InviteStatus.EXPIRED), 100, Optional.empty()).invites().size());
        assertEquals(0, f.check().run().invitesExpired());
        f.world.assertReconciles(org);
    }

    @Test
    void oneRunReleasesAtMostItsLimitAndTheNextRunTheRest() {
        // GIVEN 7 invites past their expiry and a run limited to 3
        OrgId org = Fixture.newOrg("bounded");
        f.purchase(org, 10, "owner@bounded.test");
        for (int i = 0; i < 7; i++) {
            invite(org, "inv-" + i, Optional.of(f.clock.instant().plus(Duration.ofMinutes(5))));
        }
        f.clock.advance(Duration.ofMinutes(10));
        NotificationConfig limited = f.config.withLimits(3, 100);

        // WHEN runs follow each other
        List<Integer> expired = List.of(f.check(limited).run().invitesExpired(), f.check(limited).run().invitesExpired(),
                f.check(limited).run().invitesExpired(), f.check(limited).run().invitesExpired());

        // THEN 3, 3, 1, 0
        assertEquals(List.of(3, 3, 1, 0), expired);
        assertEquals(0, f.ledger.account(org).invitesPending());
        f.world.assertReconciles(org);
    }

    @Test
    void anExpiryThatFreesCreditsCancelsTheEmailItWouldHaveOwed() {
        // GIVEN 4 credits, 2 of them reserved by invites expiring soon: 2 left, a low-credit email owed
        OrgId org = Fixture.newOrg("freed");
        f.purchase(org, 4, "owner@freed.test");
        invite(org, "inv-a", Optional.of(f.clock.instant().plus(Duration.ofMinutes(5))));
        invite(org, "inv-b", Optional.of(f.clock.instant().plus(Duration.ofMinutes(5))));
        f.clock.advance(Duration.ofMinutes(10));

        // WHEN the check runs: the invites expire first, which gives the 2 credits back
        CheckSummary summary = f.check().run();

        // THEN no email: with 4 credits left the org is above its threshold again
        assertEquals(new CheckSummary(2, 0, 0, 0), summary);
        assertEquals(0, f.ses.emails().size());
        f.world.assertReconciles(org);
    }

    private static CheckSummary await(CountDownLatch start, LowCreditCheck check) {
        try {
            start.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return check.run();
    }
}
