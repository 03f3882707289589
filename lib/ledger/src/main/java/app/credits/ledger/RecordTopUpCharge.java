package app.credits.ledger;

import app.credits.ledger.LedgerStore.TopUpSnapshot;

import java.time.Instant;

/**
 * What an automatic purchase's charge came to, from the pass (Stripe's answer) or the webhook
 * ({@code payment_intent.payment_failed}), whichever comes first: a confirmed charge notes its PaymentIntent (the
 * credits follow {@code payment_intent.succeeded}); a failure settles the attempt and the auto top-up state in one
 * transaction (see {@link AutoTopUp#failed}). The same outcome twice changes nothing, and a failure never undoes a
 * success.
 */
public record RecordTopUpCharge(OrgId org, String attemptId, ChargeOutcome outcome) {

    public sealed interface Recorded {
        record Noted(TopUpAttempt attempt, AutoTopUp state) implements Recorded {
        }

        /** The attempt was settled already (by the other path, or a success): nothing written. */
        record AlreadySettled(TopUpAttempt attempt) implements Recorded {
        }

        record UnknownAttempt(String attemptId) implements Recorded {
        }
    }

    public Decision<Recorded> decide(TopUpSnapshot view, Instant now) {
        if (view.attempt().isEmpty()) {
            return Decision.answer(new Recorded.UnknownAttempt(attemptId));
        }
        TopUpAttempt attempt = view.attempt().get();
        if (!attempt.isPending()) {
            return Decision.answer(new Recorded.AlreadySettled(attempt));
        }
        return switch (outcome) {
            case ChargeOutcome.Confirmed confirmed -> {
                if (attempt.paymentIntentId().filter(confirmed.paymentIntentId()::equals).isPresent()) {
                    yield Decision.answer(new Recorded.AlreadySettled(attempt));
                }
                TopUpAttempt charged = attempt.charged(confirmed.paymentIntentId());
                yield Decision.write(Changes.NONE.writingAttempt(charged), new Recorded.Noted(charged, view.state()));
            }
            case ChargeOutcome.Failed failed -> {
                TopUpAttempt settled = attempt.settled(failed.failure().status(), failed.paymentIntentId(),
                        java.util.Optional.of(failed.failure().code()));
                AutoTopUp state = view.state().failed(attempt, failed.failure(), now).nextVersion();
                yield Decision.write(Changes.NONE.writingTopUp(state).writingAttempt(settled),
                        new Recorded.Noted(settled, state));
            }
        };
    }
}
