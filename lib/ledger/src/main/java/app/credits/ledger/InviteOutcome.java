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

    /** The invite id was used before with another {@code field} (email or expiresAt). */
    record IdempotencyConflict(String inviteId, String field) implements InviteOutcome {
    }
}
