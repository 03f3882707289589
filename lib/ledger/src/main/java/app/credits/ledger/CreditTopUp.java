package app.credits.ledger;

import app.credits.ledger.LedgerStore.Reads;
import app.credits.ledger.LedgerStore.Snapshot;
import app.credits.ledger.LedgerStore.TopUpReads;
import app.credits.ledger.LedgerStore.TopUpSnapshot;

import java.time.Instant;
import java.util.Optional;

/**
 * Crediting an automatic purchase, exactly once, on Stripe's confirmation: a purchase like any other (a
 * {@code purchase} log entry, lifetime purchases, a {@link Purchase} keyed by its PaymentIntent so that refunds
 * and disputes of it apply as they do to a checkout's, with any that arrived first), the attempt succeeded and the
 * auto top-up state settled in the same transaction. Only a payment that matches its attempt (org, credits, amount,
 * currency, PaymentIntent) is credited.
 */
public record CreditTopUp(AutomaticPayment payment) {

    public TopUpReads reads() {
        return TopUpReads.state().with(Reads.accountOnly().purchase(payment.paymentIntentId())
                .payment(Optional.of(payment.paymentIntentId()))).attempt(Optional.of(payment.attemptId()));
    }

    public Decision<PaymentOutcome> decide(TopUpSnapshot view, Instant now) {
        OrgId org = payment.org();
        String pi = payment.paymentIntentId();
        Snapshot snap = view.snapshot();
        if (snap.purchase().isPresent()) {
            return Decision.answer(snap.purchase().get().credits() == payment.credits()
                    ? new PaymentOutcome.AlreadyApplied(org)
                    : new PaymentOutcome.Conflict(pi, "already credited with " + snap.purchase().get().credits() + " credits"));
        }
        if (snap.sessionOwner().filter(owner -> !owner.equals(org)).isPresent()) {
            return Decision.answer(new PaymentOutcome.Conflict(pi, "already credited to another org"));
        }
        Optional<String> mismatch = mismatch(view.attempt());
        if (mismatch.isPresent()) {
            return Decision.answer(new PaymentOutcome.Conflict(pi, mismatch.get()));
        }
        TopUpAttempt attempt = view.attempt().get();
        PaymentFacts facts = snap.payment().orElseGet(() -> PaymentFacts.unknown(pi));
        if (facts.checkoutSessionId().filter(id -> !id.equals(pi)).isPresent() || facts.org().filter(o -> !o.equals(org)).isPresent()) {
            return Decision.answer(new PaymentOutcome.Conflict(pi, "payment belongs to another purchase"));
        }
        // Keyed by the PaymentIntent where a checkout's purchase is keyed by its session: refunds find it the same way.
        Purchase purchase = new Purchase(org, pi, payment.credits(), payment.amountPaid(), Optional.of(pi),
                Optional.empty(), now, 0, Credits.ZERO, DisputeState.NONE, Credits.ZERO, 0);
        Purchase.Settlement settlement = purchase.arrive("Automatic top-up of " + payment.credits() + " credits", facts);
        Account account = view.account();
        Account.Moved moved = account.moveAll(settlement.movements(), now);
        AccountChange change = AccountChange.of(account, moved.account());
        AutoTopUp state = view.state().succeeded(attempt).nextVersion();
        Changes changes = Changes.toAccount(change)
                .appending(moved.entries())
                .writingPurchase(settlement.purchase())
                .writingPayment(facts.withPurchase(org, pi).nextVersion())
                .writingTopUp(state)
                .writingAttempt(attempt.settled(TopUpStatus.SUCCEEDED, Optional.of(pi), Optional.empty()));
        return Decision.write(changes, new PaymentOutcome.Applied(org, moved.entries(), moved.account().balance()));
    }

    /** Why this payment is not the attempt it names, if it is not. */
    private Optional<String> mismatch(Optional<TopUpAttempt> found) {
        if (found.isEmpty()) {
            return Optional.of("no automatic purchase " + payment.attemptId());
        }
        TopUpAttempt attempt = found.get();
        if (attempt.credits() != payment.credits()) {
            return Optional.of("attempt " + attempt.id() + " bought " + attempt.credits() + " credits, not " + payment.credits());
        }
        if (!attempt.amount().currency().equals(payment.amountPaid().currency())
                || attempt.amount().amount() != payment.amountPaid().amount()) {
            return Optional.of("attempt " + attempt.id() + " charged " + attempt.amount().amount() + " "
                    + attempt.amount().currency() + ", not " + payment.amountPaid().amount() + " "
                    + payment.amountPaid().currency());
        }
        if (attempt.paymentIntentId().filter(id -> !id.equals(payment.paymentIntentId())).isPresent()) {
            return Optional.of("attempt " + attempt.id() + " was charged as " + attempt.paymentIntentId().get());
        }
        return Optional.empty();
    }
}
