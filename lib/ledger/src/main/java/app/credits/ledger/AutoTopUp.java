package app.credits.ledger;

import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.Set;

/**
 * Where an org's automatic purchases stand ({@code ORG#org / AUTOTOPUP}), kept apart from the account so that
 * a claim per crossing never touches the account's terms: the Stripe Customer and saved card, whether the current
 * crossing still owes a top-up ({@code armed}), the attempt in flight, the declines in a row and when to retry,
 * a pause, this month's count, and a decline email still owed. {@code due} is when the scheduled pass should look
 * at the org again ({@link #AT_ONCE} for now); while set, the org is in the sparse {@code topUpDue} index, so a
 * pass reads only the orgs that need it. Immutable: each transition returns the state after it.
 *
 * @param countedMonth the UTC month {@code countThatMonth} counts automatic purchases of (pending ones included)
 */
public record AutoTopUp(
        OrgId org,
        Optional<String> customerId,
        Optional<SavedCard> card,
        boolean armed,
        Optional<Instant> due,
        Optional<String> pendingAttempt,
        int declinesInARow,
        Optional<Instant> retryAfter,
        Optional<String> pausedReason,
        Optional<YearMonth> countedMonth,
        int countThatMonth,
        Optional<String> noticeOwed,
        Optional<String> lastAttemptId,
        long version) implements Versioned {

    /** {@code due} meaning "as soon as a pass runs" (the epoch sorts before every other time). */
    public static final Instant AT_ONCE = Instant.EPOCH;
    /** docs/api.md: a declined crossing is tried again no sooner than this. */
    public static final Duration RETRY_AFTER_DECLINE = Duration.ofHours(1);
    /** docs/api.md: declines in a row that pause auto top-up. */
    public static final int DECLINES_BEFORE_PAUSE = 3;
    /** Decline codes that pause at once: the card must not be tried again (docs/api.md). */
    public static final Set<String> PAUSE_AT_ONCE = Set.of("lost_card", "stolen_card", "fraudulent", "pickup_card");
    /**
     * How long a claimed or resumed charge is left to the pass that holds it before another pass may resume it
     * (same idempotency key, so the same PaymentIntent): longer than a pass's charge takes at worst, with Stripe's
     * timeouts and retries.
     */
    public static final Duration LEASE = Duration.ofMinutes(3);

    public AutoTopUp {
        if (declinesInARow < 0 || countThatMonth < 0 || version < 0) {
            throw new IllegalStateException(org + ": auto top-up counters below zero");
        }
    }

    /** An org that never saved a card nor crossed a threshold: never stored. */
    public static AutoTopUp none(OrgId org) {
        return new AutoTopUp(org, Optional.empty(), Optional.empty(), false, Optional.empty(), Optional.empty(), 0,
                Optional.empty(), Optional.empty(), Optional.empty(), 0, Optional.empty(), Optional.empty(), 0);
    }

    public boolean isPaused() {
        return pausedReason.isPresent();
    }

    /** Automatic purchases counted in {@code month} (UTC), the one in flight included. */
    public int topUpsIn(YearMonth month) {
        return countedMonth.filter(month::equals).isPresent() ? countThatMonth : 0;
    }

    public static YearMonth monthOf(Instant at) {
        return YearMonth.from(at.atZone(ZoneOffset.UTC));
    }

    /** These facts as the next version to store. */
    public AutoTopUp nextVersion() {
        return new AutoTopUp(org, customerId, card, armed, due, pendingAttempt, declinesInARow, retryAfter,
                pausedReason, countedMonth, countThatMonth, noticeOwed, lastAttemptId, version + 1);
    }

    // ---- transitions: each returns the state after it (its version is the store's to advance: nextVersion) ----

    AutoTopUp withCustomer(String id) {
        return new AutoTopUp(org, Optional.of(id), card, armed, due, pendingAttempt, declinesInARow, retryAfter,
                pausedReason, countedMonth, countThatMonth, noticeOwed, lastAttemptId, version);
    }

    /**
     * A newly saved card: its declines start from zero, a pause ends and re-arms the crossing, and a crossing waiting
     * for its retry may use the new card at once.
     */
    AutoTopUp withCard(SavedCard newCard) {
        boolean rearm = armed || isPaused();
        return new AutoTopUp(org, customerId, Optional.of(newCard), rearm, rearm ? Optional.of(AT_ONCE) : due,
                pendingAttempt, 0, Optional.empty(), Optional.empty(), countedMonth, countThatMonth, noticeOwed,
                lastAttemptId, version);
    }

    /** Credits left crossed below the threshold: this crossing owes one top-up, as soon as a pass runs. */
    public AutoTopUp armedAtOnce() {
        return new AutoTopUp(org, customerId, card, true, Optional.of(AT_ONCE), pendingAttempt, declinesInARow,
                retryAfter, pausedReason, countedMonth, countThatMonth, noticeOwed, lastAttemptId, version);
    }

    /** A successful purchase re-arms a paused auto top-up (docs/api.md); anything else stays as it is. */
    AutoTopUp rearmedByPurchase() {
        if (!isPaused()) {
            return this;
        }
        return new AutoTopUp(org, customerId, card, true, Optional.of(AT_ONCE), pendingAttempt, 0, Optional.empty(),
                Optional.empty(), countedMonth, countThatMonth, noticeOwed, lastAttemptId, version);
    }

    /** This crossing's top-up is claimed as {@code attempt}; the claiming pass holds it until {@code leaseUntil}. */
    AutoTopUp claimed(TopUpAttempt attempt, Instant leaseUntil) {
        YearMonth month = monthOf(attempt.createdAt());
        return new AutoTopUp(org, customerId, card, false, Optional.of(leaseUntil), Optional.of(attempt.id()),
                declinesInARow, retryAfter, pausedReason, Optional.of(month), topUpsIn(month) + 1, noticeOwed,
                Optional.of(attempt.id()), version);
    }

    AutoTopUp dueAt(Optional<Instant> when) {
        return new AutoTopUp(org, customerId, card, armed, when, pendingAttempt, declinesInARow, retryAfter,
                pausedReason, countedMonth, countThatMonth, noticeOwed, lastAttemptId, version);
    }

    /**
     * {@code attempt} failed: it is no longer in flight nor counted this month, and its email is owed (a pass sends
     * it at once). A decline is retried an hour later, unless it is the third in a row or a lost, stolen,
     * fraudulent or picked-up card, which pause; a refusal by Stripe pauses; a card that wants authentication
     * ends this crossing without a retry.
     */
    AutoTopUp failed(TopUpAttempt attempt, TopUpFailure failure, Instant now) {
        Optional<String> pending = pendingAttempt.filter(id -> !id.equals(attempt.id()));
        YearMonth month = monthOf(attempt.createdAt());
        int count = countedMonth.filter(month::equals).isPresent() ? Math.max(0, countThatMonth - 1) : countThatMonth;
        int declines = declinesInARow;
        boolean rearm = false;
        Optional<Instant> retry = retryAfter;
        Optional<String> pause = pausedReason;
        switch (failure) {
            case TopUpFailure.Declined declined -> {
                declines++;
                if (PAUSE_AT_ONCE.contains(declined.code()) || declines >= DECLINES_BEFORE_PAUSE) {
                    pause = Optional.of(declined.code());
                } else {
                    rearm = true;
                    retry = Optional.of(now.plus(RETRY_AFTER_DECLINE));
                }
            }
            case TopUpFailure.Refused refused -> pause = Optional.of(refused.code());
            case TopUpFailure.NeedsAuthentication n -> {
                // The cardholder must act: this crossing is over; the next one tries again.
            }
        }
        // The email is sent as soon as a pass runs, unless another attempt is in flight (its lease decides).
        Optional<Instant> next = pending.isPresent() ? due : Optional.of(AT_ONCE);
        return new AutoTopUp(org, customerId, card, rearm || armed, next, pending, declines, retry, pause,
                countedMonth, count, Optional.of(attempt.id()), lastAttemptId, version);
    }

    /**
     * {@code attempt}'s payment succeeded: it is no longer in flight (counted again if a failure had been recorded
     * first), the card works, so declines and any pause end; an email owed for it is moot.
     */
    AutoTopUp succeeded(TopUpAttempt attempt) {
        Optional<String> pending = pendingAttempt.filter(id -> !id.equals(attempt.id()));
        YearMonth month = monthOf(attempt.createdAt());
        int count = countThatMonth;
        Optional<YearMonth> counted = countedMonth;
        boolean countedAsFailed = !attempt.isPending() && attempt.status() != TopUpStatus.SUCCEEDED;
        // A month already left behind keeps its count (only the current one limits claims).
        if (countedAsFailed && countedMonth.filter(m -> m.isAfter(month)).isEmpty()) {
            count = topUpsIn(month) + 1;
            counted = Optional.of(month);
        }
        Optional<String> notice = noticeOwed.filter(id -> !id.equals(attempt.id()));
        Optional<Instant> next = pending.isPresent() ? due
                : armed || notice.isPresent() ? Optional.of(AT_ONCE) : Optional.empty();
        return new AutoTopUp(org, customerId, card, armed, next, pending, 0, Optional.empty(), Optional.empty(),
                counted, count, notice, lastAttemptId, version);
    }

    /** The owed email went out (or there was nobody to send it to): the org is next due when its retry is. */
    AutoTopUp noticeSent() {
        Optional<Instant> next = armed && !isPaused() ? retryAfter.or(() -> Optional.of(AT_ONCE)) : Optional.empty();
        return new AutoTopUp(org, customerId, card, armed, pendingAttempt.isPresent() ? due : next, pendingAttempt,
                declinesInARow, retryAfter, pausedReason, countedMonth, countThatMonth, Optional.empty(),
                lastAttemptId, version);
    }
}
