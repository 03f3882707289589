package app.credits.ledger;

/** What revoking or expiring an invite came to. Releasing is idempotent: a second revoke answers the same. */
public sealed interface ReleaseOutcome {

    record Released(Invite invite, Credits creditsLeft) implements ReleaseOutcome {
    }

    /** Already in the requested final state (revoked twice, expired twice): nothing changed. */
    record AlreadyReleased(Invite invite, Credits creditsLeft) implements ReleaseOutcome {
    }

    record InviteNotFound(String inviteId) implements ReleaseOutcome {
    }

    /** Completed, or released the other way (revoked vs expired): its reservation is already resolved. */
    record InviteNotPending(String inviteId, InviteStatus status) implements ReleaseOutcome {
    }

    /** Expiry asked for an invite whose time has not come (or that has no expiry). */
    record NotDue(String inviteId) implements ReleaseOutcome {
    }
}
