package app.credits.local;

import app.credits.testkit.template.SamTemplate;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiGatewayEventsTest {
    private static final Instant NOW = Instant.parse("2026-11-23T18:04:05.128Z");

    private final Router router = new Router(SamTemplate.parse("""
            Resources:
              Invites:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: x.Invites
                  Events:
                    List: {Type: HttpApi, Properties: {Path: "/orgs/{orgId}/invites", Method: GET}}
                    Hook: {Type: HttpApi, Properties: {Path: "/hook", Method: POST}}
            """));

    @Test
    void aJwtRouteEventHasEveryFieldOfTheCapturedApiGatewaySample() throws Exception {
        // GIVEN a browser-like GET with a repeated query parameter, a repeated header and cookies
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Authorization", List.of("Bearer x.y.z"));
        headers.put("Accept", List.of("application/json", "text/csv"));
        headers.put("User-Agent", List.of("curl/8.5"));
        headers.put("Host", List.of("127.0.0.1:3000"));
        headers.put("Cookie", List.of("a=1; b=2"));
        var request = new ApiGatewayEvents.Request("GET", "/orgs/org_acme/invites", "status=pending&x=1&x=2%2C3",
                headers, new byte[0], "127.0.0.1", 3000);
        Map<String, String> claims = Map.of("sub", "u1", "org_id", "org_acme", "role", "admin", "exp", "1795460345");

        // WHEN the event is built
        JsonNode event = ApiGatewayEvents.JSON.readTree(ApiGatewayEvents.event(request,
                router.match("GET", "/orgs/org_acme/invites").orElseThrow(), claims, NOW));

        // THEN it has the shape of events/balance/get-balance.json (captured from API Gateway), field for field
        JsonNode sample = ApiGatewayEvents.JSON.readTree(Files.readString(
                RunnerProcess.REPO.resolve("events/balance/get-balance.json")));
        assertEquals(fieldNames(sample), fieldNames(event).stream().filter(f -> !f.startsWith("cookies")
                && !f.startsWith("queryStringParameters")).collect(java.util.stream.Collectors.toCollection(TreeSet::new)));
        // AND its values are API Gateway's
        assertEquals("GET /orgs/{orgId}/invites", event.path("routeKey").asText());
        assertEquals("GET /orgs/{orgId}/invites", event.path("requestContext").path("routeKey").asText());
        assertEquals("status=pending&x=1&x=2%2C3", event.path("rawQueryString").asText());
        assertEquals("1,2,3", event.path("queryStringParameters").path("x").asText());
        assertEquals("application/json,text/csv", event.path("headers").path("accept").asText());
        assertFalse(event.path("headers").has("cookie"));
        assertEquals("[\"a=1\",\"b=2\"]", event.path("cookies").toString());
        assertEquals("org_acme", event.path("pathParameters").path("orgId").asText());
        assertEquals("u1", event.path("requestContext").path("authorizer").path("jwt").path("claims").path("sub").asText());
        assertEquals("23/Nov/2026:18:04:05 +0000", event.path("requestContext").path("time").asText());
        assertEquals(NOW.toEpochMilli(), event.path("requestContext").path("timeEpoch").asLong());
        assertEquals("curl/8.5", event.path("requestContext").path("http").path("userAgent").asText());
    }

    @Test
    void anOpenRouteHasNoAuthorizerAndABinaryBodyGoesBase64() throws Exception {
        byte[] binary = {(byte) 0xff, (byte) 0xfe, 0, 1};
        var request = new ApiGatewayEvents.Request("POST", "/hook", null, Map.of(), binary, "127.0.0.1", 3000);

        JsonNode event = ApiGatewayEvents.JSON.readTree(ApiGatewayEvents.event(request,
                router.match("POST", "/hook").orElseThrow(), null, NOW));

        assertFalse(event.path("requestContext").has("authorizer"));
        assertFalse(event.has("pathParameters"));
        assertFalse(event.has("queryStringParameters"));
        assertTrue(event.path("isBase64Encoded").asBoolean());
        assertEquals(Base64.getEncoder().encodeToString(binary), event.path("body").asText());

        var text = new ApiGatewayEvents.Request("POST", "/hook", "", Map.of(), "{\"é\":1}".getBytes(StandardCharsets.UTF_8), "127.0.0.1", 3000);
        JsonNode plain = ApiGatewayEvents.JSON.readTree(ApiGatewayEvents.event(text, router.match("POST", "/hook").orElseThrow(), null, NOW));
        assertFalse(plain.path("isBase64Encoded").asBoolean());
        assertEquals("{\"é\":1}", plain.path("body").asText());
    }

    @Test
    void aScheduledEventIsEventBridges() throws Exception {
        JsonNode event = ApiGatewayEvents.JSON.readTree(ApiGatewayEvents.scheduledEvent("LowCreditCheckFunction", "us-east-1", NOW));
        JsonNode sample = ApiGatewayEvents.JSON.readTree(Files.readString(
                RunnerProcess.REPO.resolve("events/low-credit-check/scheduled.json")));
        assertEquals(fieldNames(sample), fieldNames(event));
        assertEquals("Scheduled Event", event.path("detail-type").asText());
        assertEquals("2026-11-23T18:04:05Z", event.path("time").asText());
    }

    /** Every field path of an object tree (array elements and JWT claims are not descended into). */
    private static TreeSet<String> fieldNames(JsonNode node) {
        TreeSet<String> names = new TreeSet<>();
        collect(node, "", names);
        return names;
    }

    private static void collect(JsonNode node, String prefix, TreeSet<String> names) {
        List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(node.properties());
        for (var field : fields) {
            String path = prefix + field.getKey();
            names.add(path);
            if (field.getValue().isObject() && !path.endsWith("claims") && !path.equals("headers")
                    && !path.equals("pathParameters") && !path.equals("queryStringParameters")) {
                collect(field.getValue(), path + ".", names);
            }
        }
    }
}
