package app.credits.ledger;

import java.util.List;
import java.util.Optional;

public record InvitePage(List<Invite> invites, Optional<String> nextCursor) {
}
