package app.credits.contract;

import app.credits.testkit.template.CloudFormationYaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import app.credits.testkit.template.SamTemplate;
import app.credits.testkit.template.SamTemplate.HttpRoute;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** events/: the sample events the handler tests and `sam local invoke` use fit the routes they claim. */
class SampleEventsContractTest {

    /** Stripe's samples belong to the webhook's module and may be raw Stripe payloads. */
    private static final String STRIPE_EVENTS_DIR = "stripe-webhook";

    private static SamTemplate template;
    private static OpenApiDoc doc;
    private static Map<Path, JsonNode> events;

    @BeforeAll
    static void load() {
        template = SamTemplate.ofRepository();
        doc = OpenApiDoc.load();
        Path root = RepoLayout.file("events");
        try (Stream<Path> files = Files.walk(root)) {
            events = new LinkedHashMap<>();
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                events.put(root.relativize(file), CloudFormationYaml.JSON.readTree(file.toFile()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void everyEventFileMatchesADeclaredRoute() {
        Map<String, HttpRoute> routes = new TreeMap<>();
        template.httpRoutes().forEach(r -> routes.put(r.routeKey(), r));
        Set<String> handlers = template.functionIds().stream().map(template::handlerClass).collect(Collectors.toSet());
        int checked = 0;

        for (var entry : events.entrySet()) {
            String name = entry.getKey().toString();
            JsonNode event = entry.getValue();
            if (!event.has("routeKey")) {
                continue;
            }
            checked++;
            String routeKey = event.path("routeKey").asText();
            HttpRoute route = routes.get(routeKey);
            assertTrue(route != null, name + ": routeKey " + routeKey + " is not a route of template.yaml");

            // the folder is the module of the function that serves the route, whose handler is declared
            String dir = entry.getKey().getName(0).toString();
            assertEquals(template.moduleDir(route.functionId()).orElseThrow(), dir, name + ": folder vs function");
            String handler = template.handlerClass(route.functionId());
            assertTrue(handlers.contains(handler), name + ": no declared Handler " + handler);
            assertTrue(ContractData.FUNCTIONS.stream().anyMatch(f -> f.moduleDir().equals(dir) && f.handlerClass().equals(handler)),
                    name + ": no agreed function of " + dir + " with the handler " + handler);

            assertEquals("2.0", event.path("version").asText(), name + " version");
            JsonNode context = event.path("requestContext");
            assertEquals(routeKey, context.path("routeKey").asText(), name + " requestContext.routeKey");
            assertEquals("$default", context.path("stage").asText(), name + " stage");
            assertEquals(route.method(), context.path("http").path("method").asText(), name + " http.method");
            assertFalse(event.path("isBase64Encoded").asBoolean(true), name + " isBase64Encoded");

            // pathParameters fill the route's path exactly, with valid IDs
            Map<String, String> params = new TreeMap<>();
            event.path("pathParameters").properties().forEach(p -> params.put(p.getKey(), p.getValue().asText()));
            Set<String> expectedParams = new TreeSet<>();
            var m = java.util.regex.Pattern.compile("\\{([^}]+)}").matcher(route.path());
            while (m.find()) {
                expectedParams.add(m.group(1));
            }
            assertEquals(expectedParams, params.keySet(), name + " pathParameters");
            String rawPath = route.path();
            for (var p : params.entrySet()) {
                assertTrue(ContractData.ID.matcher(p.getValue()).matches(), name + ": bad ID " + p);
                rawPath = rawPath.replace("{" + p.getKey() + "}", p.getValue());
            }
            assertEquals(rawPath, event.path("rawPath").asText(), name + " rawPath");
            assertEquals(rawPath, context.path("http").path("path").asText(), name + " http.path");

            // headers are lower-case, and the query string agrees with its parsed form
            event.path("headers").fieldNames().forEachRemaining(h ->
                    assertEquals(h.toLowerCase(java.util.Locale.ROOT), h, name + ": header names are lower-case"));
            assertEquals(parseQuery(event.path("rawQueryString").asText()), textMap(event.path("queryStringParameters")),
                    name + " queryStringParameters vs rawQueryString");

            if (event.hasNonNull("body")) {
                String contentType = event.path("headers").path("content-type").asText();
                if (contentType.startsWith("application/json")) {
                    try {
                        CloudFormationYaml.JSON.readTree(event.path("body").asText());
                    } catch (IOException e) {
                        fail(name + ": body is not JSON: " + e.getMessage());
                    }
                } else {
                    // The one-click unsubscribe: RFC 8058's form body.
                    assertEquals("application/x-www-form-urlencoded", contentType, name + " content-type");
                }
                assertEquals(String.valueOf(event.path("body").asText().getBytes(StandardCharsets.UTF_8).length),
                        event.path("headers").path("content-length").asText(), name + " content-length");
            }
        }
        assertTrue(checked > 0, "no HTTP sample events found");
    }

    @Test
    void everyRouteHasASampleEvent() {
        Set<String> sampled = events.values().stream().filter(e -> e.has("routeKey"))
                .map(e -> e.path("routeKey").asText()).collect(Collectors.toSet());
        List<String> missing = new ArrayList<>();
        template.httpRoutes().forEach(r -> {
            if (!r.routeKey().equals(ContractData.WEBHOOK_ROUTE) && !sampled.contains(r.routeKey())) {
                missing.add(r.routeKey());
            }
        });
        assertTrue(missing.isEmpty(), "routes without a sample event: " + missing);
        assertTrue(sampled.contains("GET /orgs/{orgId}/logs") && events.values().stream().anyMatch(e ->
                        e.path("headers").path("accept").asText().equals("text/csv")),
                "a sample of the CSV log (accept: text/csv)");
    }

    @Test
    void everySampleEventCarriesARoleTheRouteAllows() {
        events.forEach((file, event) -> {
            if (!event.has("routeKey") || ContractData.OPEN_ROUTES.contains(event.path("routeKey").asText())) {
                return;
            }
            String name = file.toString();
            JsonNode claims = event.path("requestContext").path("authorizer").path("jwt").path("claims");
            for (String claim : List.of("sub", "org_id", "role", "email", "iss", "aud", "exp", "iat")) {
                assertFalse(claims.path(claim).asText().isEmpty(), name + ": claim " + claim);
            }
            assertTrue(event.path("requestContext").path("authorizer").path("jwt").path("scopes").isNull(),
                    name + ": scopes null");
            assertTrue(event.path("headers").path("authorization").asText().startsWith("Bearer "), name + " authorization");

            String role = claims.path("role").asText();
            List<String> allowed = SamTemplate.textList(
                    doc.operation(event.path("routeKey").asText()).node().path("x-credits-roles"));
            assertTrue(allowed.contains(role), name + ": role " + role + " may not call this route " + allowed);
            String orgId = event.path("pathParameters").path("orgId").asText();
            if (!Set.of("service", "staff").contains(role)) {
                assertEquals(orgId, claims.path("org_id").asText(), name + ": org_id claim vs path orgId");
            }
            if (role.equals("member")) {
                JsonNode body = readBody(event);
                assertEquals(claims.path("sub").asText(), body.path("memberId").asText(), name + ": member submits as self");
            }
        });
    }

    @Test
    void openRouteSamplesCarryNoJwt() {
        int checked = 0;
        for (var entry : events.entrySet()) {
            JsonNode event = entry.getValue();
            if (!ContractData.OPEN_ROUTES.contains(event.path("routeKey").asText())) {
                continue;
            }
            checked++;
            String name = entry.getKey().toString();
            assertTrue(event.path("requestContext").path("authorizer").isMissingNode(), name + ": no authorizer context");
            assertTrue(event.path("headers").path("authorization").isMissingNode(), name + ": no Authorization header");
        }
        assertTrue(checked >= 2, "the unsubscribe samples");
    }

    @Test
    void scheduledEventTargetsTheScheduledFunction() {
        List<String> scheduled = new ArrayList<>();
        events.forEach((file, event) -> {
            if (event.has("routeKey") || file.getName(0).toString().equals(STRIPE_EVENTS_DIR)) {
                return;
            }
            String name = file.toString();
            assertEquals("Scheduled Event", event.path("detail-type").asText(), name + " detail-type");
            assertEquals("aws.events", event.path("source").asText(), name + " source");
            String dir = file.getName(0).toString();
            // The folder's scheduled function (a module's jar may also hold the function of its routes).
            List<String> ofFolder = template.functionIds().stream()
                    .filter(id -> template.moduleDir(id).orElse("").equals(dir)).toList();
            assertFalse(ofFolder.isEmpty(), name + ": no function ships functions/" + dir);
            assertTrue(ofFolder.stream().anyMatch(id -> !template.eventsOfType(id, "Schedule", "ScheduleV2").isEmpty()),
                    name + ": no function of functions/" + dir + " has a schedule");
            scheduled.add(name);
        });
        assertTrue(scheduled.contains("low-credit-check/scheduled.json"), "the low-credit check's sample: " + scheduled);
        assertTrue(scheduled.contains("auto-top-up/scheduled.json"), "the auto top-up pass's sample: " + scheduled);
    }

    private static JsonNode readBody(JsonNode event) {
        try {
            return CloudFormationYaml.JSON.readTree(event.path("body").asText("{}"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> parseQuery(String raw) {
        Map<String, String> params = new TreeMap<>();
        if (!raw.isEmpty()) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                params.merge(key, value, (a, b) -> a + "," + b); // API Gateway joins repeated keys with commas
            }
        }
        return params;
    }

    private static Map<String, String> textMap(JsonNode node) {
        Map<String, String> map = new TreeMap<>();
        node.properties().forEach(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }
}
