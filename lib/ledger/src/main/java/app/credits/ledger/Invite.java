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
        long version) implements Versioned {

    public boolean isPending() {
        return status == InviteStatus.PENDING;
    }

    public boolean isExpiredAt(Instant now) {
        return expiresAt.map(at -> !now.isBefore(at)).orElse(false);
    }

    /** The invite's reservation resolved, once: the next version, no longer pending. */
    public Invite resolved(InviteStatus newStatus, Instant at, Optional<String> bySubmission) {
        if (!isPending() || newStatus == InviteStatus.PENDING) {
            throw new IllegalStateException("invite " + inviteId + " is " + status.wireName() + ": it resolves once");
        }
        return new Invite(org, inviteId, email, newStatus, reserved, createdAt, expiresAt, Optional.of(at),
                bySubmission, creditsLeftWhenReserved, version + 1);
    }

    /** Whether this invite is addressed to {@code email} (addresses compare without regard to case). */
    public boolean isAddressedTo(String address) {
        return email.equalsIgnoreCase(address);
    }
}
