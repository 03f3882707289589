package app.credits.local;

import app.credits.testkit.template.SamTemplate;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/**
 * The HTTP side of the runner: API Gateway for the template's routes (match, JWT authorizer, v2 event, the
 * function's v2 response back to HTTP) plus the {@code /_local} extras. One log line per request.
 */
public final class LocalServer {
    /** API Gateway's own payload limit; the contract's 64 KiB limit is the handlers' business. */
    static final int MAX_REQUEST_BYTES = 10 * 1024 * 1024;
    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    private static final Set<String> LOCAL_HOSTS = Set.of("127.0.0.1", "localhost");

    /** The {@code /_local} routes: answer a request or empty if the path is not theirs. */
    public interface Extras {
        Optional<Reply> handle(String method, String path, String rawQuery, Map<String, List<String>> headers, byte[] body)
                throws Exception;
    }

    /**
     * An answer: status, headers and body; or, for a body too large to hold (an export from the S3 stand-in),
     * {@code streamed}: its length and a stream the server copies out and closes.
     */
    public record Reply(int status, Map<String, String> headers, byte[] body, Streamed streamed) {
        public Reply(int status, Map<String, String> headers, byte[] body) {
            this(status, headers, body, null);
        }

        public record Streamed(long length, InputStream in) {
        }

        public static Reply streamed(int status, Map<String, String> headers, long length, InputStream in) {
            return new Reply(status, headers, new byte[0], new Streamed(length, in));
        }

        public static Reply json(int status, JsonNode body) {
            return new Reply(status, Map.of("Content-Type", "application/json"), body.toString().getBytes(StandardCharsets.UTF_8));
        }

        public static Reply error(int status, String type, String code, String message) {
            ObjectNode root = ApiGatewayEvents.JSON.createObjectNode();
            root.putObject("error").put("type", type).put("code", code).put("message", message);
            return json(status, root);
        }
    }

    private final HttpServer server;
    private final Optional<SamTemplate.Cors> cors;
    private final Router router;
    private final FunctionHost functions;
    private final Jwt jwt;
    private final Extras extras;
    private final Clock clock;
    private final PrintStream console;

    public LocalServer(HttpServer server, Router router, Optional<SamTemplate.Cors> cors, FunctionHost functions, Jwt jwt,
                       Extras extras, Clock clock, PrintStream console, ExecutorService executor) {
        this.server = server;
        this.cors = cors;
        this.router = router;
        this.functions = functions;
        this.jwt = jwt;
        this.extras = extras;
        this.clock = clock;
        this.console = console;
        server.createContext("/", this::handle);
        server.setExecutor(executor);
    }

    public void start() {
        server.start();
    }

    public void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) {
        long started = System.nanoTime();
        String method = exchange.getRequestMethod().toUpperCase();
        String rawPath = exchange.getRequestURI().getRawPath();
        Reply reply;
        try (exchange) {
            try {
                byte[] body = readBody(exchange.getRequestBody());
                String origin = exchange.getRequestHeaders().getFirst("Origin");
                boolean toExtras = rawPath.startsWith("/_local/");
                if (body == null) {
                    reply = Reply.error(413, "invalid_request", "body_too_large", "request body is larger than 10 MB");
                } else if (toExtras && ((origin != null && !isLocalOrigin(origin))
                        || !isLocalHost(exchange.getRequestHeaders().getFirst("Host")))) {
                    // A "simple" cross-site POST needs no preflight: withholding CORS would not stop a token being minted.
                    reply = Reply.error(403, "permission", "cross_origin_refused",
                            "the /_local routes answer only this machine's pages (http://127.0.0.1 or http://localhost, any port)");
                } else if (isPreflight(exchange, method, origin)) {
                    reply = preflight(origin);
                } else if (toExtras || rawPath.startsWith(BillingPage.PATH)) {
                    reply = extras.handle(method, rawPath, exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders(),
                            body).orElseGet(() -> notFound(method, rawPath));
                } else {
                    reply = api(exchange, method, rawPath, body);
                }
            } catch (Exception | LinkageError e) {
                console.println("error: " + method + " " + rawPath + ": " + e);
                e.printStackTrace(console);
                reply = Reply.error(500, "internal", "internal_error", "the local runner failed: " + e.getMessage());
            }
            send(exchange, withCors(reply, exchange.getRequestHeaders().getFirst("Origin")));
        } catch (IOException clientGone) {
            reply = null;
        }
        long ms = (System.nanoTime() - started) / 1_000_000;
        console.println(LocalTime.now(ZoneId.systemDefault()).format(LOG_TIME) + " " + method + " " + rawPath + " "
                + (reply == null ? "-" : String.valueOf(reply.status())) + " " + ms + "ms");
    }

    private Reply api(HttpExchange exchange, String method, String rawPath, byte[] body) throws Exception {
        Optional<Router.Match> match = router.match(method, rawPath);
        if (match.isEmpty()) {
            return notFound(method, rawPath);
        }
        Map<String, String> claims = null;
        if (match.get().target().route().jwt()) {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (authorization == null || authorization.isBlank()) {
                return Reply.error(401, "authentication", "authentication_required",
                        "no bearer token: send Authorization: Bearer <token> (POST /_local/token mints one)");
            }
            String token = authorization.trim();
            if (token.regionMatches(true, 0, "Bearer ", 0, 7)) {
                token = token.substring(7).trim();
            }
            try {
                claims = jwt.verify(token);
            } catch (Jwt.Rejected e) {
                return Reply.error(401, "authentication", "invalid_token", e.getMessage());
            }
        }
        Instant now = clock.instant();
        var request = new ApiGatewayEvents.Request(method, rawPath, exchange.getRequestURI().getRawQuery(),
                exchange.getRequestHeaders(), body, exchange.getRemoteAddress().getAddress().getHostAddress(),
                exchange.getLocalAddress().getPort());
        byte[] event = ApiGatewayEvents.event(request, match.get(), claims, now);
        SamTemplate.Function function = match.get().target().function();
        byte[] output;
        try {
            output = functions.invoke(function, event, function.timeoutSeconds() * 1000L);
        } catch (FunctionHost.InitFailed e) {
            return Reply.error(500, "internal", "function_init_failed", e.getMessage());
        } catch (Exception | LinkageError e) {
            console.println("error: " + function.logicalId() + " threw on " + method + " " + rawPath + ": " + e);
            e.printStackTrace(console);
            return Reply.error(500, "internal", "function_error",
                    function.logicalId() + " threw " + e.getClass().getName() + " (stack trace on the runner's console)");
        }
        return fromLambdaResponse(output);
    }

    /** Payload format 2.0: a {@code statusCode} object, or any other JSON which becomes a 200 JSON body. */
    static Reply fromLambdaResponse(byte[] output) {
        JsonNode response;
        try {
            response = ApiGatewayEvents.JSON.readTree(output);
        } catch (IOException e) {
            response = null;
        }
        if (response == null || !response.isObject() || !response.has("statusCode")) {
            return new Reply(200, Map.of("Content-Type", "application/json"), output);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        response.path("headers").properties().forEach(e -> headers.put(e.getKey(), e.getValue().asText()));
        response.path("multiValueHeaders").properties().forEach(e -> {
            StringBuilder joined = new StringBuilder();
            e.getValue().forEach(v -> joined.append(joined.isEmpty() ? "" : ",").append(v.asText()));
            headers.put(e.getKey(), joined.toString());
        });
        String body = response.path("body").isNull() ? "" : response.path("body").asText("");
        byte[] bytes = response.path("isBase64Encoded").asBoolean(false)
                ? Base64.getDecoder().decode(body)
                : body.getBytes(StandardCharsets.UTF_8);
        if (response.path("cookies").isArray() && !response.path("cookies").isEmpty()) {
            StringBuilder cookies = new StringBuilder();
            response.path("cookies").forEach(c -> cookies.append(cookies.isEmpty() ? "" : "\n").append(c.asText()));
            headers.put("Set-Cookie", cookies.toString());
        }
        return new Reply(response.path("statusCode").asInt(200), headers, bytes);
    }

    private boolean isPreflight(HttpExchange exchange, String method, String origin) {
        return cors.isPresent() && origin != null && method.equals("OPTIONS")
                && exchange.getRequestHeaders().containsKey("Access-Control-Request-Method");
    }

    /**
     * API Gateway answers CORS preflights itself, without calling a function; for an origin it does not allow, with
     * no CORS headers, so the browser never sends the request.
     */
    private Reply preflight(String origin) {
        if (!isLocalOrigin(origin)) {
            return new Reply(204, Map.of("Vary", "Origin"), new byte[0]);
        }
        SamTemplate.Cors c = cors.orElseThrow();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Access-Control-Allow-Origin", origin);
        headers.put("Access-Control-Allow-Methods", String.join(",", c.allowMethods()));
        headers.put("Access-Control-Allow-Headers", String.join(",", c.allowHeaders()));
        if (c.maxAge() > 0) {
            headers.put("Access-Control-Max-Age", String.valueOf(c.maxAge()));
        }
        headers.put("Vary", "Origin");
        return new Reply(204, headers, new byte[0]);
    }

    /**
     * The origins the runner answers CORS for: pages served from this machine, {@code http://127.0.0.1} or
     * {@code http://localhost} on any port (in AWS: the AllowedOrigins parameter). Any other site open in the
     * developer's browser could otherwise mint a staff token at /_local/token and read it.
     */
    static boolean isLocalOrigin(String origin) {
        try {
            URI uri = new URI(origin);
            return "http".equals(uri.getScheme()) && uri.getHost() != null && uri.getRawUserInfo() == null
                    && LOCAL_HOSTS.contains(uri.getHost().toLowerCase(Locale.ROOT))
                    && (uri.getRawPath() == null || uri.getRawPath().isEmpty()) && uri.getRawQuery() == null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** A Host header naming this machine: another name (a DNS record rebound to 127.0.0.1) is another site. */
    static boolean isLocalHost(String host) {
        return host == null || isLocalOrigin("http://" + host);
    }

    private Reply withCors(Reply reply, String origin) {
        if (cors.isEmpty() || origin == null || !isLocalOrigin(origin)
                || reply.headers().containsKey("Access-Control-Allow-Origin")) {
            return reply;
        }
        Map<String, String> headers = new LinkedHashMap<>(reply.headers());
        headers.put("Access-Control-Allow-Origin", origin);
        if (!cors.get().exposeHeaders().isEmpty()) {
            headers.put("Access-Control-Expose-Headers", String.join(",", cors.get().exposeHeaders()));
        }
        headers.put("Vary", "Origin");
        return new Reply(reply.status(), headers, reply.body(), reply.streamed());
    }

    private static Reply notFound(String method, String rawPath) {
        return Reply.error(404, "not_found", "route_not_found", "no route " + method + " " + rawPath);
    }

    private static byte[] readBody(InputStream in) throws IOException {
        byte[] body = in.readNBytes(MAX_REQUEST_BYTES + 1);
        return body.length > MAX_REQUEST_BYTES ? null : body;
    }

    private static void send(HttpExchange exchange, Reply reply) throws IOException {
        var headers = exchange.getResponseHeaders();
        reply.headers().forEach((name, value) -> {
            if (name.equalsIgnoreCase("Set-Cookie")) {
                for (String cookie : value.split("\n")) {
                    headers.add("Set-Cookie", cookie);
                }
            } else if (!name.equalsIgnoreCase("content-length") && !name.equalsIgnoreCase("transfer-encoding")) {
                headers.set(name, value);
            }
        });
        long length = reply.streamed() != null ? reply.streamed().length() : reply.body().length;
        boolean noBody = length == 0 || exchange.getRequestMethod().equalsIgnoreCase("HEAD")
                || reply.status() == 204 || reply.status() == 304;
        try (InputStream streamed = reply.streamed() != null ? reply.streamed().in() : InputStream.nullInputStream()) {
            exchange.sendResponseHeaders(reply.status(), noBody ? -1 : length);
            if (!noBody) {
                try (OutputStream out = exchange.getResponseBody()) {
                    if (reply.streamed() != null) {
                        streamed.transferTo(out);
                    } else {
                        out.write(reply.body());
                    }
                }
            }
        }
    }

    static List<String> routeKeys(Router router) {
        return router.targets().stream().map(t -> t.route().routeKey()).toList();
    }
}
