package app.credits.submissions;

import app.credits.http.ApiError;
import app.credits.http.Call;
import app.credits.http.Caller;
import app.credits.http.HttpFunction;
import app.credits.http.HttpResponse;
import app.credits.runtime.Json;
import app.credits.http.JsonBody;
import app.credits.runtime.Ledgers;
import app.credits.runtime.Metrics;
import app.credits.http.Role;
import app.credits.http.Route;
import app.credits.ledger.ChargeSubmission;
import app.credits.ledger.Ledger;
import app.credits.ledger.SubmissionOutcome;

import java.util.List;
import java.util.Optional;

/**
 * {@code POST /orgs/{orgId}/submissions}: charges one submission, from an invite's reservation or from credits
 * left. Idempotent on {@code submissionId}.
 */
public final class SubmissionsFunction extends HttpFunction {
    private final Ledger ledger;

    public SubmissionsFunction() {
        this(Ledgers.fromEnvironment());
    }

    public SubmissionsFunction(Ledger ledger) {
        this.ledger = ledger;
    }

    @Override
    protected List<Route> declareRoutes() {
        return List.of(Route.of("POST /orgs/{orgId}/submissions", Role.ALL, this::submit));
    }

    private HttpResponse submit(Call call) {
        JsonBody body = call.body();
        String submissionId = body.requiredId("submissionId");
        String memberId = body.requiredId("memberId");
        Optional<String> inviteId = body.optionalId("inviteId");
        Caller caller = call.caller();
        if (caller.role() == Role.MEMBER && !memberId.equals(caller.sub())) {
            throw ApiError.permission("member_mismatch", "a member may only submit as themselves (memberId = sub)");
        }
        // A member may only spend an invite addressed to them (a token without an email matches no invite).
        Optional<String> invitee = caller.role() == Role.MEMBER
                ? Optional.of(caller.email().orElse("")) : Optional.empty();
        SubmissionOutcome outcome = ledger.chargeSubmission(
                new ChargeSubmission(call.org(), submissionId, memberId, inviteId, invitee));
        return switch (outcome) {
            case SubmissionOutcome.Charged charged -> {
                call.outcome("charged");
                call.metrics().add(Metrics.CREDITS_CHARGED, charged.creditsCharged());
                yield HttpResponse.json(201, render(charged));
            }
            case SubmissionOutcome.AlreadyCharged replay -> {
                call.outcome("replayed");
                yield HttpResponse.json(200, render(replay.original()));
            }
            case SubmissionOutcome.InsufficientCredits refused -> {
                call.metrics().add(Metrics.CREDITS_REFUSED, refused.cost());
                throw ApiError.insufficientCredits("a submission costs " + refused.cost() + " credits and "
                        + refused.creditsLeft() + " are left");
            }
            case SubmissionOutcome.IdempotencyConflict conflict -> throw ApiError.conflict("idempotency_conflict",
                    "submission " + conflict.submissionId() + " was already made with another " + conflict.field());
            case SubmissionOutcome.InviteForSomeoneElse other -> throw ApiError.permission("invite_not_yours",
                    "invite " + other.inviteId() + " is addressed to someone else");
            case SubmissionOutcome.InviteNotFound missing -> throw ApiError.notFound("invite_not_found",
                    "no invite " + missing.inviteId() + " in this org");
            case SubmissionOutcome.InviteNotPending notPending -> throw ApiError.conflict("invite_not_pending",
                    "invite " + notPending.inviteId() + " is " + notPending.status().wireName() + ", not pending");
        };
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode render(SubmissionOutcome.Charged charged) {
        return Json.object()
                .put("submissionId", charged.submissionId())
                .put("creditsCharged", Json.credits(charged.creditsCharged()))
                .put("creditsLeft", Json.credits(charged.creditsLeft()))
                .put("fromReservation", charged.fromReservation());
    }
}
