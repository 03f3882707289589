package app.credits.testkit;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * What a stand-in serves itself on: an HTTP server bound to 127.0.0.1 on a free port (tests run side by side),
 * one virtual thread per exchange. Bound first, so its address can be known before the handler exists.
 */
public final class LoopbackServer implements AutoCloseable {
    private final HttpServer server;
    private ExecutorService executor;

    private LoopbackServer(HttpServer server) {
        this.server = server;
    }

    public static LoopbackServer bind() {
        try {
            return new LoopbackServer(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code http://127.0.0.1:<port>}, no trailing slash. */
    public String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Serves every path with {@code handler}. */
    public void start(HttpHandler handler) {
        executor = Executors.newVirtualThreadPerTaskExecutor();
        server.createContext("/", handler);
        server.setExecutor(executor);
        server.start();
    }

    @Override
    public void close() {
        server.stop(0);
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
