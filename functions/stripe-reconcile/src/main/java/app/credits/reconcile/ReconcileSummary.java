package app.credits.reconcile;

import app.credits.runtime.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What one run did; the handler's response and the numbers of its log line and metrics.
 *
 * @param from           the window's start: the stored cursor less the overlap (or the first run's lookback)
 * @param until          the window's end (exclusive): the run's start less the settle delay
 * @param cursor         the cursor after the run: every event created before it has been applied
 * @param seen           events Stripe listed in the window
 * @param applied        of those, events taken through the webhook's path to a final outcome (the rest wait for the
 *                       next run: this one stopped first)
 * @param alreadyApplied of those applied, events the ledger already held (the webhook had delivered them)
 * @param recovered      of those applied, events that moved credits here first: their webhook had failed
 * @param notApplied     of those applied, events acknowledged but never applicable (not our sale, unprocessable)
 * @param complete       whether the whole window was applied
 * @param failure        why the run stopped early, if it failed (it then fails the invocation)
 */
public record ReconcileSummary(Instant from, Instant until, Optional<Instant> cursor, int seen, int applied,
                               int alreadyApplied, int recovered, int notApplied, boolean complete,
                               Optional<String> failure) {

    public String toJson() {
        ObjectNode out = Json.object();
        out.put("eventsSeen", seen).put("applied", applied).put("alreadyApplied", alreadyApplied)
                .put("recovered", recovered).put("notApplied", notApplied).put("complete", complete);
        out.put("from", Json.time(from)).put("until", Json.time(until));
        Json.putTime(out, "cursor", cursor);
        Json.putOptional(out, "failure", failure);
        return Json.write(out);
    }

    /** The log line's fields. */
    Map<String, Object> fields() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("eventsSeen", seen);
        fields.put("applied", applied);
        fields.put("alreadyApplied", alreadyApplied);
        fields.put("recovered", recovered);
        fields.put("notApplied", notApplied);
        fields.put("complete", complete);
        fields.put("from", Json.time(from));
        fields.put("until", Json.time(until));
        fields.put("cursor", cursor.map(Json::time).orElse(null));
        failure.ifPresent(f -> fields.put("failure", f));
        return fields;
    }
}
