package app.credits.ledger;

import app.credits.ledger.LedgerStore.Snapshot;

import java.time.Instant;
import java.util.function.UnaryOperator;

/**
 * Changing an org's terms (settings, plan, recipients who unsubscribed): {@code change} sees the account as stored
 * at each attempt, so a partial update loses no concurrent one. Answers the account after the change.
 */
public record ChangeTerms(OrgId org, UnaryOperator<Account> change) {

    public Decision<Account> decide(Snapshot snap, Instant now) {
        Account before = snap.account();
        Account after = change.apply(before);
        if (before.isStored() && after.terms().equals(before.terms())) {
            return Decision.answer(before);
        }
        return Decision.write(Changes.toAccount(AccountChange.of(before, after)), after);
    }
}
