package app.credits.ledger;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static app.credits.ledger.Worlds.NOW;
import static app.credits.ledger.Worlds.ORG;
import static app.credits.ledger.Worlds.answered;
import static app.credits.ledger.Worlds.holding;
import static app.credits.ledger.Worlds.snapshot;
import static app.credits.ledger.Worlds.written;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reserving and releasing an invite's credits, decided from what was read. */
class InviteRulesTest {

    @Test
    void anInviteHoldsTheCostOfOneSubmission() {
        var reserve = new ReserveInvite(ORG, "inv_1", "ana@example.com", Optional.empty());
        var write = written(reserve.decide(snapshot(Worlds.holdingLite("2")), NOW));
        var reserved = assertInstanceOf(InviteOutcome.Reserved.class, write.whenCommitted());
        assertEquals(Credits.parse("0.25"), reserved.invite().reserved());
        assertEquals(Credits.parse("1.75"), reserved.creditsLeft());
        assertTrue(write.changes().invite().orElseThrow().isNew());
        assertEquals(Optional.of(Credits.parse("3.25")), write.changes().account().orElseThrow().premise().below());
    }

    @Test
    void anInviteNeedsCreditsLeftToCoverIt() {
        var reserve = new ReserveInvite(ORG, "inv_1", "ana@example.com", Optional.empty());
        assertInstanceOf(InviteOutcome.InsufficientCredits.class,
                answered(reserve.decide(snapshot(holding("1").reserve(Credits.ONE)), NOW)));
    }

    @Test
    void expiresAtIsInTheFutureAndAtMost366DaysAhead() {
        var past = new ReserveInvite(ORG, "inv_1", "ana@example.com", Optional.of(NOW.minusSeconds(1)));
        assertThrows(InvalidInput.class, () -> past.decide(snapshot(holding("5")), NOW));
        var tooFar = new ReserveInvite(ORG, "inv_2", "ana@example.com", Optional.of(NOW.plus(Duration.ofDays(366)).plusMillis(1)));
        assertThrows(InvalidInput.class, () -> tooFar.decide(snapshot(holding("5")), NOW));
        var yearTenThousand = new ReserveInvite(ORG, "inv_3", "ana@example.com",
                Optional.of(java.time.Instant.parse("+10000-01-01T00:00:00Z")));
        assertThrows(InvalidInput.class, () -> yearTenThousand.decide(snapshot(holding("5")), NOW));
        var aYearAndADay = new ReserveInvite(ORG, "inv_4", "ana@example.com", Optional.of(NOW.plus(Duration.ofDays(366))));
        assertInstanceOf(InviteOutcome.Reserved.class, written(aYearAndADay.decide(snapshot(holding("5")), NOW)).whenCommitted());
    }

    @Test
    void aRepeatWithAnotherEmailIsAConflictNamingIt() {
        Invite existing = Worlds.pendingInvite("inv_1", "ana@example.com", Optional.empty());
        var again = new ReserveInvite(ORG, "inv_1", "bob@example.com", Optional.empty());
        assertEquals("email", assertInstanceOf(InviteOutcome.IdempotencyConflict.class,
                answered(again.decide(Worlds.withInvite(holding("5"), existing), NOW))).field());
        var later = new ReserveInvite(ORG, "inv_1", "ana@example.com", Optional.of(NOW.plusSeconds(60)));
        assertEquals("expiresAt", assertInstanceOf(InviteOutcome.IdempotencyConflict.class,
                answered(later.decide(Worlds.withInvite(holding("5"), existing), NOW))).field());
    }

    @Test
    void releasingGivesTheReservationBackOnceAndRearmsTheEmail() {
        Account account = holding("3").reserve(Credits.ONE).notified(AlertLevel.LOW, NOW);
        Invite invite = Worlds.pendingInvite("inv_1", "ana@example.com", Optional.empty());
        var revoke = new ReleaseInvite(ORG, "inv_1", InviteStatus.REVOKED);
        var write = written(revoke.decide(Worlds.withInvite(account, invite), NOW));
        var released = assertInstanceOf(ReleaseOutcome.Released.class, write.whenCommitted());
        assertEquals(Credits.whole(3), released.creditsLeft());
        AccountChange change = write.changes().account().orElseThrow();
        assertEquals(AlertLevel.NONE, change.after().alertNotified());
        assertTrue(change.termsChanged());
        Invite revoked = write.changes().invite().orElseThrow().next();
        assertInstanceOf(ReleaseOutcome.AlreadyReleased.class, answered(revoke.decide(Worlds.withInvite(account, revoked), NOW)));
        assertThrows(IllegalStateException.class, () -> revoked.resolved(InviteStatus.EXPIRED, NOW, Optional.empty()));
    }

    @Test
    void expiryWaitsForItsTime() {
        Invite invite = Worlds.pendingInvite("inv_1", "ana@example.com", Optional.of(NOW.plusSeconds(5)));
        var expire = new ReleaseInvite(ORG, "inv_1", InviteStatus.EXPIRED);
        assertInstanceOf(ReleaseOutcome.NotDue.class,
                answered(expire.decide(Worlds.withInvite(holding("2").reserve(Credits.ONE), invite), NOW)));
    }

    @Test
    void anAccountRefusesAReservationReleasedTwice() {
        Account account = holding("2").reserve(Credits.ONE).release(Credits.ONE);
        assertThrows(IllegalStateException.class, () -> account.release(Credits.ONE));
    }
}
