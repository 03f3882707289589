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

    /** The submission id was used before with another member or invite. */
    record IdempotencyConflict(String submissionId) implements SubmissionOutcome {
    }

    record InviteNotFound(String inviteId) implements SubmissionOutcome {
    }

    record InviteNotPending(String inviteId, InviteStatus status) implements SubmissionOutcome {
    }
}
