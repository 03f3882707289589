package app.credits.ledger;

import java.time.Instant;
import java.util.Map;

/**
 * An idempotency record: the caller's id, a fingerprint of what was asked, and what it came to.
 * A repeat with the same fingerprint gets {@code result} back; another fingerprint is a conflict.
 */
public record Marker(String key, String fingerprint, Map<String, String> result, Instant createdAt) {
    public Marker {
        result = Map.copyOf(result);
    }

    public static String submissionKey(String submissionId) {
        return "SUB#" + submissionId;
    }

    public static String adjustmentKey(String idempotencyKey) {
        return "ADJ#" + idempotencyKey;
    }
}
