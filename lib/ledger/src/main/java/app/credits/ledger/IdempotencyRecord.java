package app.credits.ledger;

import java.time.Instant;
import java.util.Optional;

/**
 * What a caller-chosen id was used for, written in the same transaction as the movement it made: the request as
 * asked and the result as answered, both typed. A repeat of the same request gets the same result back; a repeat
 * with another request is a conflict that names the field that differs.
 */
public sealed interface IdempotencyRecord {

    /** Where the record lives among the org's items (the id space of each operation is its own). */
    String key();

    Instant createdAt();

    static String submissionKey(String submissionId) {
        return "SUB#" + submissionId;
    }

    static String adjustmentKey(String idempotencyKey) {
        return "ADJ#" + idempotencyKey;
    }

    /** The parameters that make two submissions with one id the same submission. */
    record SubmissionRequest(String memberId, Optional<String> inviteId) {
        /** The first field in which {@code other} asks something else, if any. */
        public Optional<String> differingField(SubmissionRequest other) {
            if (!memberId.equals(other.memberId)) {
                return Optional.of("memberId");
            }
            return inviteId.equals(other.inviteId) ? Optional.empty() : Optional.of("inviteId");
        }
    }

    record SubmissionCharged(String submissionId, SubmissionRequest request, SubmissionOutcome.Charged result,
                             Instant createdAt) implements IdempotencyRecord {
        @Override
        public String key() {
            return submissionKey(submissionId);
        }
    }

    /** The parameters that make two adjustments with one Idempotency-Key the same adjustment. */
    record AdjustmentRequest(EntryType kind, Credits credits, String reason) {
        public Optional<String> differingField(AdjustmentRequest other) {
            if (kind != other.kind) {
                return Optional.of("kind");
            }
            if (!credits.equals(other.credits)) {
                return Optional.of("credits");
            }
            return reason.equals(other.reason) ? Optional.empty() : Optional.of("reason");
        }
    }

    record Adjusted(String idempotencyKey, AdjustmentRequest request, AdjustmentOutcome.Adjusted result,
                    Instant createdAt) implements IdempotencyRecord {
        @Override
        public String key() {
            return adjustmentKey(idempotencyKey);
        }
    }
}
