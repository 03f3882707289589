package app.credits.ledger;

/** A caller's input breaks a rule of the contract; handlers answer it with 400 invalid_request. */
public final class InvalidInput extends RuntimeException {
    public InvalidInput(String message) {
        super(message);
    }
}
