package app.credits.ledger;

import java.util.List;
import java.util.Optional;

/** One page of an org's automatic purchases, newest first; {@code nextCursor} is opaque to callers. */
public record TopUpAttemptPage(List<TopUpAttempt> attempts, Optional<String> nextCursor) {
}
