package app.credits.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.CRC32;

/**
 * A DynamoDB-compatible HTTP server (JSON 1.0 protocol, API version 20120810) implementing a documented subset of
 * DynamoDB faithfully; see the module README. Point the AWS SDK at {@link #endpoint()} with {@code endpointOverride}.
 */
public final class DynamoDbEmulator implements AutoCloseable {
    static {
        // Small request/response exchanges on keep-alive connections must not wait for delayed ACKs.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) System.setProperty("sun.net.httpserver.nodelay", "true");
        // The JDK server closes idle keep-alive connections beyond 200 without telling the client, which then fails
        // its next request on it ("Unexpected end of file"): DynamoDB keeps a crowd's connections, so must we.
        if (System.getProperty("sun.net.httpserver.maxIdleConnections") == null) {
            System.setProperty("sun.net.httpserver.maxIdleConnections", "4096");
        }
    }

    private static final String TARGET_PREFIX = "DynamoDB_20120810.";
    private static final String CONTENT_TYPE = "application/x-amz-json-1.0";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor;
    private final Engine engine;
    private final Storage storage;
    private final EmulatorStats stats = new EmulatorStats();
    private final Contention contention;
    private volatile FaultInjector injector;
    private volatile boolean closed;

    private DynamoDbEmulator(HttpServer server, ExecutorService executor, Engine engine, Storage storage, Contention contention) {
        this.server = server;
        this.contention = contention;
        this.executor = executor;
        this.engine = engine;
        this.storage = storage;
    }

    /**
     * Starts an emulator on 127.0.0.1. With a data dir, loads its snapshot and journal first and keeps every
     * committed write durable.
     *
     * @throws UncheckedIOException (cause: IOException with a clear message) if the data dir is not usable or is
     *                              locked by another running emulator, or the port cannot be bound
     */
    public static DynamoDbEmulator start(EmulatorOptions options) {
        Engine engine = new Engine(options.contention());
        Storage storage = null;
        if (options.dataDir() != null) {
            try {
                storage = Storage.open(options.dataDir(), engine.db);
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
            engine.db.journal = storage;
        }
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        HttpServer server;
        try {
            InetAddress loopback = InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
            server = HttpServer.create(new InetSocketAddress(loopback, options.port()), 1024);
        } catch (IOException e) {
            if (storage != null) storage.close();
            executor.shutdown();
            throw new UncheckedIOException("DynamoDB emulator: cannot listen on 127.0.0.1:" + options.port() + ": " + e.getMessage(), e);
        }
        DynamoDbEmulator emu = new DynamoDbEmulator(server, executor, engine, storage, options.contention());
        server.createContext("/", emu::handle);
        server.setExecutor(executor);
        server.start();
        return emu;
    }

    /** Ephemeral port, in memory. */
    public static DynamoDbEmulator startInMemory() {
        return start(EmulatorOptions.inMemory());
    }

    /** http://127.0.0.1:&lt;port&gt; */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The contention mode it was started with. */
    public Contention contention() {
        return contention;
    }

    /** Counters since start or since {@link EmulatorStats#reset()}. */
    public EmulatorStats stats() {
        return stats;
    }

    /** Installs a fault injector consulted for every request; null removes it. */
    public void setFaultInjector(FaultInjector injector) {
        this.injector = injector;
    }

    /** Tests: runs in the thread of every TransactWriteItems while it holds its items (contention mode); null removes it. */
    void setTransactionHoldHook(Runnable hook) {
        engine.whileHolding = hook;
    }

    /** Stops the server, then flushes and closes the journal and releases the data-dir lock. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        server.stop(0);
        executor.shutdown();
        engine.db.lock.lock();
        try {
            if (storage != null) storage.close();
        } finally {
            engine.db.lock.unlock();
        }
    }

    // ------------------------------------------------------------------ HTTP

    private void handle(HttpExchange ex) {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            if (!ex.getRequestMethod().equals("POST")) {
                // DynamoDB answers GET / with a health line; useful for readiness probes.
                send(ex, 200, "healthy: dynamodb.us-east-1.amazonaws.com ".getBytes(StandardCharsets.UTF_8), "text/plain");
                return;
            }
            String target = ex.getRequestHeaders().getFirst("X-Amz-Target");
            String op = target != null && target.startsWith(TARGET_PREFIX) ? target.substring(TARGET_PREFIX.length()) : null;
            if (op == null) {
                sendError(ex, new DynamoError("com.amazon.coral.service#UnknownOperationException", "Missing or unknown X-Amz-Target header: " + target));
                return;
            }
            JsonNode req;
            try {
                req = body.length == 0 ? MAPPER.createObjectNode() : MAPPER.readTree(body);
            } catch (IOException e) {
                stats.record(op, true, false, 0, 0, 0, 0, 0);
                sendError(ex, new DynamoError("com.amazon.coral.service#SerializationException", "Start of structure or map found where not expected"));
                return;
            }
            Capacity cap = new Capacity();
            ObjectNode result = null;
            DynamoError failure = null;
            long t0 = System.nanoTime();
            try {
                result = execute(op, req, cap);
            } catch (DynamoError e) {
                failure = e;
            } catch (RuntimeException e) {
                failure = DynamoError.internal("Internal server error: " + e);
            }
            // counted before answering, so a client that sees the response also sees the counters
            stats.record(op, failure != null, failure != null && failure.transactionConflict, cap.itemsRead, cap.itemsWritten,
                    cap.totalRead(), cap.totalWrite(), System.nanoTime() - t0);
            if (failure != null) sendError(ex, failure);
            else sendJson(ex, 200, result);
        } catch (IOException e) {
            // client went away; nothing to answer
        }
    }

    private ObjectNode execute(String op, JsonNode req, Capacity cap) {
        FaultInjector fi = injector;
        FaultInjector.Outcome outcome = fi == null ? FaultInjector.proceed() : fi.onRequest(op, req);
        if (outcome == null) outcome = FaultInjector.proceed();
        switch (outcome) {
            case FaultInjector.Proceed p -> {
                return engine.execute(op, req, cap);
            }
            case FaultInjector.Delay d -> {
                try {
                    Thread.sleep(d.duration());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return engine.execute(op, req, cap);
            }
            case FaultInjector.FailBefore f -> throw new DynamoError(f.errorType(), f.httpStatus(),
                    f.message() == null ? "Injected fault: " + f.errorType() : f.message(), null);
            case FaultInjector.TransactionConflict t -> throw conflict(op, req);
            case FaultInjector.FailAfterCommit f -> {
                try {
                    engine.execute(op, req, cap);
                } catch (DynamoError ignored) {
                    // the injected error is answered either way
                }
                throw new DynamoError(f.errorType(), f.httpStatus(), "Injected fault after commit: " + f.errorType(), null);
            }
        }
    }

    /** An injected conflict: every action of a transaction is cancelled, a single-item request refused. */
    private static DynamoError conflict(String op, JsonNode req) {
        if (op.equals("TransactWriteItems") || op.equals("TransactGetItems")) {
            JsonNode items = req.path("TransactItems");
            int n = Math.max(1, items.isArray() ? items.size() : 1);
            return DynamoError.transactionCanceled(Collections.nCopies(n, CancellationReason.transactionConflict()));
        }
        return DynamoError.transactionConflict();
    }

    private static void sendError(HttpExchange ex, DynamoError e) throws IOException {
        sendJson(ex, e.status, e.body());
    }

    private static void sendJson(HttpExchange ex, int status, ObjectNode body) throws IOException {
        send(ex, status, MAPPER.writeValueAsBytes(body), CONTENT_TYPE);
    }

    private static void send(HttpExchange ex, int status, byte[] bytes, String contentType) throws IOException {
        var h = ex.getResponseHeaders();
        h.set("Content-Type", contentType);
        h.set("x-amzn-RequestId", UUID.randomUUID().toString());
        CRC32 crc = new CRC32();
        crc.update(bytes);
        h.set("x-amz-crc32", Long.toString(crc.getValue()));
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(bytes);
        }
    }

    // ------------------------------------------------------------------ command line

    static final String USAGE = "usage: DynamoDbEmulator [--port N (default 8000)] [--data-dir DIR | --in-memory]"
            + " [--contention off|dynamodb|<base>ms[+<jitter>ms] (default off)]";

    /**
     * {@code --port N} (default 8000), {@code --data-dir DIR} or {@code --in-memory} (default), and
     * {@code --contention off|dynamodb|<base>ms[+<jitter>ms]} (see {@link Contention#parse}). Prints
     * "DynamoDB emulator listening on http://127.0.0.1:N" and serves until killed.
     */
    public static void main(String[] args) throws InterruptedException {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.println(USAGE);
            return;
        }
        EmulatorOptions options;
        try {
            options = parseArguments(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage() + "\n" + USAGE);
            System.exit(2);
            return;
        }
        DynamoDbEmulator emu;
        try {
            emu = start(options);
        } catch (UncheckedIOException e) {
            System.err.println(e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(emu::close, "dynamodb-emulator-shutdown"));
        System.out.println("DynamoDB emulator listening on " + emu.endpoint());
        System.out.flush();
        Thread.currentThread().join();
    }

    /** The options a command line asks for; IllegalArgumentException (with a message) for a wrong one. */
    static EmulatorOptions parseArguments(String[] args) {
        int port = 8000;
        Path dataDir = null;
        Contention contention = Contention.off();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> {
                    String value = value(args, ++i, "--port");
                    try {
                        port = Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--port needs a number, not: " + value);
                    }
                }
                case "--data-dir" -> dataDir = Path.of(value(args, ++i, "--data-dir"));
                case "--in-memory" -> dataDir = null;
                case "--contention" -> contention = Contention.parse(value(args, ++i, "--contention"));
                default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
            }
        }
        return new EmulatorOptions(port, dataDir, contention);
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) throw new IllegalArgumentException(flag + " needs a value");
        return args[i];
    }
}
