package app.credits.webtests;

import app.credits.testkit.local.RunnerApi;
import app.credits.testkit.local.RunnerEnvironment;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The local runner as the browser tests use it: the packaged jar (the page inside) started as a child process on
 * free ports with its own data dir, plus the API calls a test makes to set the scene and to read the truth.
 */
final class Runner implements AutoCloseable {
    static final Path REPO = Path.of(System.getProperty("repo.root", "..")).toAbsolutePath().normalize();
    static final Path JAR = Path.of(System.getProperty("runner.jar", REPO.resolve("local/target/credits-local.jar").toString()));
    static final ObjectMapper JSON = new ObjectMapper();
    static final String PAGE = "/app/admin/billing/credits";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final Path log;
    final String url;
    private final RunnerApi api;

    private Runner(Process process, Path log, String url) {
        this.process = process;
        this.log = log;
        this.url = url;
        this.api = new RunnerApi(url);
    }

    static Runner start(Path dir) throws Exception {
        int port = freePort();
        int dynamoPort = freePort();
        Files.createDirectories(dir);
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-jar", JAR.toString(), "--no-schedule"));
        ProcessBuilder builder = new ProcessBuilder(command).directory(REPO.toFile());
        var env = builder.environment();
        RunnerEnvironment.scrub(env);
        env.put("PORT", String.valueOf(port));
        env.put("DYNAMODB_PORT", String.valueOf(dynamoPort));
        env.put("CREDITS_DATA_DIR", dir.resolve("data").toString());
        Path log = dir.resolve("runner.log");
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        Runner runner = new Runner(builder.start(), log, "http://127.0.0.1:" + port);
        runner.awaitPage(Duration.ofSeconds(60));
        return runner;
    }

    private void awaitPage(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the runner exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                if (send("GET", PAGE + "/config.json", null, null).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the runner did not serve the page within " + timeout + ":\n" + Files.readString(log));
    }

    HttpResponse<String> send(String method, String path, String token, String body) throws IOException, InterruptedException {
        return api.send(method, path, token, body);
    }

    /** Calls the API and expects a 2xx; returns the JSON answer. */
    JsonNode call(String method, String path, String token, String body) throws Exception {
        HttpResponse<String> r = send(method, path, token, body);
        if (r.statusCode() / 100 != 2) {
            throw new AssertionError(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    String token(String sub, String org, String role) throws Exception {
        return call("POST", "/_local/token", null, "{\"sub\":\"" + sub + "\",\"org_id\":\"" + org + "\",\"role\":\"" + role
                + "\",\"email\":\"" + sub + "@example.test\"}").path("token").asText();
    }

    /** A paid Checkout delivered to the webhook, as Stripe does. */
    void purchase(String org, int credits) throws Exception {
        simulatePurchase("{\"orgId\":\"" + org + "\",\"credits\":" + credits + ",\"email\":\"billing@" + org
                + ".test\"}");
    }

    /** A paid Checkout that saves {@code testCard} for auto top-up (the webhook records it on the org). */
    void purchaseSavingCard(String org, int credits, String testCard) throws Exception {
        simulatePurchase("{\"orgId\":\"" + org + "\",\"credits\":" + credits + ",\"email\":\"billing@"
                + org.replace('_', '-') + ".test\",\"saveCard\":\"" + testCard + "\"}");
    }

    private void simulatePurchase(String order) throws Exception {
        JsonNode paid = call("POST", "/_local/simulate-purchase", null, order);
        if (paid.path("webhook").path("status").asInt() != 200) {
            throw new AssertionError("the purchase was not credited: " + paid);
        }
    }

    /** One run of the scheduled auto top-up pass now; its summary. */
    JsonNode runAutoTopUp() throws Exception {
        return call("POST", "/_local/run/auto-top-up", null, null);
    }

    /** The emails the runner sent to {@code address}, newest first. */
    List<JsonNode> emailsTo(String address) throws Exception {
        List<JsonNode> emails = new ArrayList<>();
        call("GET", "/_local/emails", null, null).path("data").forEach(e -> {
            if (e.path("to").toString().contains(address)) {
                emails.add(e);
            }
        });
        return emails;
    }

    void submit(String org, String submissionId) throws Exception {
        String member = token("member_" + org, org, "member");
        call("POST", "/orgs/" + org + "/submissions", member,
                "{\"submissionId\":\"" + submissionId + "\",\"memberId\":\"member_" + org + "\"}");
    }

    void invite(String org, String inviteId, String email) throws Exception {
        call("POST", "/orgs/" + org + "/invites", token("admin_" + org, org, "admin"),
                "{\"inviteId\":\"" + inviteId + "\",\"email\":\"" + email + "\"}");
    }

    JsonNode balance(String org) throws Exception {
        return call("GET", "/orgs/" + org + "/balance", token("admin_" + org, org, "admin"), null);
    }

    JsonNode get(String org, String pathAndQuery) throws Exception {
        return call("GET", "/orgs/" + org + pathAndQuery, token("admin_" + org, org, "admin"), null);
    }

    /** A staff adjustment with its Idempotency-Key, as answered (any status). */
    HttpResponse<String> adjust(String org, String key, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/orgs/" + org + "/adjustments"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json").header("Idempotency-Key", key)
                .header("Authorization", "Bearer " + token("staff_" + org, "org_vendor", "staff"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** The whole log as the API's CSV ({@code Accept: text/csv}), following the 303 of a long log's export. */
    String logsCsv(String org) throws Exception {
        HttpResponse<String> csv = logsAsCsv(org);
        if (csv.statusCode() == 303) {
            csv = HTTP.send(HttpRequest.newBuilder(URI.create(csv.headers().firstValue("location").orElseThrow()))
                    .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        }
        if (csv.statusCode() != 200) {
            throw new AssertionError("GET logs as CSV answered " + csv.statusCode() + ": " + csv.body());
        }
        return csv.body();
    }

    /** {@code GET logs} with {@code Accept: text/csv}, as answered (no redirect followed). */
    HttpResponse<String> logsAsCsv(String org) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/orgs/" + org + "/logs")).timeout(Duration.ofSeconds(60))
                .header("Accept", "text/csv").header("Authorization", "Bearer " + token("admin_" + org, org, "admin")).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Gives a new org a log of {@code entries} bulk-loaded movements ({@code /_local/seed-log}). */
    void seedLog(String org, int entries) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/_local/seed-log")).timeout(Duration.ofMinutes(5))
                .POST(HttpRequest.BodyPublishers.ofString("{\"orgId\":\"" + org + "\",\"entries\":" + entries + "}")).build();
        HttpResponse<String> seeded = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        if (seeded.statusCode() != 201) {
            throw new AssertionError("seed-log answered " + seeded.statusCode() + ": " + seeded.body());
        }
    }

    /**
     * Until {@link #clearFaults()}, every DynamoDB request takes 3 s, longer than the functions' attempt timeout:
     * the API answers 503 "The database could not be reached" (a throttled one also answers 503, but which of the
     * two messages depends on the SDK's jittered backoff).
     */
    void slowDownTheDatabase() throws Exception {
        call("POST", "/_local/faults", null, "{\"operation\":\"*\",\"delayMillis\":3000}");
    }

    void clearFaults() throws Exception {
        call("DELETE", "/_local/faults", null, null);
    }

    static int freePort() {
        return RunnerEnvironment.freePort();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
