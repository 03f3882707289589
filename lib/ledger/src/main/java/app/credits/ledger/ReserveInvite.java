package app.credits.ledger;

import app.credits.ledger.LedgerStore.Reads;
import app.credits.ledger.LedgerStore.Snapshot;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Holding the cost of one submission for an invite (the pending half of a two-phase transfer). */
public record ReserveInvite(OrgId org, String inviteId, String email, Optional<Instant> expiresAt) {
    /** The furthest an invite may expire: a year and a day, so that one expiry index stays small and in order. */
    public static final Duration LONGEST_EXPIRY = Duration.ofDays(366);

    public ReserveInvite {
        Ids.require("inviteId", inviteId);
        Settings.requireEmail("email", email);
    }

    public Reads reads() {
        return Reads.accountOnly().invite(Optional.of(inviteId));
    }

    public Decision<InviteOutcome> decide(Snapshot snap, Instant now) {
        if (snap.invite().isPresent()) {
            return Decision.answer(replay(snap.invite().get()));
        }
        if (expiresAt.isPresent() && !expiresAt.get().isAfter(now)) {
            throw new InvalidInput("expiresAt must be in the future");
        }
        if (expiresAt.isPresent() && expiresAt.get().isAfter(now.plus(LONGEST_EXPIRY))) {
            throw new InvalidInput("expiresAt must be at most 366 days ahead");
        }
        Account account = snap.account();
        Credits cost = account.submissionCost();
        if (!account.covers(cost)) {
            return Decision.answer(new InviteOutcome.InsufficientCredits(account.creditsLeft(), cost));
        }
        Account after = account.reserve(cost);
        Invite invite = new Invite(org, inviteId, email, InviteStatus.PENDING, cost, now, expiresAt,
                Optional.empty(), Optional.empty(), after.creditsLeft(), 1);
        return Decision.write(Changes.toAccount(AccountChange.of(account, after, Optional.of(cost))).writingInvite(invite),
                new InviteOutcome.Reserved(invite, after.creditsLeft()));
    }

    /** An invite id seen before: the original answer if asked the same, else a conflict naming what differs. */
    private InviteOutcome replay(Invite existing) {
        if (!existing.email().equals(email)) {
            return new InviteOutcome.IdempotencyConflict(inviteId, "email");
        }
        if (!existing.expiresAt().equals(expiresAt)) {
            return new InviteOutcome.IdempotencyConflict(inviteId, "expiresAt");
        }
        Invite asCreated = new Invite(existing.org(), existing.inviteId(), existing.email(), InviteStatus.PENDING,
                existing.reserved(), existing.createdAt(), existing.expiresAt(), Optional.empty(), Optional.empty(),
                existing.creditsLeftWhenReserved(), 1);
        return new InviteOutcome.AlreadyReserved(new InviteOutcome.Reserved(asCreated, existing.creditsLeftWhenReserved()));
    }
}
