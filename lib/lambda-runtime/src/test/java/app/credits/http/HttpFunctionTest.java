package app.credits.http;
import app.credits.runtime.Json;
import app.credits.runtime.Telemetry;
import app.credits.runtime.Metrics;

import app.credits.http.testing.AuthorizationMatrix;
import app.credits.http.testing.Events;
import app.credits.ledger.InvalidInput;
import app.credits.ledger.LedgerBusy;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static app.credits.http.testing.Responses.assertError;
import static app.credits.http.testing.Responses.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HttpFunctionTest {
    private final List<String> lines = new ArrayList<>();

    /** A function whose routes exercise the base: echo, and throwers for each error mapping. */
    static final class Probe extends HttpFunction {
        Probe() {
            super(new Telemetry("credits", "Credits", line -> { }, Clock.systemUTC()));
        }

        @Override
        protected List<Route> declareRoutes() {
            return List.of(
                    Route.of("GET /orgs/{orgId}/echo", EnumSet.of(Role.ADMIN, Role.STAFF), this::echo),
                    Route.of("POST /orgs/{orgId}/things/{thingId}", Set.of(Role.SERVICE), this::thing),
                    Route.of("GET /orgs/{orgId}/fail/{how}", Role.ALL, this::fail),
                    Route.open("POST /webhooks/probe", call -> HttpResponse.json(200,
                            Json.object().put("bytes", call.request().body().length))));
        }

        private HttpResponse echo(Call call) {
            call.outcome("echoed");
            call.metrics().add(Metrics.CREDITS_CHARGED, app.credits.ledger.Credits.parse("1.25"));
            return HttpResponse.json(200, Json.object().put("org", call.org().value())
                    .put("role", call.caller().role().wireName()).put("limit", call.limit(25)));
        }

        private HttpResponse thing(Call call) {
            JsonBody body = call.body();
            return HttpResponse.json(201, Json.object().put("thing", call.pathId("thingId"))
                    .put("credits", body.requiredCredits("credits").toString()));
        }

        private HttpResponse fail(Call call) {
            throw switch (call.pathId("how")) {
                case "invalid" -> new InvalidInput("bad input");
                case "busy" -> new LedgerBusy("secret detail");
                default -> new IllegalStateException("secret detail");
            };
        }
    }

    private Probe probe() {
        Probe probe = new Probe();
        probe.telemetry(new Telemetry("credits", "Credits", lines::add, Clock.systemUTC()));
        return probe;
    }

    @Test
    void authorizationMatrixFollowsTheDeclaredRoles() {
        List<String> failures = AuthorizationMatrix.check(probe(), (cell, event) -> switch (cell.route().key()) {
            case "POST /orgs/{orgId}/things/{thingId}" -> event.path("thingId", "t1").body("{\"credits\":1}");
            case "GET /orgs/{orgId}/fail/{how}" -> event.path("how", "invalid");
            default -> event;
        });
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void anAdminReadsItsOwnOrgAndTheRequestIsLoggedWithoutTheBody() {
        Probe probe = probe();
        byte[] event = Events.http("GET /orgs/{orgId}/echo").org("acme").query("limit", "7")
                .claims("u1", "acme", Role.ADMIN).build();

        JsonNode body = assertStatus(probe.handle(event, null), 200);

        assertEquals("acme", body.get("org").asText());
        assertEquals(7, body.get("limit").asInt());
        JsonNode log = Json.read(lines.get(0));
        assertEquals("GET /orgs/{orgId}/echo", log.get("route").asText());
        assertEquals("acme", log.get("orgId").asText());
        assertEquals("admin", log.get("role").asText());
        assertEquals(200, log.get("status").asInt());
        assertEquals("echoed", log.get("outcome").asText());
        JsonNode emf = Json.read(lines.get(1));
        assertEquals("CreditsCharged", emf.at("/_aws/CloudWatchMetrics/0/Metrics/0/Name").asText());
        assertEquals(1.25, emf.get("CreditsCharged").asDouble());
    }

    @Test
    void theRequestLogHoldsNeitherTokensNorBodies() {
        byte[] event = Events.http("POST /orgs/{orgId}/things/{thingId}").org("acme").path("thingId", "t1")
                .header("Authorization", "Bearer secret-token-value").claims("svc", null, Role.SERVICE)
                .body("{\"credits\":\"1\",\"note\":\"secret-body-value\"}").build();

        assertStatus(probe().handle(event, null), 201);

        assertEquals(1, lines.size());
        assertFalse(lines.get(0).contains("secret-token-value"), lines.get(0));
        assertFalse(lines.get(0).contains("secret-body-value"), lines.get(0));
        assertEquals(201, Json.read(lines.get(0)).get("status").asInt());
    }

    @Test
    void aHandBuiltEventWithoutRouteKeyIsMatchedByMethodAndPath() {
        String event = """
                {"version":"2.0","routeKey":"$default","rawPath":"/orgs/acme/echo","rawQueryString":"",
                 "headers":{"Content-Type":"application/json"},
                 "requestContext":{"requestId":"r1","http":{"method":"GET","path":"/orgs/acme/echo"},
                   "authorizer":{"jwt":{"claims":{"sub":"s","org_id":"acme","role":"staff"}}}},
                 "isBase64Encoded":false}""";
        JsonNode body = assertStatus(probe().handle(event.getBytes(StandardCharsets.UTF_8), null), 200);
        assertEquals("acme", body.get("org").asText());
    }

    @Test
    void unknownRouteIsNotFound() {
        byte[] event = Events.http("GET /orgs/{orgId}/nothing").org("acme").claims("u", "acme", Role.STAFF).build();
        assertError(probe().handle(event, null), 404, "not_found", "route_not_found");
    }

    @Test
    void bodyOverSixtyFourKibIsRefusedWith413ButExactlySixtyFourKibIsRead() {
        byte[] exact = new byte[HttpFunction.MAX_BODY_BYTES];
        byte[] over = new byte[HttpFunction.MAX_BODY_BYTES + 1];
        JsonNode ok = assertStatus(probe().handle(Events.http("POST /webhooks/probe").base64Body(exact).build(), null), 200);
        assertEquals(HttpFunction.MAX_BODY_BYTES, ok.get("bytes").asInt());
        assertError(probe().handle(Events.http("POST /webhooks/probe").base64Body(over).build(), null),
                413, "invalid_request", "body_too_large");
    }

    @Test
    void base64BodiesAreDecodedToTheExactBytes() {
        byte[] raw = {0, (byte) 0xff, 10, 13, 'x'};
        JsonNode ok = assertStatus(probe().handle(Events.http("POST /webhooks/probe").base64Body(raw).build(), null), 200);
        assertEquals(5, ok.get("bytes").asInt());
    }

    @Test
    void invalidInputIs400LedgerBusyIs503AndAnythingElseIs500WithoutDetail() {
        Probe probe = probe();
        assertError(probe.handle(failing("invalid"), null), 400, "invalid_request", "invalid_request");
        JsonNode busy = assertError(probe.handle(failing("busy"), null), 503, "unavailable", "unavailable");
        JsonNode internal = assertError(probe.handle(failing("boom"), null), 500, "internal", "internal_error");
        assertFalse(busy.toString().contains("secret"));
        assertFalse(internal.toString().contains("secret"));
    }

    private static byte[] failing(String how) {
        return Events.http("GET /orgs/{orgId}/fail/{how}").org("acme").path("how", how)
                .claims("u", "acme", Role.MEMBER).build();
    }

    @Test
    void invalidClaimsAre401() {
        Probe probe = probe();
        byte[] badRole = Events.http("GET /orgs/{orgId}/echo").org("acme").claims("u", "acme", Role.ADMIN)
                .claim("role", "owner").build();
        byte[] noOrg = Events.http("GET /orgs/{orgId}/echo").org("acme").claims("u", null, Role.ADMIN).build();
        byte[] staffWithoutOrg = Events.http("GET /orgs/{orgId}/echo").org("acme").claims("u", null, Role.STAFF).build();
        assertError(probe.handle(badRole, null), 401, "authentication", null);
        assertError(probe.handle(noOrg, null), 401, "authentication", null);
        assertStatus(probe.handle(staffWithoutOrg, null), 200);
    }

    @Test
    void badOrgIdInThePathIs400() {
        byte[] event = Events.http("GET /orgs/{orgId}/echo").org("a#b").claims("u", "acme", Role.STAFF).build();
        assertError(probe().handle(event, null), 400, "invalid_request", "invalid_id");
    }

    @Test
    void limitOutsideOneToHundredIs400() {
        for (String limit : List.of("0", "101", "-1", "abc", "1.5")) {
            byte[] event = Events.http("GET /orgs/{orgId}/echo").org("acme").query("limit", limit)
                    .claims("u", "acme", Role.ADMIN).build();
            assertError(probe().handle(event, null), 400, "invalid_request", "invalid_parameter");
        }
    }
}
