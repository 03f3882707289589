package app.credits.ledger;

import app.credits.ledger.LedgerStore.TopUpSnapshot;

import java.time.Instant;
import java.util.function.UnaryOperator;

/**
 * An admin saves the auto top-up settings: part of the account's terms (the account's writes need the threshold),
 * so this is a change of terms. Turning it on needs a saved card. Turning it on, or raising the threshold, while
 * credits left are already below it is a crossing like any other: the store arms one top-up with the change.
 */
public record ConfigureAutoTopUp(OrgId org, UnaryOperator<AutoTopUpSettings> change) {

    public sealed interface Outcome {
        record Configured(AutoTopUpView view) implements Outcome {
        }

        /** docs/api.md: enabling without a saved card is a 409 {@code no_payment_method}; nothing written. */
        record NoPaymentMethod() implements Outcome {
        }
    }

    public Decision<Outcome> decide(TopUpSnapshot view, Instant now) {
        Account before = view.account();
        AutoTopUp state = view.state();
        AutoTopUpSettings next = change.apply(before.autoTopUp());
        if (next.enabled() && !before.autoTopUp().enabled() && state.card().isEmpty()) {
            return Decision.answer(new Outcome.NoPaymentMethod());
        }
        Account after = before.withAutoTopUp(next);
        if (before.isStored() && after.terms().equals(before.terms())) {
            return Decision.answer(new Outcome.Configured(AutoTopUpView.of(before, state, now)));
        }
        AccountChange account = AccountChange.of(before, after);
        AutoTopUp shown = account.crossesIntoTopUp() ? state.armedAtOnce() : state;
        return Decision.write(Changes.toAccount(account), new Outcome.Configured(AutoTopUpView.of(after, shown, now)));
    }
}
