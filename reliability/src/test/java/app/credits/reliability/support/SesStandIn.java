package app.credits.reliability.support;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * SES v2's SendEmail stood in on 127.0.0.1, misbehaving on demand: it accepts, hangs (past the client's timeouts),
 * answers 500, or throttles (429 TooManyRequestsException). Records every email it accepted.
 */
public final class SesStandIn implements AutoCloseable {
    public enum Mode { ACCEPT, HANG, FAIL_500, THROTTLE }

    private final HttpServer server;
    private volatile Mode mode = Mode.ACCEPT;
    private final List<String> accepted = new CopyOnWriteArrayList<>();
    private final AtomicInteger attempts = new AtomicInteger();
    private final CountDownLatch closing = new CountDownLatch(1);

    private SesStandIn(HttpServer server) {
        this.server = server;
    }

    public static SesStandIn start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            SesStandIn ses = new SesStandIn(server);
            server.createContext("/", exchange -> {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                ses.attempts.incrementAndGet();
                int status;
                String answer;
                switch (ses.mode) {
                    case HANG -> {
                        try {
                            ses.closing.await(30, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        exchange.close();
                        return;
                    }
                    case FAIL_500 -> {
                        status = 500;
                        answer = "{\"message\":\"injected internal failure\"}";
                        exchange.getResponseHeaders().add("x-amzn-ErrorType", "InternalFailure");
                    }
                    case THROTTLE -> {
                        status = 429;
                        answer = "{\"message\":\"Maximum sending rate exceeded.\"}";
                        exchange.getResponseHeaders().add("x-amzn-ErrorType", "TooManyRequestsException");
                    }
                    default -> {
                        ses.accepted.add(body);
                        status = 200;
                        answer = "{\"MessageId\":\"msg-" + ses.accepted.size() + "\"}";
                    }
                }
                byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(status, bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            });
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.start();
            return ses;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void mode(Mode newMode) {
        this.mode = newMode;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The SendEmail request bodies accepted so far. */
    public List<String> accepted() {
        return accepted;
    }

    public int attempts() {
        return attempts.get();
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
    }
}
