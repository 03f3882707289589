package app.credits.ledger;

import java.util.List;
import java.util.Optional;

/** One page of the log, newest first; {@code nextCursor} is opaque to callers. */
public record LogPage(List<LogEntry> entries, Optional<String> nextCursor) {
}
