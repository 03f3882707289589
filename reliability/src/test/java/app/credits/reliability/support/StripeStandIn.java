package app.credits.reliability.support;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stripe's REST API stood in on 127.0.0.1 (Stripe is unreachable here): every Checkout Session creation succeeds.
 * The checkout module's own tests inject Stripe's failures; here the stand-in only lets checkout answer 201.
 */
public final class StripeStandIn implements AutoCloseable {
    private final HttpServer server;
    private final AtomicInteger sessions = new AtomicInteger();

    private StripeStandIn(HttpServer server) {
        this.server = server;
    }

    public static StripeStandIn start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            StripeStandIn standIn = new StripeStandIn(server);
            server.createContext("/", exchange -> {
                exchange.getRequestBody().readAllBytes();
                String id = "cs_test_standin_" + standIn.sessions.incrementAndGet();
                byte[] body = ("{\"id\":\"" + id + "\",\"object\":\"checkout.session\",\"mode\":\"payment\","
                        + "\"url\":\"https://checkout.stripe.com/c/pay/" + id + "\"}").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.getResponseHeaders().add("Request-Id", "req_standin_" + standIn.sessions.get());
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.start();
            return standIn;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public int sessionsCreated() {
        return sessions.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
