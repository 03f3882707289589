package app.credits.ledger;

/** What charging a submission came to. Every refusal is its own named result; none of them wrote anything. */
public sealed interface SubmissionOutcome {

    record Charged(String submissionId, Credits creditsCharged, Credits creditsLeft, boolean fromReservation)
            implements SubmissionOutcome {
    }

    /** The same submission id with the same body again: the original result, nothing charged twice. */
    record AlreadyCharged(Charged original) implements SubmissionOutcome {
    }

    record InsufficientCredits(Credits creditsLeft, Credits cost) implements SubmissionOutcome {
    }

    /** The submission id was used before with another {@code field} (memberId or inviteId). */
    record IdempotencyConflict(String submissionId, String field) implements SubmissionOutcome {
    }

    /** A member tried to use an invite addressed to someone else: it stays pending for its invitee. */
    record InviteForSomeoneElse(String inviteId) implements SubmissionOutcome {
    }

    record InviteNotFound(String inviteId) implements SubmissionOutcome {
    }

    record InviteNotPending(String inviteId, InviteStatus status) implements SubmissionOutcome {
    }
}
