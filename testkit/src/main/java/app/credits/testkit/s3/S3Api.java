package app.credits.testkit.s3;

import org.w3c.dom.Element;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * S3's REST API, path-style ({@code /<bucket>/<key>}), for what the CSV export does: CreateMultipartUpload,
 * UploadPart, CompleteMultipartUpload, AbortMultipartUpload, and GetObject signed in the header or presigned. Every
 * request is authenticated with SigV4 against the stand-in's keys; the bucket is private, so an unsigned request is
 * {@code AccessDenied}. Any other operation, query parameter or {@code x-amz-*} header is refused with
 * {@code NotImplemented}, never approximated.
 */
final class S3Api {
    /** The {@code x-amz-*} request headers the supported operations understand. */
    private static final Set<String> KNOWN_AMZ_HEADERS = Set.of("x-amz-date", "x-amz-content-sha256",
            "x-amz-decoded-content-length", "x-amz-trailer", "x-amz-sdk-checksum-algorithm", "x-amz-checksum-crc32",
            "x-amz-checksum-crc32c", "x-amz-checksum-sha1", "x-amz-checksum-sha256", "x-amz-server-side-encryption",
            "x-amz-security-token",
            // GetObject's integrity options: a checksum only if the object has one (these have none), an MD5
            // trailer only when the answer says it appended one (it never does).
            "x-amz-checksum-mode", "x-amz-te");
    private static final Set<String> PRESIGN_PARAMETERS = Set.of("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date",
            "X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Signature", "X-Amz-Security-Token");
    private static final Set<String> UNSUPPORTED_GET_HEADERS = Set.of("range", "if-match", "if-none-match",
            "if-modified-since", "if-unmodified-since");
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    /** An answer: a status, headers and a body of {@code length} bytes (closed by whoever sends it); or a dropped connection. */
    record Answer(int status, Map<String, String> headers, long length, InputStream body, boolean disconnect) {
        static Answer of(int status, Map<String, String> headers, byte[] body) {
            return new Answer(status, headers, body.length, new ByteArrayInputStream(body), false);
        }
    }

    /** One request as it was answered: the operation S3 would log and the status. */
    record Received(String operation, String method, String path, int status) {
    }

    private final Buckets buckets;
    private final SigV4.Keys keys;
    private final InstantSource clock;
    private final S3Faults faults;
    private final String pathPrefix;
    private final String endpoint;
    private final AtomicLong requestIds = new AtomicLong();
    private final List<Received> received = new CopyOnWriteArrayList<>();

    S3Api(Buckets buckets, SigV4.Keys keys, InstantSource clock, S3Faults faults, String endpoint, String pathPrefix) {
        this.buckets = buckets;
        this.keys = keys;
        this.clock = clock;
        this.faults = faults;
        this.endpoint = endpoint;
        this.pathPrefix = pathPrefix;
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    void forgetRequests() {
        received.clear();
    }

    Answer handle(S3Request request) {
        String requestId = String.format("STANDIN%09d", requestIds.incrementAndGet());
        String operation = "Unknown";
        Answer answer;
        try {
            Target target = target(request);
            operation = operation(request, target);
            S3Faults.Fault fault = faults.take(operation);
            if (fault != null) {
                if (fault.disconnects()) {
                    received.add(new Received(operation, request.method(), request.rawPath(), 0));
                    return new Answer(0, Map.of(), 0, InputStream.nullInputStream(), true);
                }
                throw fault.error;
            }
            answer = perform(request, target, operation);
        } catch (S3Error e) {
            byte[] body = request.method().equals("HEAD") ? new byte[0] : e.body(requestId);
            answer = Answer.of(e.status(), Map.of("Content-Type", "application/xml"), body);
        }
        Map<String, String> headers = new LinkedHashMap<>(answer.headers());
        headers.put("x-amz-request-id", requestId);
        headers.put("x-amz-id-2", "s3-stand-in/" + requestId);
        headers.put("Server", "AmazonS3");
        received.add(new Received(operation, request.method(), request.rawPath(), answer.status()));
        return new Answer(answer.status(), headers, answer.length(), answer.body(), false);
    }

    // ------------------------------------------------------------------ routing

    private record Target(String bucket, String key) {
    }

    private Target target(S3Request request) {
        if (!request.rawPath().startsWith(pathPrefix + "/")) {
            throw S3Error.of(400, "InvalidURI", "Couldn't parse the specified URI.");
        }
        String path = request.rawPath().substring(pathPrefix.length() + 1);
        int slash = path.indexOf('/');
        String bucket = S3Request.decode(slash < 0 ? path : path.substring(0, slash));
        String key = slash < 0 ? "" : S3Request.decode(path.substring(slash + 1));
        if (bucket.isEmpty() || key.isEmpty()) {
            throw S3Error.notImplemented("operations on the service or on a bucket (" + request.method() + " "
                    + request.rawPath() + ")");
        }
        return new Target(bucket, key);
    }

    private static String operation(S3Request request, Target target) {
        Map<String, String> query = request.query();
        return switch (request.method()) {
            case "POST" -> query.containsKey("uploads") ? "CreateMultipartUpload"
                    : query.containsKey("uploadId") ? "CompleteMultipartUpload" : "PostObject";
            case "PUT" -> query.containsKey("uploadId") ? "UploadPart" : "PutObject";
            case "DELETE" -> query.containsKey("uploadId") ? "AbortMultipartUpload" : "DeleteObject";
            case "GET" -> "GetObject";
            case "HEAD" -> "HeadObject";
            default -> throw S3Error.of(405, "MethodNotAllowed", "The specified method is not allowed against this resource.")
                    .with("Method", request.method()).with("ResourceType", "OBJECT");
        };
    }

    private Answer perform(S3Request request, Target target, String operation) {
        Map<String, String> query = request.query();
        Set<String> allowed = switch (operation) {
            case "CreateMultipartUpload" -> Set.of("uploads");
            case "UploadPart" -> Set.of("partNumber", "uploadId");
            case "CompleteMultipartUpload", "AbortMultipartUpload" -> Set.of("uploadId");
            case "GetObject" -> PRESIGN_PARAMETERS;
            default -> throw S3Error.notImplemented(operation);
        };
        for (String name : query.keySet()) {
            if (!allowed.contains(name) && !(name.equals("x-id") && query.get(name).equals(operation))) {
                throw S3Error.notImplemented("the query parameter " + name + " of " + operation);
            }
        }
        for (String name : request.headerNames()) {
            if (name.startsWith("x-amz-") && !KNOWN_AMZ_HEADERS.contains(name)) {
                throw S3Error.notImplemented("the header " + name);
            }
        }
        request.header("x-amz-server-side-encryption").filter(v -> !v.equals("AES256")).ifPresent(v -> {
            throw S3Error.notImplemented("server-side encryption " + v + " (the bucket encrypts with AES256)");
        });
        if (request.header("x-amz-security-token").isPresent() || query.containsKey("X-Amz-Security-Token")) {
            throw S3Error.of(400, "InvalidToken", "The provided token is malformed or otherwise invalid.");
        }
        SigV4.Verified signed = null;
        if (request.presigned()) {
            if (!operation.equals("GetObject")) {
                throw S3Error.notImplemented("presigned " + operation);
            }
            SigV4.verifyPresigned(request, keys, clock.instant());
        } else if (request.header("authorization").isPresent()) {
            signed = SigV4.verifyHeader(request, keys, clock.instant());
        } else {
            throw S3Error.accessDenied("Access Denied");
        }
        if (!buckets.exists(target.bucket())) {
            throw S3Error.of(404, "NoSuchBucket", "The specified bucket does not exist").with("BucketName", target.bucket());
        }
        return switch (operation) {
            case "CreateMultipartUpload" -> createMultipartUpload(request, target);
            case "UploadPart" -> uploadPart(request, target, signed);
            case "CompleteMultipartUpload" -> completeMultipartUpload(request, target, signed);
            case "AbortMultipartUpload" -> {
                buckets.abort(target.bucket(), target.key(), query.get("uploadId"));
                yield Answer.of(204, Map.of(), new byte[0]);
            }
            default -> getObject(request, target);
        };
    }

    // ------------------------------------------------------------------ operations

    private Answer createMultipartUpload(S3Request request, Target target) {
        if (request.header("x-amz-sdk-checksum-algorithm").isPresent() || request.header("x-amz-checksum-algorithm").isPresent()) {
            throw S3Error.notImplemented("a checksum of the whole multipart object");
        }
        String uploadId = buckets.startUpload(target.bucket(), target.key(), request.header("content-type"),
                request.header("content-disposition"));
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<InitiateMultipartUploadResult xmlns=\"")
                .append(Xml.NAMESPACE).append("\">");
        Xml.element(xml, "Bucket", target.bucket());
        Xml.element(xml, "Key", target.key());
        Xml.element(xml, "UploadId", uploadId);
        xml.append("</InitiateMultipartUploadResult>");
        return xml(xml);
    }

    private Answer uploadPart(S3Request request, Target target, SigV4.Verified signed) {
        int partNumber;
        try {
            partNumber = Integer.parseInt(request.query().getOrDefault("partNumber", ""));
        } catch (NumberFormatException e) {
            partNumber = 0;
        }
        if (partNumber < 1 || partNumber > 10_000) {
            throw S3Error.of(400, "InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive")
                    .with("ArgumentName", "partNumber").with("ArgumentValue", request.query().getOrDefault("partNumber", ""));
        }
        Payload.Decoded payload = Payload.decode(request, signed);
        String etag = buckets.putPart(target.bucket(), target.key(), request.query().get("uploadId"), partNumber, payload.bytes());
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("ETag", etag);
        headers.put("x-amz-server-side-encryption", "AES256");
        payload.checksum().ifPresent(c -> headers.put(c.getKey(), c.getValue()));
        return Answer.of(200, headers, new byte[0]);
    }

    private Answer completeMultipartUpload(S3Request request, Target target, SigV4.Verified signed) {
        Element root = Xml.parse(Payload.decode(request, signed).bytes());
        if (!root.getLocalName().equals("CompleteMultipartUpload")) {
            throw Xml.malformed();
        }
        List<Map.Entry<Integer, String>> parts = new ArrayList<>();
        for (Element part : Xml.children(root, "Part")) {
            try {
                parts.add(Map.entry(Integer.parseInt(Xml.text(part, "PartNumber")), Xml.text(part, "ETag")));
            } catch (NumberFormatException e) {
                throw Xml.malformed();
            }
        }
        S3StandIn.StoredObject object = buckets.complete(target.bucket(), target.key(), request.query().get("uploadId"),
                parts, clock.instant());
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CompleteMultipartUploadResult xmlns=\"")
                .append(Xml.NAMESPACE).append("\">");
        Xml.element(xml, "Location", endpoint + "/" + target.bucket() + "/" + target.key());
        Xml.element(xml, "Bucket", target.bucket());
        Xml.element(xml, "Key", target.key());
        Xml.element(xml, "ETag", object.etag());
        xml.append("</CompleteMultipartUploadResult>");
        return xml(xml);
    }

    private Answer getObject(S3Request request, Target target) {
        for (String name : UNSUPPORTED_GET_HEADERS) {
            if (request.header(name).isPresent()) {
                throw S3Error.notImplemented("the header " + name + " on GetObject");
            }
        }
        S3StandIn.StoredObject object = buckets.object(target.bucket(), target.key()).orElseThrow(() ->
                S3Error.of(404, "NoSuchKey", "The specified key does not exist.").with("Key", target.key()));
        Optional<InputStream> body = buckets.open(target.bucket(), target.key());
        if (body.isEmpty()) {
            throw S3Error.of(404, "NoSuchKey", "The specified key does not exist.").with("Key", target.key());
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", object.contentType());
        object.contentDisposition().ifPresent(d -> headers.put("Content-Disposition", d));
        headers.put("ETag", object.etag());
        headers.put("Last-Modified", HTTP_DATE.format(object.lastModified()));
        headers.put("Accept-Ranges", "bytes");
        headers.put("x-amz-server-side-encryption", "AES256");
        return new Answer(200, headers, object.size(), body.get(), false);
    }

    private static Answer xml(StringBuilder xml) {
        return Answer.of(200, Map.of("Content-Type", "application/xml"), xml.toString().getBytes(StandardCharsets.UTF_8));
    }
}
