package app.credits.invites;

import app.credits.http.ApiError;
import app.credits.http.Call;
import app.credits.http.HttpFunction;
import app.credits.http.HttpResponse;
import app.credits.runtime.Json;
import app.credits.http.JsonBody;
import app.credits.runtime.Ledgers;
import app.credits.runtime.Metrics;
import app.credits.http.Role;
import app.credits.http.Route;
import app.credits.ledger.Invite;
import app.credits.ledger.InviteOutcome;
import app.credits.ledger.InvitePage;
import app.credits.ledger.InviteStatus;
import app.credits.ledger.Ledger;
import app.credits.ledger.ReleaseOutcome;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Invites: reserve the cost of one submission ({@code POST}), list them ({@code GET}), revoke one and release its
 * reservation ({@code DELETE}). Creating and revoking are idempotent on {@code inviteId}.
 */
public final class InvitesFunction extends HttpFunction {
    private static final Set<Role> ROLES = EnumSet.of(Role.ADMIN, Role.SERVICE, Role.STAFF);

    private final Ledger ledger;

    public InvitesFunction() {
        this(Ledgers.fromEnvironment());
    }

    public InvitesFunction(Ledger ledger) {
        this.ledger = ledger;
    }

    @Override
    protected List<Route> declareRoutes() {
        return List.of(
                Route.of("POST /orgs/{orgId}/invites", ROLES, this::create),
                Route.of("GET /orgs/{orgId}/invites", ROLES, this::list),
                Route.of("DELETE /orgs/{orgId}/invites/{inviteId}", ROLES, this::revoke));
    }

    private HttpResponse create(Call call) {
        JsonBody body = call.body();
        String inviteId = body.requiredId("inviteId");
        String email = body.requiredString("email");
        Optional<Instant> expiresAt = body.optionalTime("expiresAt");
        InviteOutcome outcome = ledger.reserveInvite(call.org(), inviteId, email, expiresAt);
        return switch (outcome) {
            case InviteOutcome.Reserved reserved -> {
                call.outcome("reserved");
                call.metrics().add(Metrics.CREDITS_RESERVED, reserved.invite().reserved());
                yield HttpResponse.json(201, render(reserved));
            }
            case InviteOutcome.AlreadyReserved replay -> {
                call.outcome("replayed");
                yield HttpResponse.json(200, render(replay.original()));
            }
            case InviteOutcome.InsufficientCredits refused -> {
                call.metrics().add(Metrics.CREDITS_REFUSED, refused.cost());
                throw ApiError.insufficientCredits("an invite reserves " + refused.cost() + " credits and "
                        + refused.creditsLeft() + " are left");
            }
            case InviteOutcome.IdempotencyConflict conflict -> throw ApiError.conflict("idempotency_conflict",
                    "invite " + conflict.inviteId() + " already exists with another " + conflict.field());
        };
    }

    private static ObjectNode render(InviteOutcome.Reserved reserved) {
        return Json.object()
                .put("inviteId", reserved.invite().inviteId())
                .put("status", InviteStatus.PENDING.wireName())
                .put("creditsReserved", Json.credits(reserved.invite().reserved()))
                .put("creditsLeft", Json.credits(reserved.creditsLeft()));
    }

    private HttpResponse list(Call call) {
        Optional<InviteStatus> status = call.query("status").map(InviteStatus::fromWire);
        InvitePage page = ledger.invites(call.org(), status, call.limit(25), call.cursor());
        ObjectNode answer = Json.object();
        ArrayNode data = answer.putArray("data");
        for (Invite invite : page.invites()) {
            ObjectNode item = data.addObject()
                    .put("inviteId", invite.inviteId())
                    .put("email", invite.email())
                    .put("status", invite.status().wireName())
                    .put("creditsReserved", Json.credits(invite.reserved()))
                    .put("createdAt", Json.time(invite.createdAt()));
            Json.putTime(item, "expiresAt", invite.expiresAt());
            Json.putTime(item, "resolvedAt", invite.resolvedAt());
            Json.putOptional(item, "submissionId", invite.submissionId());
        }
        Json.putOptional(answer, "nextCursor", page.nextCursor());
        call.outcome("listed");
        return HttpResponse.json(200, answer);
    }

    private HttpResponse revoke(Call call) {
        String inviteId = call.pathId("inviteId");
        ReleaseOutcome outcome = ledger.revokeInvite(call.org(), inviteId);
        return switch (outcome) {
            case ReleaseOutcome.Released released -> {
                call.outcome("revoked");
                call.metrics().add(Metrics.CREDITS_RELEASED, released.invite().reserved());
                yield HttpResponse.json(200, revoked(inviteId, released.creditsLeft()));
            }
            case ReleaseOutcome.AlreadyReleased already -> {
                call.outcome("replayed");
                yield HttpResponse.json(200, revoked(inviteId, already.creditsLeft()));
            }
            case ReleaseOutcome.InviteNotFound missing -> throw ApiError.notFound("invite_not_found",
                    "no invite " + missing.inviteId() + " in this org");
            case ReleaseOutcome.InviteNotPending notPending -> throw ApiError.conflict("invite_not_pending",
                    "invite " + notPending.inviteId() + " is " + notPending.status().wireName() + ", not pending");
            case ReleaseOutcome.NotDue notDue ->
                    throw new IllegalStateException("a revoke answered NotDue for " + notDue.inviteId());
        };
    }

    private static ObjectNode revoked(String inviteId, app.credits.ledger.Credits creditsLeft) {
        return Json.object()
                .put("inviteId", inviteId)
                .put("status", InviteStatus.REVOKED.wireName())
                .put("creditsLeft", Json.credits(creditsLeft));
    }
}
