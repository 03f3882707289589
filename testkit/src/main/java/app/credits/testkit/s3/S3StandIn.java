package app.credits.testkit.s3;

import app.credits.testkit.LoopbackServer;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The one S3 stand-in: enough of S3's REST API for the CSV export of a long log (multipart uploads, and GetObject
 * signed or presigned), path-style, with SigV4 checked as S3 checks it (header, presigned query, aws-chunked
 * uploads with their chunk signatures and CRC32 trailer), S3's XML errors, and faults. The AWS SDK's S3 client talks
 * to it through {@link #endpoint()} (with {@code forcePathStyle}); tests inspect it through this class. The local
 * runner serves the same stand-in under {@code /_local/s3}, so a presigned URL the account function makes there
 * downloads from the runner itself.
 * <p>
 * Objects live in files under a temporary directory (an export is tens of megabytes), deleted on {@link #close()}.
 */
public final class S3StandIn implements AutoCloseable {
    /** The keys the stand-in accepts unless told others: what the functions sign with locally. */
    public static final String ACCESS_KEY_ID = "local";
    public static final String SECRET_ACCESS_KEY = "local";
    public static final String REGION = "us-east-1";

    /** An object as S3 would describe it: visible only once its upload completed. */
    public record StoredObject(String bucket, String key, long size, String etag, String contentType,
                               Optional<String> contentDisposition, Instant lastModified) {
    }

    /** An HTTP answer for a host that serves the stand-in itself: {@code body} ({@code length} bytes) is the host's to close. */
    public record Served(int status, Map<String, String> headers, long length, InputStream body) {
    }

    /** An operation S3 would log, e.g. {@code UploadPart}, and the status it got (0: the connection was dropped). */
    public record Request(String operation, String method, String path, int status) {
    }

    private final Buckets buckets;
    private final S3Faults faults = new S3Faults();
    private final S3Api api;
    private final URI endpoint;
    private final LoopbackServer server;

    private S3StandIn(InstantSource clock, String accessKeyId, String secretAccessKey, LoopbackServer server, URI endpoint) {
        this.server = server;
        this.endpoint = endpoint;
        try {
            this.buckets = new Buckets(Files.createTempDirectory("s3-stand-in-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.api = new S3Api(buckets, new SigV4.Keys(accessKeyId, secretAccessKey, REGION), clock, faults,
                endpoint.toString(), endpoint.getRawPath() == null ? "" : endpoint.getRawPath());
        if (server != null) {
            server.start(this::exchange);
        }
    }

    /** On its own HTTP server, 127.0.0.1 on a free port, accepting {@link #ACCESS_KEY_ID}/{@link #SECRET_ACCESS_KEY}. */
    public static S3StandIn start() {
        return start(Clock.systemUTC());
    }

    /** {@code clock}: the stand-in's time, against which signatures and presigned URLs expire. */
    public static S3StandIn start(InstantSource clock) {
        LoopbackServer server = LoopbackServer.bind();
        return new S3StandIn(clock, ACCESS_KEY_ID, SECRET_ACCESS_KEY, server, URI.create(server.base()));
    }

    /**
     * Served by a host through {@link #serve}: {@code endpoint} is where the host serves it (its path, e.g.
     * {@code /_local/s3}, comes before the bucket), and it accepts the given keys.
     */
    public static S3StandIn embedded(InstantSource clock, URI endpoint, String accessKeyId, String secretAccessKey) {
        return new S3StandIn(clock, accessKeyId, secretAccessKey, null, endpoint);
    }

    /** What the S3 client's {@code endpointOverride} is set to (with {@code forcePathStyle(true)}). */
    public URI endpoint() {
        return endpoint;
    }

    public S3StandIn createBucket(String bucket) {
        buckets.create(bucket);
        return this;
    }

    public S3Faults faults() {
        return faults;
    }

    // ------------------------------------------------------------------ what it holds

    /** The objects of a bucket, by key. */
    public List<StoredObject> objects(String bucket) {
        return buckets.objects(bucket);
    }

    public Optional<StoredObject> object(String bucket, String key) {
        return buckets.object(bucket, key);
    }

    /** An object's bytes. */
    public byte[] read(String bucket, String key) {
        try (InputStream in = buckets.open(bucket, key).orElseThrow(() -> new IllegalArgumentException(
                "no object " + key + " in " + bucket))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The keys of the multipart uploads started and neither completed nor aborted. */
    public List<String> uploadsInProgress(String bucket) {
        return buckets.uploadsInProgress(bucket);
    }

    /** Every request received, oldest first. */
    public List<Request> requests() {
        return api.received().stream().map(r -> new Request(r.operation(), r.method(), r.path(), r.status())).toList();
    }

    public long requestCount(String operation) {
        return api.received().stream().filter(r -> r.operation().equals(operation)).count();
    }

    /** Forgets every object, upload, request and fault (the buckets stay). */
    public void reset() {
        buckets.clear();
        api.forgetRequests();
        faults.clear();
    }

    // ------------------------------------------------------------------ HTTP

    /**
     * Serves one request ({@code rawPath} whole, as the client signed it, with the host's prefix); empty: drop the
     * connection unanswered.
     */
    public Optional<Served> serve(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, byte[] body) {
        S3Api.Answer answer = api.handle(new S3Request(method.toUpperCase(Locale.ROOT), rawPath, rawQuery, headers, body));
        return answer.disconnect() ? Optional.empty()
                : Optional.of(new Served(answer.status(), answer.headers(), answer.length(), answer.body()));
    }

    private void exchange(HttpExchange exchange) {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Optional<Served> served = serve(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders(), body);
            if (served.isEmpty()) {
                return; // closed unanswered by try-with-resources
            }
            Served answer = served.get();
            answer.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
            boolean head = exchange.getRequestMethod().equalsIgnoreCase("HEAD");
            try (InputStream in = answer.body()) {
                exchange.sendResponseHeaders(answer.status(), head || answer.length() == 0 ? -1 : answer.length());
                if (!head && answer.length() > 0) {
                    try (OutputStream out = exchange.getResponseBody()) {
                        in.transferTo(out);
                    }
                }
            }
        } catch (IOException clientGone) {
            // the client stopped waiting
        }
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
        buckets.close();
    }
}
