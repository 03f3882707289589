package app.credits.ledger;

import app.credits.ledger.LedgerStore.TopUpSnapshot;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * The scheduled pass's decision for one org, in order: an owed decline email first; then an attempt in flight,
 * resumed once its lease has run out; then a claim, if this crossing owes a top-up now. A claim is one transaction:
 * a condition check that the account's terms are the ones read and credits left still call for a top-up, the
 * auto top-up state at the version read (armed, nothing in flight, not paused, retry time passed, the month's count
 * below the limit), and the attempt put new. However many passes race, one claim per crossing commits; the monthly
 * limit holds because claims of one org are serialized on the state's version. An org with nothing to do leaves
 * the due index (or is due again when its retry or the next month comes).
 */
public record NextTopUpStep(OrgId org, Pricing pricing) {

    public Decision<TopUpStep> decide(TopUpSnapshot view, Instant now) {
        Account account = view.account();
        AutoTopUp state = view.state();
        if (state.noticeOwed().isPresent()) {
            TopUpAttempt failed = view.attempt().filter(a -> a.id().equals(state.noticeOwed().get()))
                    .orElseThrow(() -> new IllegalStateException(org + ": owed email of an attempt that was not read"));
            return Decision.answer(new TopUpStep.Notify(failed, state, account));
        }
        if (state.pendingAttempt().isPresent()) {
            TopUpAttempt pending = view.attempt().filter(a -> a.id().equals(state.pendingAttempt().get()))
                    .orElseThrow(() -> new IllegalStateException(org + ": attempt in flight was not read"));
            if (state.due().filter(now::isBefore).isPresent()) {
                return Decision.answer(new TopUpStep.Idle("attempt " + pending.id() + " is being charged"));
            }
            AutoTopUp leased = state.dueAt(Optional.of(now.plus(AutoTopUp.LEASE))).nextVersion();
            return Decision.write(Changes.NONE.writingTopUp(leased),
                    new TopUpStep.Charge(pending, leased, account, true));
        }
        AutoTopUpSettings settings = account.autoTopUp();
        Optional<String> notNow = !settings.enabled() ? Optional.of("auto top-up is off")
                : state.card().isEmpty() || state.customerId().isEmpty() ? Optional.of("no saved card")
                : state.isPaused() ? Optional.of("paused (" + state.pausedReason().get() + ")")
                : !state.armed() ? Optional.of("this crossing's top-up was made")
                : !account.callsForTopUp() ? Optional.of("credits left are not below the threshold")
                : Optional.empty();
        if (notNow.isPresent()) {
            return park(state, Optional.empty(), notNow.get());
        }
        if (state.retryAfter().filter(now::isBefore).isPresent()) {
            return park(state, state.retryAfter(), "declined; tried again from " + Times.format(state.retryAfter().get()));
        }
        if (state.topUpsIn(AutoTopUp.monthOf(now)) >= settings.monthlyLimit()) {
            Instant nextMonth = AutoTopUp.monthOf(now).plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
            return park(state, Optional.of(nextMonth), "monthly limit of " + settings.monthlyLimit() + " reached");
        }
        Quote quote = pricing.quote(settings.topUpCredits(), account.lifetimePurchased(), account.plan().fixedUnitPrice());
        TopUpAttempt attempt = TopUpAttempt.claimed(org, TopUpAttempt.idAt(now, state.lastAttemptId()), quote, now);
        AutoTopUp claimed = state.claimed(attempt, now.plus(AutoTopUp.LEASE)).nextVersion();
        // The account is only checked: its terms as read, credits left still below the threshold.
        Changes changes = Changes.toAccount(AccountChange.of(account, account)).writingTopUp(claimed).writingAttempt(attempt);
        return Decision.write(changes, new TopUpStep.Charge(attempt, claimed, account, false));
    }

    /** Nothing to claim: the org is next due {@code when} (never: it leaves the index until a crossing arms it). */
    private static Decision<TopUpStep> park(AutoTopUp state, Optional<Instant> when, String reason) {
        TopUpStep idle = new TopUpStep.Idle(reason);
        if (state.due().equals(when)) {
            return Decision.answer(idle);
        }
        return Decision.write(Changes.NONE.writingTopUp(state.dueAt(when).nextVersion()), idle);
    }
}
