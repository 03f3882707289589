package app.credits.ledger;

/** What reserving credits for an invite came to. */
public sealed interface InviteOutcome {

    record Reserved(Invite invite, Credits creditsLeft) implements InviteOutcome {
    }

    /** The same invite id with the same email and expiry again: the original result. */
    record AlreadyReserved(Reserved original) implements InviteOutcome {
    }

    record InsufficientCredits(Credits creditsLeft, Credits cost) implements InviteOutcome {
    }

    record IdempotencyConflict(String inviteId) implements InviteOutcome {
    }
}
