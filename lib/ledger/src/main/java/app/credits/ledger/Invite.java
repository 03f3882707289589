package app.credits.ledger;

import java.time.Instant;
import java.util.Optional;

/**
 * A pending invite holds {@code reserved} credits (a two-phase transfer): it resolves exactly once, by a
 * submission (completed), a revoke (revoked) or the scheduled expiry (expired).
 */
public record Invite(
        OrgId org,
        String inviteId,
        String email,
        InviteStatus status,
        Credits reserved,
        Instant createdAt,
        Optional<Instant> expiresAt,
        Optional<Instant> resolvedAt,
        Optional<String> submissionId,
        Credits creditsLeftWhenReserved,
        long version) {

    public boolean isPending() {
        return status == InviteStatus.PENDING;
    }

    public boolean isExpiredAt(Instant now) {
        return expiresAt.map(at -> !now.isBefore(at)).orElse(false);
    }

    public Invite resolved(InviteStatus newStatus, Instant at, Optional<String> bySubmission) {
        return new Invite(org, inviteId, email, newStatus, reserved, createdAt, expiresAt, Optional.of(at),
                bySubmission, creditsLeftWhenReserved, version);
    }
}
