package app.credits.ledger;

import app.credits.ledger.IdempotencyRecord.SubmissionCharged;
import app.credits.ledger.IdempotencyRecord.SubmissionRequest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static app.credits.ledger.Worlds.NOW;
import static app.credits.ledger.Worlds.ORG;
import static app.credits.ledger.Worlds.answered;
import static app.credits.ledger.Worlds.holding;
import static app.credits.ledger.Worlds.snapshot;
import static app.credits.ledger.Worlds.written;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Charging a submission, decided from what was read: no storage involved. */
class ChargeSubmissionRulesTest {
    private final ChargeSubmission fromCredits = new ChargeSubmission(ORG, "sub_1", "user_1", Optional.empty(), Optional.empty());

    @Test
    void aSubmissionTakesOneCreditAndWritesOneEntryAndItsRecord() {
        Account account = holding("10");
        var write = written(fromCredits.decide(snapshot(account), NOW));
        var charged = assertInstanceOf(SubmissionOutcome.Charged.class, write.whenCommitted());
        assertEquals(Credits.ONE, charged.creditsCharged());
        assertEquals(Credits.whole(9), charged.creditsLeft());
        assertEquals(List.of("sub_1"), Worlds.references(write.changes()));
        assertEquals(Credits.whole(-1), write.changes().entries().getFirst().credits());
        assertInstanceOf(SubmissionCharged.class, write.changes().record().orElseThrow());
        AccountChange change = write.changes().account().orElseThrow();
        assertEquals(Credits.whole(-1), change.balanceDelta());
        assertEquals(Credits.ONE, change.usedDelta());
        assertEquals(1, change.entryCountDelta());
    }

    @Test
    void itsPremiseIsThatCreditsLeftStillCoverItAndCallForTheSameAlert() {
        // 10 left, threshold 3: the charge is right for any 4 <= credits left (after it, still no alert).
        var change = written(fromCredits.decide(snapshot(holding("10")), NOW)).changes().account().orElseThrow();
        assertEquals(new CreditsRange(Optional.of(Credits.whole(4)), Optional.empty()), change.premise());
        assertFalse(change.termsChanged());
    }

    @Test
    void theChargeThatCrossesTheThresholdIsRightOnlyForTheCreditsLeftThatCross() {
        // 3.5 left: after it 2.5 calls for the low email, which the charge writes into the index.
        var change = written(fromCredits.decide(snapshot(holding("3.5")), NOW)).changes().account().orElseThrow();
        assertEquals(new CreditsRange(Optional.of(Credits.parse("1.01")), Optional.of(Credits.whole(4))), change.premise());
        assertEquals(Optional.of(AlertLevel.LOW), change.after().alertOwed());
    }

    @Test
    void withoutEnoughCreditsLeftNothingIsWritten() {
        var refused = assertInstanceOf(SubmissionOutcome.InsufficientCredits.class,
                answered(fromCredits.decide(snapshot(holding("0.5")), NOW)));
        assertEquals(Credits.parse("0.5"), refused.creditsLeft());
        assertEquals(Credits.ONE, refused.cost());
    }

    @Test
    void aRepeatAnswersTheOriginalResultAtAnyBalance() {
        var original = new SubmissionOutcome.Charged("sub_1", Credits.ONE, Credits.whole(1_199_999), false);
        var record = new SubmissionCharged("sub_1", new SubmissionRequest("user_1", Optional.empty()), original, NOW);
        var replay = assertInstanceOf(SubmissionOutcome.AlreadyCharged.class,
                answered(fromCredits.decide(Worlds.withRecord(holding("5"), record), NOW)));
        assertEquals(original, replay.original());
    }

    @Test
    void aRepeatWithAnotherMemberIsAConflictNamingTheField() {
        var record = new SubmissionCharged("sub_1", new SubmissionRequest("user_2", Optional.empty()),
                new SubmissionOutcome.Charged("sub_1", Credits.ONE, Credits.ZERO, false), NOW);
        var conflict = assertInstanceOf(SubmissionOutcome.IdempotencyConflict.class,
                answered(fromCredits.decide(Worlds.withRecord(holding("5"), record), NOW)));
        assertEquals("memberId", conflict.field());
        var withInvite = new ChargeSubmission(ORG, "sub_1", "user_2", Optional.of("inv_1"), Optional.empty());
        assertEquals("inviteId", assertInstanceOf(SubmissionOutcome.IdempotencyConflict.class,
                answered(withInvite.decide(Worlds.withRecord(holding("5"), record), NOW))).field());
    }

    @Test
    void anInvitesReservationPaysAndCreditsLeftDoNotMove() {
        Account account = holding("1").reserve(Credits.ONE);
        Invite invite = Worlds.pendingInvite("inv_1", "ana@example.com", Optional.empty());
        var submission = new ChargeSubmission(ORG, "sub_2", "user_1", Optional.of("inv_1"), Optional.empty());
        var write = written(submission.decide(Worlds.withInvite(account, invite), NOW));
        var charged = assertInstanceOf(SubmissionOutcome.Charged.class, write.whenCommitted());
        assertTrue(charged.fromReservation());
        AccountChange change = write.changes().account().orElseThrow();
        assertEquals(Credits.ZERO, change.creditsLeftDelta());
        assertEquals(Credits.whole(-1), change.reservedDelta());
        assertEquals(-1, change.invitesPendingDelta());
        assertEquals(InviteStatus.COMPLETED, write.changes().invite().orElseThrow().next().status());
        assertEquals(1, write.changes().invite().orElseThrow().expectedVersion());
    }

    @Test
    void spendingAReservationAtZeroDoesNotRearmTheBlockedEmail() {
        Account account = holding("1").reserve(Credits.ONE).notified(AlertLevel.ZERO, NOW);
        Invite invite = Worlds.pendingInvite("inv_1", "ana@example.com", Optional.empty());
        var submission = new ChargeSubmission(ORG, "sub_3", "user_1", Optional.of("inv_1"), Optional.empty());
        Account after = written(submission.decide(Worlds.withInvite(account, invite), NOW)).changes().account()
                .orElseThrow().after();
        assertEquals(AlertLevel.ZERO, after.alertNotified());
        assertEquals(Optional.empty(), after.alertOwed());
    }

    @Test
    void aMemberMayNotSpendAnInviteAddressedToSomeoneElse() {
        Account account = holding("0").reserve(Credits.ONE);
        Invite invite = Worlds.pendingInvite("inv_1", "ana@example.com", Optional.empty());
        var byBob = new ChargeSubmission(ORG, "sub_4", "bob", Optional.of("inv_1"), Optional.of("bob@example.com"));
        assertInstanceOf(SubmissionOutcome.InviteForSomeoneElse.class,
                answered(byBob.decide(Worlds.withInvite(account, invite), NOW)));
        var byAna = new ChargeSubmission(ORG, "sub_5", "ana", Optional.of("inv_1"), Optional.of("ANA@example.com"));
        assertInstanceOf(SubmissionOutcome.Charged.class,
                written(byAna.decide(Worlds.withInvite(account, invite), NOW)).whenCommitted());
    }

    @Test
    void anExpiredOrResolvedInviteIsNotPending() {
        Account account = holding("1").reserve(Credits.ONE);
        Invite expired = Worlds.pendingInvite("inv_1", "ana@example.com", Optional.of(NOW.minusSeconds(1)));
        var submission = new ChargeSubmission(ORG, "sub_6", "ana", Optional.of("inv_1"), Optional.empty());
        assertEquals(InviteStatus.EXPIRED, assertInstanceOf(SubmissionOutcome.InviteNotPending.class,
                answered(submission.decide(Worlds.withInvite(account, expired), NOW))).status());
        Invite revoked = Worlds.pendingInvite("inv_1", "ana@example.com", Optional.empty())
                .resolved(InviteStatus.REVOKED, NOW, Optional.empty());
        assertEquals(InviteStatus.REVOKED, assertInstanceOf(SubmissionOutcome.InviteNotPending.class,
                answered(submission.decide(Worlds.withInvite(account, revoked), NOW))).status());
    }
}
