package app.credits.testkit.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Stripe's Events: every change the stand-in makes records one, with a snapshot of the object as it became (and
 * {@code previous_attributes} for updates). {@code GET /v1/events} lists them as Stripe does: newest first,
 * {@code limit} 1-100 (default 10), cursors, {@code type} (with {@code *}) or {@code types[]}, {@code created} ranges
 * and {@code delivery_success}. Like Stripe, events older than 30 days are gone.
 */
final class EventLog {
    static final Duration RETENTION = Duration.ofDays(30);
    static final Set<String> LIST_PARAMS = Set.of("limit", "starting_after", "ending_before", "type", "types", "created",
            "delivery_success", "expand");

    /** An event and whether its webhooks may be sent at all ({@code deliver: false}: never). */
    record Recorded(ObjectNode event, boolean deliverable, long sequence) {
        String id() {
            return event.path("id").asText();
        }

        long created() {
            return event.path("created").asLong();
        }
    }

    private final Clock clock;
    private final String apiVersion;
    private final Map<String, Recorded> byId = new LinkedHashMap<>();
    private long sequence;
    private java.util.function.Consumer<Recorded> onRecord = r -> {
    };

    EventLog(Clock clock, String apiVersion) {
        this.clock = clock;
        this.apiVersion = apiVersion;
    }

    synchronized Recorded record(String type, JsonNode object, ObjectNode previousAttributes, Origin origin) {
        ObjectNode event = StripeJson.object();
        event.put("id", StripeJson.id("evt_1", 23));
        event.put("object", "event");
        event.put("api_version", apiVersion);
        event.put("created", clock.instant().getEpochSecond());
        ObjectNode data = event.putObject("data");
        data.set("object", object.deepCopy());
        if (previousAttributes != null) {
            data.set("previous_attributes", previousAttributes);
        }
        event.put("livemode", false);
        event.put("pending_webhooks", 0);
        ObjectNode request = event.putObject("request");
        request.put("id", origin.requestId());
        request.put("idempotency_key", origin.idempotencyKey());
        event.put("type", type);
        Recorded recorded = new Recorded(event, origin.deliver(), ++sequence);
        byId.put(recorded.id(), recorded);
        onRecord.accept(recorded);
        return recorded;
    }

    /** Who hears of each new event (the webhooks). */
    synchronized void onRecord(java.util.function.Consumer<Recorded> listener) {
        this.onRecord = listener;
    }

    synchronized Optional<Recorded> find(String id) {
        return Optional.ofNullable(byId.get(id)).filter(this::retained);
    }

    /** Every retained event, newest first. */
    synchronized List<Recorded> newestFirst() {
        List<Recorded> all = new ArrayList<>();
        for (Recorded r : byId.values()) {
            if (retained(r)) {
                all.addFirst(r);
            }
        }
        return all;
    }

    private synchronized long sequenceOf(String id) {
        Recorded r = byId.get(id);
        return r == null ? -1 : r.sequence();
    }

    synchronized void setPendingWebhooks(String id, int pending) {
        Recorded r = byId.get(id);
        if (r != null) {
            r.event().put("pending_webhooks", pending);
        }
    }

    synchronized void clear() {
        byId.clear();
    }

    /** {@code GET /v1/events}: the page of events the parameters select, as Stripe's list object. */
    ObjectNode list(Params params, Predicate<Recorded> deliveredToAll) {
        params.allowOnly(LIST_PARAMS);
        Optional<String> type = params.string("type");
        List<String> types = params.strings("types");
        if (type.isPresent() && !types.isEmpty()) {
            throw StripeError.invalid("types", null, "You may pass either `type` or `types`, but not both.");
        }
        if (types.size() > 20) {
            throw StripeError.invalid("types", null, "You may pass at most 20 `types`.");
        }
        Predicate<Recorded> selected = r -> true;
        if (type.isPresent()) {
            selected = selected.and(r -> typeMatches(type.get(), r.event().path("type").asText()));
        }
        if (!types.isEmpty()) {
            selected = selected.and(r -> types.contains(r.event().path("type").asText()));
        }
        java.util.function.LongPredicate created = Lists.createdFilter(params);
        selected = selected.and(r -> created.test(r.created()));
        if (params.has("delivery_success")) {
            boolean wanted = params.bool("delivery_success");
            selected = selected.and(r -> deliveredToAll.test(r) == wanted);
        }
        List<ObjectNode> matching = new ArrayList<>();
        for (Recorded r : newestFirst()) {
            if (selected.test(r)) {
                matching.add(r.event().deepCopy());
            }
        }
        return Lists.page(matching, params, "/v1/events", this::sequenceOf, "event");
    }

    /** {@code charge.dispute.*} matches {@code charge.dispute.created}; {@code *} matches everything. */
    static boolean typeMatches(String pattern, String type) {
        if (!pattern.contains("*")) {
            return pattern.equals(type);
        }
        return type.matches(java.util.regex.Pattern.quote(pattern).replace("*", "\\E.*\\Q"));
    }

    private boolean retained(Recorded r) {
        return r.created() > clock.instant().minus(RETENTION).getEpochSecond();
    }
}
