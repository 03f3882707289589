package app.credits.ledger;

import app.credits.ledger.LedgerStore.TopUpSnapshot;

import java.time.Instant;

/** The email about a failed automatic purchase went out: it is owed no more (each failure is emailed once). */
public record RecordTopUpNotice(OrgId org, String attemptId) {

    public Decision<Boolean> decide(TopUpSnapshot view, Instant now) {
        AutoTopUp state = view.state();
        if (state.noticeOwed().filter(attemptId::equals).isEmpty()) {
            return Decision.answer(false);
        }
        return Decision.write(Changes.NONE.writingTopUp(state.noticeSent().nextVersion()), true);
    }
}
