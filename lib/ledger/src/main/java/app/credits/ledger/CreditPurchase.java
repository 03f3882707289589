package app.credits.ledger;

import app.credits.ledger.LedgerStore.Reads;
import app.credits.ledger.LedgerStore.Snapshot;
import app.credits.ledger.LedgerStore.TopUpSnapshot;

import java.time.Instant;

/**
 * Crediting a paid Checkout Session, exactly once across all orgs, with any refund or dispute of its payment
 * that arrived before it.
 */
public record CreditPurchase(CompletedCheckout checkout) {

    public Reads reads() {
        return Reads.accountOnly().purchase(checkout.checkoutSessionId()).payment(checkout.paymentIntentId());
    }

    /**
     * As {@link #decide(Snapshot, Instant)}, with the org's auto top-up state: a successful purchase re-arms a paused
     * auto top-up (docs/api.md), in the same transaction.
     */
    public Decision<PaymentOutcome> decide(TopUpSnapshot view, Instant now) {
        Decision<PaymentOutcome> decision = decide(view.snapshot(), now);
        if (!(decision instanceof Decision.Write<PaymentOutcome> write) || !view.state().isPaused()) {
            return decision;
        }
        AutoTopUp rearmed = view.state().rearmedByPurchase().nextVersion();
        return Decision.write(write.changes().writingTopUp(rearmed), write.whenCommitted());
    }

    public Decision<PaymentOutcome> decide(Snapshot snap, Instant now) {
        OrgId org = checkout.org();
        String session = checkout.checkoutSessionId();
        if (snap.purchase().isPresent()) {
            Purchase existing = snap.purchase().get();
            return Decision.answer(existing.credits() == checkout.credits()
                    ? new PaymentOutcome.AlreadyApplied(org)
                    : new PaymentOutcome.Conflict(session, "already credited with " + existing.credits() + " credits"));
        }
        if (snap.sessionOwner().isPresent() && !snap.sessionOwner().get().equals(org)) {
            return Decision.answer(new PaymentOutcome.Conflict(session, "already credited to another org"));
        }
        PaymentFacts facts = snap.payment()
                .orElseGet(() -> PaymentFacts.unknown(checkout.paymentIntentId().orElse(session)));
        if (facts.checkoutSessionId().isPresent() && !facts.checkoutSessionId().get().equals(session)) {
            return Decision.answer(new PaymentOutcome.Conflict(session,
                    "payment belongs to session " + facts.checkoutSessionId().get()));
        }
        if (facts.org().isPresent() && !facts.org().get().equals(org)) {
            return Decision.answer(new PaymentOutcome.Conflict(session, "payment belongs to another org"));
        }
        // Version 0: not stored yet; settling it makes the version 1 that is written as new.
        Purchase purchase = new Purchase(org, session, checkout.credits(), checkout.amountPaid(),
                checkout.paymentIntentId(), checkout.buyerEmail(), now, 0, Credits.ZERO, DisputeState.NONE,
                Credits.ZERO, 0);
        // Refunds or disputes that arrived before this event are applied with it.
        Purchase.Settlement settlement = purchase.arrive("Purchase of " + checkout.credits() + " credits", facts);
        Account account = snap.account();
        Account.Moved moved = account.withBuyerEmail(checkout.buyerEmail().orElse(null)).moveAll(settlement.movements(), now);
        Changes changes = Changes.toAccount(AccountChange.of(account, moved.account()))
                .appending(moved.entries())
                .writingPurchase(settlement.purchase());
        if (checkout.paymentIntentId().isPresent()) {
            changes = changes.writingPayment(facts.withPurchase(org, session).nextVersion());
        }
        return Decision.write(changes, new PaymentOutcome.Applied(org, moved.entries(), moved.account().balance()));
    }
}
