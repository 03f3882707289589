package app.credits.ledger;

/** The org was too contended to commit within the retry budget; safe to retry with the same id (503). */
public final class LedgerBusy extends RuntimeException {
    public LedgerBusy(String message) {
        super(message);
    }
}
