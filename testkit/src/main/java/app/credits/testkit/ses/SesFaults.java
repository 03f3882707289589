package app.credits.testkit.ses;

import app.credits.testkit.LoopbackServer;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * SES failing on demand, in front of the SES emulator: the SDK points at {@link #endpoint()}; in {@link Mode#PASS}
 * each request goes through to aws-ses-v2-local unchanged (signature included) and its answer comes back; otherwise
 * SES's failures: a hang past the client's timeouts, a 500 {@code InternalFailure}, a 429
 * {@code TooManyRequestsException}. What passed is in the emulator's store, as any email sent.
 */
public final class SesFaults implements AutoCloseable {
    public enum Mode { PASS, HANG, FAIL_500, THROTTLE }

    /** Headers the JDK's client sets itself. */
    private static final Set<String> HOP_BY_HOP = Set.of("host", "connection", "content-length", "expect", "upgrade",
            "transfer-encoding", "keep-alive");

    private final LoopbackServer server;
    private final URI emulator;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final AtomicInteger attempts = new AtomicInteger();
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile Mode mode = Mode.PASS;

    private SesFaults(LoopbackServer server, URI emulator) {
        this.server = server;
        this.emulator = emulator;
        server.start(this::exchange);
    }

    static SesFaults inFrontOf(URI emulator) {
        return new SesFaults(LoopbackServer.bind(), emulator);
    }

    /** Where the SES client points instead of the emulator. */
    public String endpoint() {
        return server.base();
    }

    public void mode(Mode newMode) {
        this.mode = newMode;
    }

    /** Requests received, whatever became of them. */
    public int attempts() {
        return attempts.get();
    }

    private void exchange(HttpExchange exchange) {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            attempts.incrementAndGet();
            switch (mode) {
                case HANG -> closing.await(30, TimeUnit.SECONDS);
                case FAIL_500 -> answer(exchange, 500, "InternalFailure", "{\"message\":\"injected internal failure\"}");
                case THROTTLE -> answer(exchange, 429, "TooManyRequestsException", "{\"message\":\"Maximum sending rate exceeded.\"}");
                case PASS -> pass(exchange, body);
            }
        } catch (IOException clientGone) {
            // the SDK gave up (its timeouts) or the front is closing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void pass(HttpExchange exchange, byte[] body) throws IOException, InterruptedException {
        HttpRequest.Builder forward = HttpRequest.newBuilder(emulator.resolve(exchange.getRequestURI().toString()))
                .timeout(Duration.ofSeconds(10))
                .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                values.forEach(v -> forward.header(name, v));
            }
        });
        HttpResponse<byte[]> answer = http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
        answer.headers().map().forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase(java.util.Locale.ROOT)) && !name.startsWith(":")) {
                exchange.getResponseHeaders().put(name, values);
            }
        });
        send(exchange, answer.statusCode(), answer.body());
    }

    private static void answer(HttpExchange exchange, int status, String errorType, String json) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.getResponseHeaders().add("x-amzn-ErrorType", errorType);
        send(exchange, status, json.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.close();
    }
}
