package app.credits.ledger;

import app.credits.ledger.LedgerStore.Reads;
import app.credits.ledger.LedgerStore.Snapshot;

import java.time.Instant;
import java.util.Optional;

/** Releasing an invite's reservation, by a revoke or by the scheduled expiry (the void half of the transfer). */
public record ReleaseInvite(OrgId org, String inviteId, InviteStatus finalStatus) {

    public ReleaseInvite {
        Ids.require("inviteId", inviteId);
        if (finalStatus != InviteStatus.REVOKED && finalStatus != InviteStatus.EXPIRED) {
            throw new IllegalArgumentException("an invite is released as revoked or expired, not " + finalStatus);
        }
    }

    public Reads reads() {
        return Reads.accountOnly().invite(Optional.of(inviteId));
    }

    public Decision<ReleaseOutcome> decide(Snapshot snap, Instant now) {
        if (snap.invite().isEmpty()) {
            return Decision.answer(new ReleaseOutcome.InviteNotFound(inviteId));
        }
        Invite invite = snap.invite().get();
        Account account = snap.account();
        if (invite.status() == finalStatus) {
            return Decision.answer(new ReleaseOutcome.AlreadyReleased(invite, account.creditsLeft()));
        }
        if (!invite.isPending()) {
            return Decision.answer(new ReleaseOutcome.InviteNotPending(inviteId, invite.status()));
        }
        if (finalStatus == InviteStatus.EXPIRED && !invite.isExpiredAt(now)) {
            return Decision.answer(new ReleaseOutcome.NotDue(inviteId));
        }
        Account after = account.release(invite.reserved());
        Invite released = invite.resolved(finalStatus, now, Optional.empty());
        return Decision.write(Changes.toAccount(AccountChange.of(account, after)).writingInvite(released),
                new ReleaseOutcome.Released(released, after.creditsLeft()));
    }
}
