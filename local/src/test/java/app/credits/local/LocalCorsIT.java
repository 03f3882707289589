package app.credits.local;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Security finding 7, against the packaged runner started as a person starts it: a web page open in the
 * developer's browser must not be able to use the runner. CORS is answered only for {@code http://127.0.0.1} and
 * {@code http://localhost} origins (any port), and a request to {@code /_local/*} that a browser sends from any
 * other origin (or through a DNS name rebound to 127.0.0.1) is refused, so no other site can mint a staff token.
 */
class LocalCorsIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final String STAFF = "{\"sub\":\"attacker\",\"org_id\":\"org_any\",\"role\":\"staff\"}";

    @TempDir
    static Path temp;
    static RunnerProcess runner;

    @BeforeAll
    static void start() throws Exception {
        runner = RunnerProcess.start(RunnerProcess.REPO, temp, "cors", RunnerProcess.env("PORT", RunnerProcess.freePort(),
                "DYNAMODB_PORT", RunnerProcess.freePort()), "--in-memory", "--no-schedule");
        runner.awaitFirstAnswer(Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        runner.close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"https://evil.example", "http://localhost.evil.example", "http://127.0.0.1.nip.io:3000",
            "https://localhost:5173", "http://[::1]:5173", "null", "http://evil.example:3000"})
    void aPageOnAnotherOriginCannotMintAToken(String origin) throws Exception {
        // WHEN a page of that origin POSTs to /_local/token (a "simple" request: no preflight needed to send it)
        HttpResponse<String> token = send("POST", "/_local/token", origin, STAFF);

        // THEN it is refused, no token is in the answer, and nothing lets the page read it
        assertEquals(403, token.statusCode(), token.body());
        assertFalse(token.body().contains("token\""), token.body());
        assertEquals(Optional.empty(), allowedOrigin(token));
        // AND its preflight is refused too
        HttpResponse<String> preflight = preflight("/_local/token", origin);
        assertEquals(Optional.empty(), allowedOrigin(preflight));
        assertTrue(preflight.statusCode() >= 400, "preflight answered " + preflight.statusCode());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"https://evil.example", "http://localhost.evil.example"})
    void aPageOnAnotherOriginCannotReadTheApi(String origin) throws Exception {
        // GIVEN a token the developer holds WHEN another site's page calls the API from the browser
        String admin = runner.token("user_admin", "org_cors", "admin");
        HttpResponse<String> balance = HTTP.send(request("GET", "/orgs/org_cors/balance", origin, null)
                .header("Authorization", "Bearer " + admin).build(), HttpResponse.BodyHandlers.ofString());

        // THEN the answer carries no CORS permission for that origin, so the browser keeps it from the page
        assertEquals(Optional.empty(), allowedOrigin(balance));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"http://localhost:5173", "http://127.0.0.1:3000", "http://localhost", "http://LOCALHOST:8080"})
    void aPageServedFromThisMachineGetsCors(String origin) throws Exception {
        // WHEN the Billing page under development (any port of this machine) asks for a token
        HttpResponse<String> token = send("POST", "/_local/token", origin, STAFF);

        // THEN it gets one, and the browser may read it
        assertEquals(200, token.statusCode(), token.body());
        assertEquals(Optional.of(origin), allowedOrigin(token));
        HttpResponse<String> preflight = preflight("/orgs/org_cors/balance", origin);
        assertEquals(204, preflight.statusCode());
        assertEquals(Optional.of(origin), allowedOrigin(preflight));
    }

    @Test
    void toolsThatSendNoOriginStillWork() throws Exception {
        // curl, the tests, the Stripe CLI: not a browser, so not a cross-origin request
        assertEquals(200, runner.send("POST", "/_local/token", null, STAFF).statusCode());
    }

    @Test
    void aDnsNameReboundTo127001CannotReachTheExtras() throws Exception {
        // GIVEN a page on evil.example whose name now resolves to 127.0.0.1: its same-origin requests carry
        // Host: evil.example:<port> and, for a GET, no Origin at all
        String answer = raw("GET /_local/emails HTTP/1.1\r\nHost: evil.example:" + runner.port + "\r\nConnection: close\r\n\r\n");

        // THEN the extras refuse it
        assertTrue(answer.startsWith("HTTP/1.1 403"), answer);
        // AND the same request addressed to this machine works
        String local = raw("GET /_local/emails HTTP/1.1\r\nHost: localhost:" + runner.port + "\r\nConnection: close\r\n\r\n");
        assertTrue(local.startsWith("HTTP/1.1 200"), local);
    }

    // ------------------------------------------------------------------ helpers

    private static HttpRequest.Builder request(String method, String path, String origin, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + runner.port + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "text/plain;charset=UTF-8");
        }
        return request.header("Origin", origin);
    }

    private static HttpResponse<String> send(String method, String path, String origin, String body) throws Exception {
        return HTTP.send(request(method, path, origin, body).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> preflight(String path, String origin) throws Exception {
        return HTTP.send(request("OPTIONS", path, origin, null).header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type,authorization").build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Optional<String> allowedOrigin(HttpResponse<?> response) {
        return response.headers().firstValue("Access-Control-Allow-Origin");
    }

    private static String raw(String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", runner.port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
