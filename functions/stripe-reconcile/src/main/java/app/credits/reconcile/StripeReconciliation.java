package app.credits.reconcile;

import app.credits.runtime.StripeClients;
import app.credits.runtime.Telemetry;
import app.credits.stripe.EventResult;
import app.credits.stripe.EventResult.Outcome;
import app.credits.stripe.StripeEvent;
import app.credits.stripe.StripeEvents;
import com.fasterxml.jackson.databind.JsonNode;
import com.stripe.exception.StripeException;
import software.amazon.awssdk.core.exception.SdkException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The reconciliation with Stripe: lists Stripe's events of the types the webhook acts on, created since the stored
 * cursor less an overlap, and applies each, oldest first, through {@link StripeEvents}, the webhook's own path. The
 * ledger applies every fact exactly once, so an event the webhook already delivered changes nothing, and runs that
 * overlap each other, or a webhook delivered during a run, credit nothing twice. The cursor moves only past what was
 * applied, and only forward: a run that stops (Stripe or DynamoDB failing, time running out) leaves it at the first
 * event it did not apply, and the next run starts there.
 * <p>
 * Every event in the window is applied, not only those whose delivery Stripe marks failed
 * ({@code delivery_success=false}): a webhook endpoint that was deleted, or one that answered 200 without applying,
 * leaves events Stripe counts as delivered. An event the ledger already holds costs one read.
 */
public final class StripeReconciliation {
    /** Stripe's {@code types[]} (at most 20): every type lib/stripe-events acts on, auto top-up's included. */
    public static final List<String> TYPES = List.copyOf(StripeEvents.handledTypes());
    /** One listing holds at most a day of events in memory; a longer window (the first run) goes a day at a time. */
    static final Duration SLICE = Duration.ofDays(1);
    /** The cursor is saved at least this often within a day, so that a stopped run redoes little. */
    static final int SAVE_EVERY = 100;

    /**
     * @param overlap       how far behind the cursor each run looks again: Stripe's list is eventually consistent,
     *                      and its clock is not ours
     * @param settle        events younger than this are left to the webhook (Stripe delivers in seconds): applying them
     *                      here would count a webhook merely in flight as recovered
     * @param firstLookback where the first run starts (Stripe keeps events 30 days)
     * @param margin        no new work with less time than this left (a Stripe page with its retries, a ledger write)
     */
    public record Settings(Duration overlap, Duration settle, Duration firstLookback, Duration margin) {
        public static final Settings DEFAULT = new Settings(Duration.ofMinutes(15), Duration.ofMinutes(5),
                Duration.ofDays(30), Duration.ofSeconds(60));

        public Settings withSettle(Duration other) {
            return new Settings(overlap, other, firstLookback, margin);
        }
    }

    private final StripeEventList stripe;
    private final StripeEvents events;
    private final EventCursor cursor;
    private final Clock clock;
    private final Settings settings;
    private final Telemetry telemetry;

    public StripeReconciliation(StripeEventList stripe, StripeEvents events, EventCursor cursor, Clock clock,
                                Settings settings, Telemetry telemetry) {
        this.stripe = stripe;
        this.events = events;
        this.cursor = cursor;
        this.clock = clock;
        this.settings = settings;
        this.telemetry = telemetry;
    }

    /** One run; {@code remainingMillis} is the invocation's time left. Never throws: a failure is in the summary. */
    public ReconcileSummary run(LongSupplier remainingMillis) {
        Instant now = clock.instant();
        // Stripe's created is in whole seconds: the window ends after the second that began before now less settle
        // (an event made later in that second is in the next run's overlap).
        Instant settled = now.minus(settings.settle());
        Instant until = settled.truncatedTo(ChronoUnit.SECONDS).equals(settled)
                ? settled : settled.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        Tally tally = new Tally();
        Optional<Instant> stored;
        try {
            stored = cursor.read();
        } catch (SdkException e) {
            return tally.summary(now, until, Optional.empty(), false, "DynamoDB failed reading the cursor: " + e.getClass().getSimpleName());
        }
        Instant from = stored.map(c -> c.minus(settings.overlap())).orElse(now.minus(settings.firstLookback()))
                .truncatedTo(ChronoUnit.SECONDS);
        Progress progress = new Progress(stored);
        Optional<String> failure = Optional.empty();
        boolean complete = true;
        try {
            for (Instant start = from; start.isBefore(until); start = min(start.plus(SLICE), until)) {
                Instant end = min(start.plus(SLICE), until);
                if (remainingMillis.getAsLong() < settings.margin().toMillis()) {
                    complete = false;
                    break;
                }
                List<JsonNode> newestFirst = stripe.created(TYPES, start.getEpochSecond(), end.getEpochSecond());
                tally.seen += newestFirst.size();
                Stop stop = apply(newestFirst.reversed(), tally, progress, remainingMillis);
                if (stop != null) {
                    complete = false;
                    failure = stop.failure();
                    break;
                }
                progress.advanceTo(end);
            }
        } catch (StripeException e) {
            logStripeFailure(e);
            complete = false;
            failure = Optional.of("Stripe failed listing events: " + e.getClass().getSimpleName()
                    + (e.getStatusCode() == null ? "" : " " + e.getStatusCode()) + ", request " + e.getRequestId());
        } catch (SdkException e) {
            complete = false;
            failure = Optional.of("DynamoDB failed saving the cursor: " + e.getClass().getSimpleName());
        }
        return tally.summary(from, until, progress.saved(), complete, failure.orElse(null));
    }

    /** What stopped a slice before its end; a {@code failure} fails the run, none means time ran out. */
    private record Stop(Optional<String> failure) {
    }

    private Stop apply(List<JsonNode> oldestFirst, Tally tally, Progress progress, LongSupplier remainingMillis) {
        for (int i = 0; i < oldestFirst.size(); i++) {
            JsonNode raw = oldestFirst.get(i);
            // Every event before this one is applied: the cursor may say so.
            Instant created = Instant.ofEpochSecond(raw.path("created").asLong());
            if (i > 0 && i % SAVE_EVERY == 0) {
                progress.advanceTo(created);
            }
            if (remainingMillis.getAsLong() < settings.margin().toMillis()) {
                progress.advanceTo(created);
                return new Stop(Optional.empty());
            }
            EventResult result;
            try {
                result = events.apply(StripeEvents.read(raw));
            } catch (StripeEvent.Malformed e) {
                // Stripe's own listing, unreadable: no retry can change it. Loud, and past it.
                tally.applied++;
                tally.notApplied++;
                log("ERROR", "stripe event acknowledged but not applied", raw.path("id").asText(),
                        raw.path("type").asText(), "malformed", e.getMessage());
                continue;
            }
            if (result.outcome() == Outcome.RETRY_LATER) {
                progress.advanceTo(created);
                return new Stop(Optional.of("the ledger could not apply " + result.eventId() + ": " + result.detail()));
            }
            tally.count(result);
            if (result.movedCredits()) {
                log("WARN", "stripe event recovered by reconciliation", result.eventId(), result.eventType(),
                        result.outcome().wireName(), result.detail());
            } else if (result.outcome().loud()) {
                // The webhook's words, so one log query finds both.
                log("ERROR", "stripe event acknowledged but not applied", result.eventId(), result.eventType(),
                        result.outcome().wireName(), result.detail());
            }
        }
        return null;
    }

    private void log(String level, String message, String eventId, String eventType, String outcome, String detail) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("eventId", eventId);
        fields.put("eventType", eventType);
        fields.put("outcome", outcome);
        fields.put("detail", detail);
        telemetry.log(level, message, fields);
    }

    /** As the checkout logs Stripe's failures ({@link StripeClients#failureFields}). */
    private void logStripeFailure(StripeException e) {
        telemetry.log(StripeClients.isTransient(e) ? "WARN" : "ERROR", "stripe event listing failed",
                StripeClients.failureFields(e));
    }

    /** The cursor as this run leaves it: written forward only, and only when it moves. */
    private final class Progress {
        private Optional<Instant> saved;

        Progress(Optional<Instant> stored) {
            this.saved = stored;
        }

        void advanceTo(Instant createdBefore) {
            if (saved.isEmpty() || saved.get().isBefore(createdBefore)) {
                saved = Optional.of(cursor.advanceTo(createdBefore));
            }
        }

        Optional<Instant> saved() {
            return saved;
        }
    }

    private static final class Tally {
        int seen;
        int applied;
        int alreadyApplied;
        int recovered;
        int notApplied;

        void count(EventResult result) {
            applied++;
            if (result.outcome() == Outcome.DUPLICATE) {
                alreadyApplied++;
            } else if (result.movedCredits()) {
                recovered++;
            } else if (result.outcome().loud()) {
                notApplied++;
            }
        }

        ReconcileSummary summary(Instant from, Instant until, Optional<Instant> cursor, boolean complete, String failure) {
            return new ReconcileSummary(from, until, cursor, seen, applied, alreadyApplied, recovered, notApplied,
                    complete, Optional.ofNullable(failure));
        }
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
