package app.credits.ledger;

import app.credits.ledger.LedgerStore.TopUpSnapshot;

import java.time.Instant;

/** A successful purchase re-arms a paused auto top-up (API.md); one that is not paused is left as it is. */
public record RearmAutoTopUp(OrgId org) {

    public Decision<Boolean> decide(TopUpSnapshot view, Instant now) {
        AutoTopUp state = view.state();
        if (!state.isPaused()) {
            return Decision.answer(false);
        }
        return Decision.write(Changes.NONE.writingTopUp(state.rearmedByPurchase().nextVersion()), true);
    }
}
