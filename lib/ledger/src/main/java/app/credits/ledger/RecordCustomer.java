package app.credits.ledger;

import app.credits.ledger.LedgerStore.TopUpSnapshot;

import java.time.Instant;

/**
 * The org's Stripe Customer, made by the checkout for saving a card: kept on the org's auto top-up state, and
 * claimed table-wide so that the webhook can tell whose card an attached PaymentMethod is. An org keeps its first
 * Customer: a second one made concurrently loses, and the caller uses the answered one.
 */
public record RecordCustomer(OrgId org, String customerId) {

    public RecordCustomer {
        Ids.require("customer", customerId);
    }

    public Decision<String> decide(TopUpSnapshot view, Instant now) {
        AutoTopUp state = view.state();
        if (state.customerId().isPresent()) {
            return Decision.answer(state.customerId().get());
        }
        if (view.customerOwner().filter(owner -> !owner.equals(org)).isPresent()) {
            throw new IllegalStateException("Stripe Customer " + customerId + " belongs to " + view.customerOwner().get());
        }
        Changes changes = Changes.NONE.writingTopUp(state.withCustomer(customerId).nextVersion());
        if (view.customerOwner().isEmpty()) {
            changes = changes.claimingCustomer(org, customerId);
        }
        return Decision.write(changes, customerId);
    }
}
