package app.credits.testkit.ses;

import app.credits.testkit.Repository;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one SES stand-in: {@code aws-ses-v2-local} (npm, pinned in {@code tools/ses-emulator}, installed by
 * {@code bin/test}), run as a child process on a free loopback port, plus this launcher and reader. What the code
 * under test sent is read back from the emulator's {@code GET /store}; {@code POST /clear-store} empties it.
 * <p>
 * Why this one and not a Java SES stand-in of our own: it is an independent implementation of SES's v1 and v2 send
 * APIs (it refuses unsigned requests, reads the SDK's real JSON), so our requests are checked against someone else's
 * reading of SES, not against our own (the project's design chose it), and a developer can run it beside the local
 * runner ({@code SES_ENDPOINT}) and see the mails in its web view. It cannot fail on demand, so SES's failures come from
 * {@link SesFaults}, a loopback front that passes requests through to it or fails them as SES does.
 */
public final class SesEmulator implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration STARTUP = Duration.ofSeconds(20);
    private static SesEmulator shared;

    private final Process process;
    private final URI endpoint;
    private final Path logFile;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /**
     * One email as the emulator stored it; {@code headers} are the custom ones SES v2's {@code Content.Simple.Headers}
     * carried (aws-ses-v2-local keeps them as {@code headers: [{name, value}]}), in the order sent.
     */
    public record SentEmail(String messageId, String from, List<String> to, String subject, String text, String html,
                            Map<String, String> headers, Instant at) {
    }

    private SesEmulator(Process process, URI endpoint, Path logFile) {
        this.process = process;
        this.endpoint = endpoint;
        this.logFile = logFile;
    }

    /** One emulator for the whole test JVM (started on first use, stopped at exit). */
    public static synchronized SesEmulator shared() {
        if (shared == null || !shared.process.isAlive()) {
            shared = start();
            SesEmulator started = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close));
        }
        return shared;
    }

    public static SesEmulator start() {
        Path cli = cliScript();
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                int port = freePort();
                Path log = Files.createTempFile("ses-emulator-", ".log");
                ProcessBuilder builder = new ProcessBuilder("node", cli.toString(), "--host", "127.0.0.1",
                        "--port", Integer.toString(port))
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile());
                // Never relay the stored mails anywhere.
                builder.environment().remove("SMTP_TRANSPORT");
                SesEmulator emulator = new SesEmulator(builder.start(), URI.create("http://127.0.0.1:" + port), log);
                if (emulator.awaitHealthy()) {
                    return emulator;
                }
                emulator.close();
            } catch (IOException e) {
                last = e;
            }
        }
        throw new IllegalStateException("aws-ses-v2-local did not start (node " + cli + ")", last);
    }

    /** Where the SES client points ({@code endpointOverride}, {@code SES_ENDPOINT}). */
    public URI endpoint() {
        return endpoint;
    }

    /** A front on a free port that passes SES requests through to this emulator, or fails them on demand. */
    public SesFaults withFaults() {
        return SesFaults.inFrontOf(endpoint);
    }

    /** Every email stored since the last {@link #clear()}, oldest first. */
    public List<SentEmail> emails() {
        return parse(get("/store"));
    }

    /**
     * The emails stored by the aws-ses-v2-local running at {@code endpoint} (one this JVM did not start, e.g. the
     * local runner's {@code SES_ENDPOINT}), oldest first.
     */
    public static List<SentEmail> emailsAt(URI endpoint) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        HttpResponse<String> store = client.send(HttpRequest.newBuilder(endpoint.resolve("/store"))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (store.statusCode() != 200) {
            throw new IOException("the SES emulator at " + endpoint + " answered " + store.statusCode() + " to GET /store");
        }
        return parse(store.body());
    }

    private static List<SentEmail> parse(String storeJson) {
        JsonNode store;
        try {
            store = JSON.readTree(storeJson);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<SentEmail> emails = new ArrayList<>();
        for (JsonNode e : store.path("emails")) {
            List<String> to = new ArrayList<>();
            e.path("destination").path("to").forEach(t -> to.add(t.asText()));
            Map<String, String> headers = new LinkedHashMap<>();
            e.path("headers").forEach(h -> headers.put(h.path("name").asText(), h.path("value").asText()));
            emails.add(new SentEmail(e.path("messageId").asText(), e.path("from").asText(), List.copyOf(to),
                    e.path("subject").asText(), e.path("body").path("text").asText(null),
                    e.path("body").path("html").asText(null), headers, Instant.ofEpochSecond(e.path("at").asLong())));
        }
        return emails;
    }

    public List<SentEmail> emailsTo(String address) {
        return emails().stream().filter(e -> e.to().contains(address)).toList();
    }

    public void clear() {
        send(HttpRequest.newBuilder(endpoint.resolve("/clear-store")).POST(HttpRequest.BodyPublishers.noBody()));
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** A loopback port that nothing listens on: an SES endpoint that refuses every connection. */
    public static URI unreachableEndpoint() {
        return URI.create("http://127.0.0.1:" + freePort());
    }

    private boolean awaitHealthy() {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(endpoint.resolve("/health-check"))
                        .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return true;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    private String get(String path) {
        return send(HttpRequest.newBuilder(endpoint.resolve(path)).GET());
    }

    private String send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("SES emulator answered " + r.statusCode() + ": " + r.body());
            }
            return r.body();
        } catch (IOException e) {
            throw new UncheckedIOException("SES emulator unreachable (log: " + logFile + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code <repo>/tools/ses-emulator/node_modules/aws-ses-v2-local/<its bin>}. */
    static Path cliScript() {
        Path root = Repository.root();
        Path pkg = root.resolve("tools/ses-emulator/node_modules/aws-ses-v2-local");
        Path manifest = pkg.resolve("package.json");
        if (!Files.isRegularFile(manifest)) {
            throw new IllegalStateException("aws-ses-v2-local is not installed: run `npm ci --prefix "
                    + root.resolve("tools/ses-emulator") + "` (bin/test does)");
        }
        try {
            JsonNode bin = JSON.readTree(manifest.toFile()).path("bin");
            String script = bin.isTextual() ? bin.asText() : bin.path("aws-ses-v2-local").asText("dist/cli.js");
            return pkg.resolve(script).normalize();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
