package app.credits.http;
import app.credits.runtime.Metrics;

import app.credits.ledger.Ids;
import app.credits.ledger.OrgId;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One request, authorized, as a route handler sees it: the event, who calls, the org of the path, and where to
 * report the outcome and the metrics. Query and path accessors validate per the contract and throw 400s.
 */
public final class Call {
    private static final Pattern LIMIT = Pattern.compile("[0-9]{1,4}");

    private final HttpRequest request;
    private final Route route;
    private final Optional<Caller> caller;
    private final Optional<OrgId> org;
    private final Metrics metrics;
    private String outcome;
    private JsonBody body;

    public Call(HttpRequest request, Route route, Optional<Caller> caller, Optional<OrgId> org, Metrics metrics) {
        this.request = request;
        this.route = route;
        this.caller = caller;
        this.org = org;
        this.metrics = metrics;
    }

    public HttpRequest request() {
        return request;
    }

    public Route route() {
        return route;
    }

    /** The authorized caller; only open routes (the webhook) have none. */
    public Caller caller() {
        return caller.orElseThrow(() -> new IllegalStateException(route.key() + " is an open route"));
    }

    /** The {@code {orgId}} of the path, already checked against the caller. */
    public OrgId org() {
        return org.orElseThrow(() -> new IllegalStateException(route.key() + " has no {orgId}"));
    }

    public Metrics metrics() {
        return metrics;
    }

    /** A short word for the request log, e.g. {@code "charged"}, {@code "replayed"}, {@code "insufficient_credits"}. */
    public void outcome(String word) {
        this.outcome = word;
    }

    Optional<String> outcome() {
        return Optional.ofNullable(outcome);
    }

    /** The body as one strict JSON object (parsed once). */
    public JsonBody body() {
        if (body == null) {
            body = JsonBody.parse(request.body());
        }
        return body;
    }

    /** A path parameter that is an ID (400 if it is not 1-128 of {@code [A-Za-z0-9_.:-]}). */
    public String pathId(String name) {
        String value = request.pathParameter(name).orElse("");
        if (!Ids.isValid(value)) {
            throw ApiError.invalidRequest("invalid_id", name + " must be 1-128 characters of A-Z a-z 0-9 _ . : -");
        }
        return value;
    }

    /** A query parameter; an empty value counts as absent. */
    public Optional<String> query(String name) {
        return request.query(name).filter(v -> !v.isEmpty());
    }

    public String requiredQuery(String name) {
        return query(name).orElseThrow(() -> ApiError.invalidRequest("missing_parameter", name + " is required"));
    }

    /** {@code limit}: 1-100, {@code byDefault} when absent. */
    public int limit(int byDefault) {
        Optional<String> text = query("limit");
        if (text.isEmpty()) {
            return byDefault;
        }
        int value = LIMIT.matcher(text.get()).matches() ? Integer.parseInt(text.get()) : -1;
        if (value < 1 || value > 100) {
            throw ApiError.invalidRequest("invalid_parameter", "limit must be a whole number from 1 to 100");
        }
        return value;
    }

    /** The opaque cursor of a previous page (the ledger rejects one it did not issue). */
    public Optional<String> cursor() {
        Optional<String> cursor = query("cursor");
        if (cursor.isPresent() && cursor.get().length() > 1024) {
            throw ApiError.invalidRequest("invalid_parameter", "cursor is not one this API returned");
        }
        return cursor;
    }

    public Optional<String> header(String name) {
        return request.header(name);
    }
}
