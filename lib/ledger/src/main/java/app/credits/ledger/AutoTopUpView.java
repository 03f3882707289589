package app.credits.ledger;

import java.time.Instant;
import java.util.Optional;

/**
 * An org's auto top-up as {@code GET /auto-top-up} shows it: the admin's settings, the saved card, and the status
 * ({@code off}, {@code no_payment_method}, {@code paused} with the decline code, or {@code active}) with the
 * automatic purchases of the current UTC month.
 */
public record AutoTopUpView(AutoTopUpSettings settings, Optional<SavedCard> card, Status status,
                            Optional<String> pausedReason, int topUpsThisMonth) {

    public enum Status {
        ACTIVE("active"), PAUSED("paused"), NO_PAYMENT_METHOD("no_payment_method"), OFF("off");

        private final String wireName;

        Status(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    public static AutoTopUpView of(Account account, AutoTopUp state, Instant now) {
        AutoTopUpSettings settings = account.autoTopUp();
        Status status = !settings.enabled() ? Status.OFF
                : state.card().isEmpty() ? Status.NO_PAYMENT_METHOD
                : state.isPaused() ? Status.PAUSED
                : Status.ACTIVE;
        return new AutoTopUpView(settings, state.card(), status, state.pausedReason(),
                state.topUpsIn(AutoTopUp.monthOf(now)));
    }
}
