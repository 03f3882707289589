package app.credits.http;
import app.credits.runtime.Environment;
import app.credits.runtime.Telemetry;
import app.credits.runtime.Metrics;

import app.credits.ledger.Ids;
import app.credits.ledger.InvalidInput;
import app.credits.ledger.LedgerBusy;
import app.credits.ledger.OrgId;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The base of every HTTP API function: raw event in, raw response out (no reflection-based event mapping).
 * <p>
 * For each request it: parses the event, finds the route (404 otherwise), enforces the 64 KiB body limit (413),
 * authorizes the caller from the JWT claims against the route's roles and the path's org (401/403), runs the
 * route's handler, and turns {@link ApiError} into its answer, {@link InvalidInput} into 400
 * {@code invalid_request}, {@link LedgerBusy} and throttling into 503 {@code unavailable}, and anything else into
 * 500 {@code internal} without leaking its message. It then logs one JSON line (requestId, route, orgId, role,
 * status, outcome, ms) and one EMF line when the handler reported metrics.
 */
public abstract class HttpFunction implements RequestStreamHandler {
    /** The contract's request body limit. */
    public static final int MAX_BODY_BYTES = 64 * 1024;

    private final Map<String, Route> routesByKey = new LinkedHashMap<>();
    private final List<Route> routes;
    private Telemetry telemetry;
    /** Held here because the CRaC context holds its resources weakly. */
    @SuppressWarnings({"unused", "FieldCanBeLocal"})
    private final SnapStartPriming priming = SnapStartPriming.register(this);

    /** {@code telemetry} is where the request log and metrics go (stdout in Lambda). */
    protected HttpFunction(Telemetry telemetry) {
        this.telemetry = telemetry;
        this.routes = List.copyOf(declareRoutes());
        for (Route route : routes) {
            if (routesByKey.put(route.key(), route) != null) {
                throw new IllegalStateException("route declared twice: " + route.key());
            }
        }
    }

    protected HttpFunction() {
        this(Telemetry.fromEnvironment(Environment.system()));
    }

    /**
     * The routes this function serves with the roles each allows: the one table of its authorization rules.
     * Called once from the constructor, so it must not read fields of the subclass: use method references.
     */
    protected abstract List<Route> declareRoutes();

    /** The declared routes (the authorization-matrix tests read them). */
    public final List<Route> routes() {
        return routes;
    }

    /** Sends this function's logs and metrics elsewhere (tests). */
    public final HttpFunction telemetry(Telemetry other) {
        this.telemetry = other;
        return this;
    }

    @Override
    public final void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        HttpResponse response = handle(input.readAllBytes(), context);
        output.write(response.toJson().getBytes(StandardCharsets.UTF_8));
        output.flush();
    }

    /** One request: the raw event in, the response out. Never throws. */
    public final HttpResponse handle(byte[] event, Context context) {
        return handle(event, context, telemetry);
    }

    /** One request whose log and metrics lines are dropped ({@link SnapStartPriming}'s synthetic requests). */
    final HttpResponse handleQuietly(byte[] event) {
        return handle(event, null, SnapStartPriming.muted());
    }

    private HttpResponse handle(byte[] event, Context context, Telemetry telemetry) {
        long started = System.nanoTime();
        Metrics metrics = new Metrics();
        Map<String, Object> log = new LinkedHashMap<>();
        log.put("requestId", context != null ? context.getAwsRequestId() : null);
        HttpResponse response;
        Call call = null;
        String outcome = null;
        try {
            HttpRequest request = HttpRequest.parse(event);
            if (!request.requestId().isEmpty()) {
                log.put("requestId", request.requestId());
            }
            log.put("route", request.routeKey());
            call = authorize(request, metrics, log);
            response = call.route().handler().handle(call);
        } catch (ApiError e) {
            response = e.toResponse();
            outcome = e.code();
        } catch (InvalidInput e) {
            response = HttpResponse.error(400, "invalid_request", "invalid_request", e.getMessage());
            outcome = "invalid_request";
        } catch (LedgerBusy e) {
            response = ApiError.unavailable("Too many concurrent changes to this org; retry with the same id.").toResponse();
            outcome = "ledger_busy";
        } catch (SdkClientException e) {
            response = ApiError.unavailable("The database could not be reached; retry with the same id.").toResponse();
            outcome = "database_unreachable";
            log.put("error", e.getClass().getName());
        } catch (SdkServiceException e) {
            if (e.isThrottlingException()) {
                response = ApiError.unavailable("The database is throttling; retry with the same id.").toResponse();
                outcome = "database_throttled";
            } else {
                response = ApiError.internal().toResponse();
                outcome = "internal_error";
            }
            log.put("error", e.getClass().getName());
        } catch (RuntimeException e) {
            response = ApiError.internal().toResponse();
            outcome = "internal_error";
            log.put("error", e.getClass().getName());
            log.put("errorMessage", String.valueOf(e.getMessage()));
            e.printStackTrace();
        }
        if (call != null && outcome == null) {
            outcome = call.outcome().orElse(null);
        }
        log.put("status", response.statusCode());
        log.put("outcome", outcome);
        log.put("ms", (System.nanoTime() - started) / 1_000_000);
        telemetry.log(response.statusCode() >= 500 ? "ERROR" : "INFO", "request", log);
        Object route = log.get("route");
        telemetry.emit(metrics, Map.of("route", String.valueOf(route),
                "requestId", String.valueOf(log.get("requestId"))));
        return response;
    }

    private Call authorize(HttpRequest request, Metrics metrics, Map<String, Object> log) {
        HttpRequest matched = request;
        Route route = routesByKey.get(request.routeKey());
        if (route == null) {
            // "$default" or no routeKey (a hand-built event): match the method and path ourselves.
            for (Route candidate : routes) {
                Optional<Map<String, String>> params = candidate.match(request.method(), request.rawPath());
                if (params.isPresent()) {
                    route = candidate;
                    matched = request.withRouteKey(candidate.key()).withPathParameters(
                            request.pathParameters().isEmpty() ? params.get() : request.pathParameters());
                    break;
                }
            }
        } else if (request.pathParameters().isEmpty() && route.pathTemplate().contains("{")) {
            matched = request.withPathParameters(route.match(route.method(), request.rawPath()).orElse(Map.of()));
        }
        if (route == null) {
            throw ApiError.notFound("route_not_found", "no route " + request.method() + " " + request.rawPath());
        }
        log.put("route", route.key());
        if (matched.body().length > MAX_BODY_BYTES) {
            throw ApiError.bodyTooLarge();
        }
        if (!route.authenticated()) {
            return new Call(matched, route, Optional.empty(), Optional.empty(), metrics);
        }
        Caller caller = Caller.fromClaims(matched.claims());
        log.put("role", caller.role().wireName());
        if (!route.roles().contains(caller.role())) {
            throw ApiError.permission("role_not_allowed",
                    "the " + caller.role().wireName() + " role may not call " + route.key());
        }
        Optional<OrgId> org = Optional.empty();
        if (route.orgScoped()) {
            String orgId = matched.pathParameter("orgId").orElse("");
            if (!Ids.isValid(orgId)) {
                throw ApiError.invalidRequest("invalid_id", "orgId must be 1-128 characters of A-Z a-z 0-9 _ . : -");
            }
            log.put("orgId", orgId);
            org = Optional.of(OrgId.of(orgId));
            if (!caller.mayActOn(org.get())) {
                throw ApiError.permission("wrong_org", "the token does not allow acting on this org");
            }
        }
        return new Call(matched, route, Optional.of(caller), org, metrics);
    }
}
