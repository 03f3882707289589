package app.credits.checkout;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Stripe's REST API stood in by the JDK's HTTP server on 127.0.0.1 (Stripe itself is unreachable here): records
 * what stripe-java sent (form parameters, headers) and answers what the scenario chooses, faults included.
 */
final class StripeStandIn implements AutoCloseable {

    /** One request as Stripe would have received it. */
    record Received(String method, String path, Map<String, String> headers, Map<String, String> form) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** What to answer, after an optional delay (a delay past the client's read timeout is a timeout). */
    record Reply(int status, String body, Duration delay) {
        static Reply json(int status, String body) {
            return new Reply(status, body, Duration.ZERO);
        }

        static Reply error(int status, String type, String code, String message) {
            return json(status, "{\"error\":{\"type\":\"" + type + "\",\"code\":" + (code == null ? "null" : "\"" + code + "\"")
                    + ",\"message\":\"" + message + "\"}}");
        }

        Reply after(Duration wait) {
            return new Reply(status, body, wait);
        }
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "stripe-stand-in");
        t.setDaemon(true);
        return t;
    });
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger sessions = new AtomicInteger();
    private final Map<String, Reply> sessionsByKey = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile Function<Received, Reply> replies = this::createdSession;

    StripeStandIn() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/", this::serve);
        server.setExecutor(threads);
        server.start();
    }

    /** What STRIPE_API_BASE would be set to. */
    String apiBase() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void answer(Function<Received, Reply> replies) {
        this.replies = replies;
    }

    void answerAlways(Reply reply) {
        answer(r -> reply);
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    /**
     * Stripe's answer to a good request: an open session with its hosted page's URL. Like Stripe, a request
     * with an idempotency key already seen gets the first answer again.
     */
    Reply createdSession(Received request) {
        String key = request.header("Idempotency-Key");
        return key == null ? newSession(request) : sessionsByKey.computeIfAbsent(key, k -> newSession(request));
    }

    private Reply newSession(Received request) {
        String id = "cs_test_standin" + sessions.incrementAndGet();
        return Reply.json(200, """
                {"id":"%s","object":"checkout.session","mode":"payment","status":"open","payment_status":"unpaid",
                 "client_reference_id":"%s","currency":"%s","url":"https://checkout.stripe.com/c/pay/%s#fidkdWxOYHwnPyd1blpxYHZxWjA0",
                 "livemode":false}""".formatted(id, request.form().get("client_reference_id"),
                request.form().get("line_items[0][price_data][currency]"), id));
    }

    private void serve(HttpExchange exchange) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values.getFirst()));
        Received request = new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), headers,
                form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
        received.add(request);
        Reply reply = replies.apply(request);
        try {
            if (!reply.delay().isZero()) {
                Thread.sleep(reply.delay());
            }
            byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getResponseHeaders().add("Request-Id", "req_standin" + received.size());
            exchange.sendResponseHeaders(reply.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } catch (InterruptedException | IOException e) {
            // The client gave up (timeout) or the stand-in is closing.
            Thread.currentThread().interrupt();
        } finally {
            exchange.close();
        }
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        if (body.isEmpty()) {
            return form;
        }
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            form.put(key, value);
        }
        return form;
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
