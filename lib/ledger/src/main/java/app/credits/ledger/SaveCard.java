package app.credits.ledger;

import app.credits.ledger.LedgerStore.TopUpSnapshot;

import java.time.Instant;

/**
 * A card was attached to the org's Stripe Customer (a checkout with "save card"): it becomes the card automatic
 * purchases are charged to, unless a newer one is already kept (events may come in any order). A new card re-arms a
 * paused auto top-up and clears the declines of the old one (see {@link AutoTopUp#withCard}).
 */
public record SaveCard(OrgId org, String customerId, SavedCard card) {

    public sealed interface Outcome {
        record Saved(AutoTopUp state) implements Outcome {
        }

        /** This card, or a newer one, is kept already: nothing written. */
        record AlreadyKept(SavedCard kept) implements Outcome {
        }

        /** The Customer is not (or no longer) the org's: nothing written. */
        record NotTheOrgsCustomer(String customerId) implements Outcome {
        }
    }

    public Decision<Outcome> decide(TopUpSnapshot view, Instant now) {
        AutoTopUp state = view.state();
        if (state.customerId().filter(customerId::equals).isEmpty()) {
            return Decision.answer(new Outcome.NotTheOrgsCustomer(customerId));
        }
        if (state.card().filter(kept -> !card.newerThan(kept)).isPresent()) {
            return Decision.answer(new Outcome.AlreadyKept(state.card().get()));
        }
        AutoTopUp saved = state.withCard(card).nextVersion();
        return Decision.write(Changes.NONE.writingTopUp(saved), new Outcome.Saved(saved));
    }
}
