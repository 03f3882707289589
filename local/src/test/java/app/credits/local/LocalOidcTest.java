package app.credits.local;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The runner as an OIDC provider: Authorization Code with PKCE, and tokens the local API accepts. */
class LocalOidcTest {
    private static final String RUNNER = "http://127.0.0.1:3000";
    private static final String SECRET = LocalConfig.DEFAULT_JWT_SECRET;
    private static final String REDIRECT = RUNNER + BillingPage.PATH + "/callback";
    private static final String VERIFIER = "a-verifier-of-at-least-forty-three-characters-0123456789";
    private final Jwt apiTokens = new Jwt(SECRET, LocalConfig.TOKEN_ISSUER, LocalConfig.TOKEN_AUDIENCE, Clock.systemUTC());
    private final LocalOidc oidc = new LocalOidc(SECRET, apiTokens, RUNNER, Clock.systemUTC());
    private final Map<String, List<String>> headers = Map.of("Host", List.of("127.0.0.1:3000"));

    @Test
    void aSignInWithTheRightVerifierGetsTheSameTokenAsLocalTokenAndTheCodeWorksOnce() throws Exception {
        // GIVEN a sign-in through the form as an admin of org_a
        String code = codeFrom(signIn(Map.of("org_id", "org_a", "role", "admin", "sub", "ann", "email", "ann@a.test",
                "state", "s-1", "nonce", "n-1")));

        // WHEN the client redeems the code with its verifier
        JsonNode tokens = json(post("/token", grant(code, VERIFIER)));

        // THEN the access token is one the local API's authorizer accepts, with the form's claims
        Map<String, String> claims = apiTokens.verify(tokens.path("access_token").asText());
        assertEquals("org_a", claims.get("org_id"));
        assertEquals("admin", claims.get("role"));
        assertEquals("ann", claims.get("sub"));
        assertEquals("ann@a.test", claims.get("email"));
        assertEquals("Bearer", tokens.path("token_type").asText());
        // AND the ID token names this provider and the client, and carries the nonce
        Map<String, String> id = new Jwt(SECRET, RUNNER + LocalOidc.PREFIX, "page", Clock.systemUTC())
                .verify(tokens.path("id_token").asText());
        assertEquals("n-1", id.get("nonce"));
        // AND the same code a second time is refused
        LocalServer.Reply again = post("/token", grant(code, VERIFIER));
        assertEquals(400, again.status());
        assertEquals("invalid_grant", json(again).path("error").asText());
    }

    @Test
    void aCodeRedeemedWithAnotherVerifierGetsNoToken() throws Exception {
        String code = codeFrom(signIn(Map.of("org_id", "org_a", "role", "admin", "sub", "ann", "state", "s")));

        LocalServer.Reply reply = post("/token", grant(code, "someone-elses-verifier-that-is-long-enough-000000"));

        assertEquals(400, reply.status());
        assertTrue(json(reply).path("error_description").asText().contains("PKCE"), json(reply).toString());
    }

    @Test
    void aRedirectToAnotherMachineOrWithoutPkceIsRefusedWithoutRedirecting() throws Exception {
        LocalServer.Reply elsewhere = get("/authorize?response_type=code&client_id=page&code_challenge=x"
                + "&code_challenge_method=S256&redirect_uri=" + enc("https://evil.example/cb"));
        LocalServer.Reply noPkce = get("/authorize?response_type=code&client_id=page&redirect_uri=" + enc(REDIRECT));

        assertEquals(400, elsewhere.status());
        assertTrue(new String(elsewhere.body(), StandardCharsets.UTF_8).contains("redirect_uri must be"));
        assertEquals(400, noPkce.status());
        assertTrue(new String(noPkce.body(), StandardCharsets.UTF_8).contains("PKCE is required"));
    }

    @Test
    void theFormRefusesAnOrganizationThatIsNotAnId() throws Exception {
        LocalServer.Reply reply = signIn(Map.of("org_id", "org a/b", "role", "admin", "sub", "ann"));

        assertEquals(400, reply.status());
        assertTrue(new String(reply.body(), StandardCharsets.UTF_8).contains("Organization must be"));
    }

    @Test
    void discoveryNamesTheEndpointsOnTheOriginTheBrowserUsed() throws Exception {
        JsonNode discovery = json(handle(oidc, "GET", URI.create(LocalOidc.PREFIX + "/.well-known/openid-configuration"),
                Map.of("Host", List.of("localhost:3000")), new byte[0]).orElseThrow());

        assertEquals("http://localhost:3000/_local/oidc", discovery.path("issuer").asText());
        assertEquals("http://localhost:3000/_local/oidc/token", discovery.path("token_endpoint").asText());
        assertEquals("[\"S256\"]", discovery.path("code_challenge_methods_supported").toString());
    }

    private LocalServer.Reply signIn(Map<String, String> person) throws Exception {
        StringBuilder form = new StringBuilder("response_type=code&client_id=page&code_challenge_method=S256")
                .append("&code_challenge=").append(LocalOidc.s256(VERIFIER)).append("&redirect_uri=").append(enc(REDIRECT));
        person.forEach((k, v) -> form.append('&').append(k).append('=').append(enc(v)));
        return post("/authorize", form.toString());
    }

    private static String codeFrom(LocalServer.Reply redirect) {
        assertEquals(303, redirect.status(), new String(redirect.body(), StandardCharsets.UTF_8));
        String location = redirect.headers().get("Location");
        assertTrue(location.startsWith(REDIRECT + "?code="), location);
        return location.substring(location.indexOf("code=") + 5, location.indexOf("&state="));
    }

    private static String grant(String code, String verifier) {
        return "grant_type=authorization_code&client_id=page&code=" + enc(code) + "&redirect_uri=" + enc(REDIRECT)
                + "&code_verifier=" + enc(verifier);
    }

    private LocalServer.Reply get(String pathAndQuery) throws Exception {
        return handle(oidc, "GET", URI.create(LocalOidc.PREFIX + pathAndQuery), headers, new byte[0]).orElseThrow();
    }

    private LocalServer.Reply post(String path, String form) throws Exception {
        return handle(oidc, "POST", URI.create(LocalOidc.PREFIX + path), headers, form.getBytes(StandardCharsets.UTF_8))
                .orElseThrow();
    }

    private static JsonNode json(LocalServer.Reply reply) throws Exception {
        return ApiGatewayEvents.JSON.readTree(reply.body());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void jwtOfTheIdTokenIsNotAnApiToken() {
        // The ID token is for the client (aud = client id): the API's authorizer must refuse it as a bearer.
        String idToken = new Jwt(SECRET, RUNNER + LocalOidc.PREFIX, "page", Clock.systemUTC())
                .mint(Map.of("sub", "ann", "org_id", "org_a", "role", "admin"), LocalExtras.TOKEN_LIFETIME);
        assertThrows(Jwt.Rejected.class, () -> apiTokens.verify(idToken));
    }

    /** One request as the runner's server passes it on: the raw path and the raw query apart. */
    private static java.util.Optional<LocalServer.Reply> handle(LocalServer.Extras extras, String method, URI uri,
            java.util.Map<String, java.util.List<String>> headers, byte[] body) throws Exception {
        return extras.handle(method, uri.getRawPath(), uri.getRawQuery(), headers, body);
    }
}
