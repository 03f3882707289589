package app.credits.local;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The page's files as the runner serves them: SPA rewrites, config.json and the security headers. */
class BillingPageTest {
    private final BillingPage page = new BillingPage("http://127.0.0.1:3000");
    private final Map<String, List<String>> headers = Map.of("Host", List.of("localhost:3000"));

    @Test
    void thePageAndItsSubPathsAnswerIndexHtmlUnderTheContentSecurityPolicy() throws Exception {
        for (String path : List.of(BillingPage.PATH, BillingPage.PATH + "/", BillingPage.PATH + "/callback")) {
            LocalServer.Reply reply = get(path);
            assertEquals(200, reply.status(), path);
            assertTrue(text(reply).contains("billing-page.js"), path);
            assertEquals("text/html; charset=utf-8", reply.headers().get("Content-Type"));
            assertEquals(BillingPage.CONTENT_SECURITY_POLICY, reply.headers().get("Content-Security-Policy"));
            assertEquals("nosniff", reply.headers().get("X-Content-Type-Options"));
        }
        assertEquals("text/javascript; charset=utf-8", get(BillingPage.PATH + "/credits-billing.js").headers().get("Content-Type"));
    }

    @Test
    void configNamesTheRunnerAsTheOidcProviderOnTheBrowsersOrigin() throws Exception {
        JsonNode config = ApiGatewayEvents.JSON.readTree(get(BillingPage.PATH + "/config.json").body());

        assertEquals("http://localhost:3000/_local/oidc", config.path("authority").asText());
        assertEquals(BillingPage.CLIENT_ID, config.path("clientId").asText());
        assertEquals("", config.path("apiBase").asText());
    }

    @Test
    void aMissingFileIsA404AndNothingOutsideThePageIsServed() throws Exception {
        assertEquals(404, get(BillingPage.PATH + "/nothing-here.js").status());
        assertEquals(404, get(BillingPage.PATH + "/../../../../local/pom.xml").status());
        assertEquals(404, get(BillingPage.PATH + "/%2e%2e/secret").status());
        assertTrue(handle(page, "GET", URI.create("/app/admin/billing/creditsX"), headers, new byte[0]).isEmpty());
        assertTrue(handle(page, "POST", URI.create(BillingPage.PATH), headers, new byte[0]).isEmpty());
    }

    private LocalServer.Reply get(String path) throws Exception {
        return handle(page, "GET", URI.create(path), headers, new byte[0]).orElseThrow();
    }

    private static String text(LocalServer.Reply reply) {
        return new String(reply.body(), StandardCharsets.UTF_8);
    }

    /** One request as the runner's server passes it on: the raw path and the raw query apart. */
    private static java.util.Optional<LocalServer.Reply> handle(LocalServer.Extras extras, String method, URI uri,
            java.util.Map<String, java.util.List<String>> headers, byte[] body) throws Exception {
        return extras.handle(method, uri.getRawPath(), uri.getRawQuery(), headers, body);
    }
}
