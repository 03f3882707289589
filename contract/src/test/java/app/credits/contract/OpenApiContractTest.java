package app.credits.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.credits.contract.OpenApiDoc.Operation;
import app.credits.testkit.template.SamTemplate;
import app.credits.testkit.template.SamTemplate.HttpRoute;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** docs/openapi.yaml: the same routes as the template, and the contract's auth, headers and errors. */
class OpenApiContractTest {

    /** Errors a route can answer beyond those every route has (docs/api.md's table, route by route). */
    private static final Map<String, Set<String>> EXTRA_ERRORS = Map.of(
            "POST /orgs/{orgId}/submissions", Set.of("402", "404", "409"),
            "POST /orgs/{orgId}/invites", Set.of("402", "409"),
            "DELETE /orgs/{orgId}/invites/{inviteId}", Set.of("404", "409"),
            "POST /orgs/{orgId}/adjustments", Set.of("402", "409"),
            "POST /orgs/{orgId}/checkout", Set.of("409"),
            "PUT /orgs/{orgId}/auto-top-up", Set.of("409"));

    private static OpenApiDoc doc;
    private static SamTemplate template;

    @BeforeAll
    static void load() {
        doc = OpenApiDoc.load();
        template = SamTemplate.ofRepository();
    }

    @Test
    void openApiDescribesExactlyTheTemplateRoutes() {
        assertEquals("3.0.3", doc.root().path("openapi").asText());
        Set<String> documented = new TreeSet<>();
        List<String> twice = new ArrayList<>();
        doc.operations().forEach(o -> {
            if (!documented.add(o.key())) {
                twice.add(o.key());
            }
        });
        assertTrue(twice.isEmpty(), "documented twice: " + twice);
        Set<String> declared = template.httpRoutes().stream().map(HttpRoute::routeKey).collect(Collectors.toCollection(TreeSet::new));

        assertEquals(declared, documented, "routes in template.yaml vs docs/openapi.yaml");

        // and each is documented as served by the function that serves it
        template.httpRoutes().forEach(r -> assertEquals(template.moduleDir(r.functionId()).orElseThrow(),
                doc.operation(r.routeKey()).node().path("x-credits-function").asText(), r.routeKey() + " x-credits-function"));
    }

    @Test
    void openApiRequiresTheJwtOnEveryRouteButTheSelfAuthenticatingOnes() {
        JsonNode scheme = doc.root().path("components").path("securitySchemes").path("bearerAuth");
        assertEquals("http", scheme.path("type").asText());
        assertEquals("bearer", scheme.path("scheme").asText());
        assertEquals("JWT", scheme.path("bearerFormat").asText());
        assertEquals("[{\"bearerAuth\":[]}]", doc.root().path("security").toString(), "bearer JWT by default");

        for (Operation op : doc.operations()) {
            JsonNode security = op.node().path("security");
            List<String> roles = SamTemplate.textList(op.node().path("x-credits-roles"));
            if (ContractData.OPEN_ROUTES.contains(op.key())) {
                assertEquals("[]", security.toString(), op.key() + " authenticates itself (a signature, a signed token), not by a JWT");
                assertTrue(roles.isEmpty(), "no roles on " + op.key());
            } else {
                assertTrue(security.isMissingNode() || security.toString().equals("[{\"bearerAuth\":[]}]"),
                        op.key() + " must keep the bearer JWT");
                assertFalse(roles.isEmpty(), op.key() + " x-credits-roles");
                assertTrue(ContractData.ROLES.containsAll(roles), op.key() + " unknown role in " + roles);
                assertTrue(roles.contains("staff"), op.key() + ": staff may do everything");
            }
        }
    }

    @Test
    void everyOperationListsTheErrorsItCanAnswer() {
        for (Operation op : doc.operations()) {
            Set<String> statuses = new HashSet<>();
            op.node().path("responses").fieldNames().forEachRemaining(statuses::add);
            Set<String> expected = new HashSet<>(Set.of("400", "500", "503"));
            if (!ContractData.OPEN_ROUTES.contains(op.key())) {
                expected.addAll(Set.of("401", "403"));
            }
            if (op.node().has("requestBody")) {
                expected.add("413");
            }
            expected.addAll(EXTRA_ERRORS.getOrDefault(op.key(), Set.of()));

            Set<String> errorStatuses = statuses.stream().filter(s -> s.charAt(0) >= '4').collect(Collectors.toSet());
            assertEquals(new TreeSet<>(expected), new TreeSet<>(errorStatuses), op.key() + " error statuses");
            assertTrue(statuses.stream().anyMatch(s -> s.startsWith("2")), op.key() + " has no success response");

            for (String status : errorStatuses) {
                JsonNode schema = doc.resolve(op.node().path("responses").path(status))
                        .path("content").path("application/json").path("schema");
                String refs = schema.toString();
                assertTrue(refs.contains("#/components/schemas/Error"), op.key() + " " + status + " must use the error shape");
            }
        }
    }

    @Test
    void everyPathParameterIsDeclaredAndEveryReferenceResolves() {
        for (Operation op : doc.operations()) {
            Set<String> inPath = new TreeSet<>();
            Matcher m = Pattern.compile("\\{([^}]+)}").matcher(op.path());
            while (m.find()) {
                inPath.add(m.group(1));
            }
            Set<String> declared = op.parameters(doc).stream().filter(p -> p.path("in").asText().equals("path"))
                    .map(p -> p.path("name").asText()).collect(Collectors.toCollection(TreeSet::new));
            assertEquals(inPath, declared, op.key() + " path parameters");
            assertFalse(op.node().path("operationId").asText().isEmpty(), op.key() + " operationId");
        }
        List<String> refs = new ArrayList<>();
        collectRefs(doc.root(), refs);
        assertFalse(refs.isEmpty());
        refs.forEach(doc::pointer);
    }

    @Test
    void theHeadersTheContractNamesAreDocumented() {
        assertHeader("POST /orgs/{orgId}/adjustments", "Idempotency-Key", true);
        assertHeader(ContractData.WEBHOOK_ROUTE, "Stripe-Signature", true);
        assertHeader("GET /orgs/{orgId}/logs", "Accept", false);
        assertTrue(doc.operation("GET /orgs/{orgId}/logs").node().path("responses").path("200").path("content")
                .has("text/csv"), "logs answer text/csv too");
        for (String route : List.of("GET /unsubscribe", "POST /unsubscribe")) {
            JsonNode token = doc.operation(route).parameters(doc).stream()
                    .filter(p -> p.path("in").asText().equals("query") && p.path("name").asText().equals("token"))
                    .findFirst().orElseThrow(() -> new AssertionError(route + " does not document the token"));
            assertTrue(token.path("required").asBoolean(), route + " token required");
            assertTrue(doc.operation(route).node().path("responses").path("200").path("content").has("text/html"),
                    route + " answers a page");
        }
    }

    @Test
    void creditsAreStringsInResponsesAndStringOrNumberInRequests() {
        JsonNode schemas = doc.root().path("components").path("schemas");
        assertEquals("string", schemas.path("Credits").path("type").asText());
        Set<String> inputTypes = new TreeSet<>();
        schemas.path("CreditsInput").path("oneOf").forEach(s -> inputTypes.add(s.path("type").asText()));
        assertEquals(Set.of("number", "string"), inputTypes);
        assertEquals(Set.of("amount", "currency"), fieldNames(schemas.path("Money").path("properties")));
        for (String page : List.of("LogEntryPage", "InvitePage")) {
            assertEquals(Set.of("data", "nextCursor"), fieldNames(schemas.path(page).path("properties")), page);
            assertTrue(schemas.path(page).path("properties").path("nextCursor").path("nullable").asBoolean(), page);
        }
        assertEquals(Set.of("type", "code", "message"),
                fieldNames(schemas.path("Error").path("properties").path("error").path("properties")));
    }

    private static void assertHeader(String route, String name, boolean required) {
        JsonNode header = doc.operation(route).parameters(doc).stream()
                .filter(p -> p.path("in").asText().equals("header") && p.path("name").asText().equalsIgnoreCase(name))
                .findFirst().orElseThrow(() -> new AssertionError(route + " does not document the " + name + " header"));
        assertEquals(required, header.path("required").asBoolean(), route + " " + name + " required");
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static void collectRefs(JsonNode node, List<String> refs) {
        if (node.isObject()) {
            node.properties().forEach(e -> {
                if (e.getKey().equals("$ref") && e.getValue().isTextual()) {
                    refs.add(e.getValue().asText());
                } else {
                    collectRefs(e.getValue(), refs);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectRefs(n, refs));
        }
    }
}
