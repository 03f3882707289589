package app.credits.ledger;

import app.credits.ledger.LedgerStore.Snapshot;

import java.time.Instant;

/**
 * After a low-credit email went out: the crossing is told (and counted against the day's cap), unless the
 * account no longer owes exactly that email because credits moved meanwhile.
 */
public record RecordLowCreditEmail(OrgId org, AlertLevel level) {

    public Decision<Boolean> decide(Snapshot snap, Instant now) {
        Account account = snap.account();
        if (!account.alertOwed().filter(level::equals).isPresent()) {
            return Decision.answer(false);
        }
        return Decision.write(Changes.toAccount(AccountChange.of(account, account.notified(level, now))), true);
    }
}
