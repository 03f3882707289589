package app.credits.ledger;

import app.credits.ledger.IdempotencyRecord.SubmissionCharged;
import app.credits.ledger.IdempotencyRecord.SubmissionRequest;
import app.credits.ledger.LedgerStore.Reads;
import app.credits.ledger.LedgerStore.Snapshot;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Charging one submission: from an invite's reservation, or from credits left. Idempotent on
 * {@code submissionId}. {@code inviteeEmail} is set when the caller may only use invites addressed to them
 * (a member).
 */
public record ChargeSubmission(OrgId org, String submissionId, String memberId, Optional<String> inviteId,
                               Optional<String> inviteeEmail) {

    public ChargeSubmission {
        Ids.require("submissionId", submissionId);
        Ids.require("memberId", memberId);
        inviteId.ifPresent(id -> Ids.require("inviteId", id));
    }

    public Reads reads() {
        return Reads.accountOnly().record(IdempotencyRecord.submissionKey(submissionId)).invite(inviteId);
    }

    SubmissionRequest request() {
        return new SubmissionRequest(memberId, inviteId);
    }

    public Decision<SubmissionOutcome> decide(Snapshot snap, Instant now) {
        if (snap.record().isPresent()) {
            return Decision.answer(replay(snap.record().get()));
        }
        Account account = snap.account();
        Account after;
        Credits cost;
        Optional<Invite> consumed = Optional.empty();
        if (inviteId.isPresent()) {
            if (snap.invite().isEmpty()) {
                return Decision.answer(new SubmissionOutcome.InviteNotFound(inviteId.get()));
            }
            Invite invite = snap.invite().get();
            if (!invite.isPending() || invite.isExpiredAt(now)) {
                InviteStatus status = invite.isPending() ? InviteStatus.EXPIRED : invite.status();
                return Decision.answer(new SubmissionOutcome.InviteNotPending(invite.inviteId(), status));
            }
            if (inviteeEmail.isPresent() && !invite.isAddressedTo(inviteeEmail.get())) {
                return Decision.answer(new SubmissionOutcome.InviteForSomeoneElse(invite.inviteId()));
            }
            // The invite held the price of one submission when it was created: that is what is charged.
            cost = invite.reserved();
            after = account.spendReservation(cost, now);
            consumed = Optional.of(invite.resolved(InviteStatus.COMPLETED, now, Optional.of(submissionId)));
        } else {
            cost = account.submissionCost();
            if (!account.covers(cost)) {
                return Decision.answer(new SubmissionOutcome.InsufficientCredits(account.creditsLeft(), cost));
            }
            after = account.move(EntryType.SUBMISSION, cost.negate(), now);
        }
        NewEntry entry = new NewEntry(after.lastEntryKey(), EntryType.SUBMISSION, cost.negate(),
                "Submission by " + memberId + inviteId.map(id -> " (invite " + id + ")").orElse(""), submissionId);
        var charged = new SubmissionOutcome.Charged(submissionId, cost, after.creditsLeft(), inviteId.isPresent());
        Optional<Credits> mustCover = inviteId.isPresent() ? Optional.empty() : Optional.of(cost);
        Changes changes = Changes.toAccount(AccountChange.of(account, after, mustCover))
                .appending(List.of(entry))
                .recording(new SubmissionCharged(submissionId, request(), charged, now));
        if (consumed.isPresent()) {
            changes = changes.writingInvite(consumed.get());
        }
        return new Decision.Write<>(changes, charged, this::replay);
    }

    /** The answer to a repeat of this submission id: the original result, or a conflict naming what differs. */
    SubmissionOutcome replay(IdempotencyRecord record) {
        if (!(record instanceof SubmissionCharged original)) {
            throw new IllegalStateException("record " + record.key() + " is not a submission's");
        }
        return original.request().differingField(request())
                .<SubmissionOutcome>map(field -> new SubmissionOutcome.IdempotencyConflict(submissionId, field))
                .orElseGet(() -> new SubmissionOutcome.AlreadyCharged(original.result()));
    }
}
