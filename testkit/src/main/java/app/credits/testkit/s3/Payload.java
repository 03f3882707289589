package app.credits.testkit.s3;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import java.util.zip.Checksum;

/**
 * A signed request's body as S3 checks it: the bytes whose SHA-256 the signature names, or an aws-chunked body
 * ({@code STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]}, {@code STREAMING-UNSIGNED-PAYLOAD-TRAILER}: what the SDK
 * sends for an upload) with every chunk signature and the trailer's signature checked; then the flexible checksum
 * ({@code x-amz-checksum-crc32} and friends, in a header or in the trailer) against the decoded bytes.
 */
final class Payload {
    private static final String SIGNED_STREAMING = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
    private static final String SIGNED_STREAMING_TRAILER = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
    private static final String UNSIGNED_STREAMING_TRAILER = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
    private static final byte[] CRLF = {'\r', '\n'};

    /** The decoded body, and the checksum it came with ({@code crc32 -> base64}), already checked. */
    record Decoded(byte[] bytes, Optional<Map.Entry<String, String>> checksum) {
    }

    private Payload() {
    }

    static Decoded decode(S3Request request, SigV4.Verified signed) {
        String mode = signed.payloadHash();
        byte[] bytes;
        Map<String, String> trailer = Map.of();
        if (SigV4.isSha256(mode)) {
            if (!SigV4.sha256Hex(request.body()).equals(mode)) {
                throw S3Error.of(400, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not"
                        + " match what was computed.").with("ClientComputedContentSHA256", mode)
                        .with("S3ComputedContentSHA256", SigV4.sha256Hex(request.body()));
            }
            bytes = request.body();
        } else if (mode.equals(SigV4.UNSIGNED_PAYLOAD)) {
            bytes = request.body();
        } else if (mode.equals(SIGNED_STREAMING) || mode.equals(SIGNED_STREAMING_TRAILER) || mode.equals(UNSIGNED_STREAMING_TRAILER)) {
            if (!request.header("content-encoding").orElse("").contains("aws-chunked")) {
                throw S3Error.of(400, "InvalidRequest", "Content-Encoding must include aws-chunked for " + mode);
            }
            Chunks chunks = new Chunks(request.body(), mode.startsWith("STREAMING-AWS4") ? signed : null,
                    !mode.equals(SIGNED_STREAMING));
            bytes = chunks.read();
            trailer = chunks.trailer;
            long declared = request.header("x-amz-decoded-content-length").map(Long::parseLong).orElse(-1L);
            if (declared != bytes.length) {
                throw S3Error.of(400, "IncompleteBody", "You did not provide the number of bytes specified by the"
                        + " x-amz-decoded-content-length HTTP header");
            }
        } else {
            throw S3Error.notImplemented("the payload mode x-amz-content-sha256: " + mode);
        }
        return new Decoded(bytes, checksum(request, trailer, bytes));
    }

    /** The one {@code x-amz-checksum-*} sent (header or trailer), checked against the bytes. */
    private static Optional<Map.Entry<String, String>> checksum(S3Request request, Map<String, String> trailer, byte[] bytes) {
        Map<String, String> sent = new LinkedHashMap<>(trailer);
        for (String name : request.headerNames()) {
            if (name.startsWith("x-amz-checksum-") && !name.equals("x-amz-checksum-algorithm")
                    && !name.equals("x-amz-checksum-type")) {
                sent.put(name, request.header(name).orElse(""));
            }
        }
        request.header("x-amz-trailer").ifPresent(declared -> {
            if (!trailer.containsKey(declared.toLowerCase(Locale.ROOT))) {
                throw S3Error.of(400, "InvalidRequest", "The trailer " + declared + " was declared but not sent");
            }
        });
        if (sent.isEmpty()) {
            return Optional.empty();
        }
        if (sent.size() > 1) {
            throw S3Error.of(400, "InvalidRequest", "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
        }
        Map.Entry<String, String> only = sent.entrySet().iterator().next();
        String algorithm = only.getKey().substring("x-amz-checksum-".length());
        String computed = switch (algorithm) {
            case "crc32" -> crc(new CRC32(), bytes);
            case "crc32c" -> crc(new CRC32C(), bytes);
            case "sha1" -> Base64.getEncoder().encodeToString(SigV4.digest("SHA-1").digest(bytes));
            case "sha256" -> Base64.getEncoder().encodeToString(SigV4.digest("SHA-256").digest(bytes));
            default -> throw S3Error.notImplemented("the checksum algorithm " + algorithm);
        };
        if (!computed.equals(only.getValue())) {
            throw S3Error.of(400, "BadDigest", "The " + algorithm.toUpperCase(Locale.ROOT)
                    + " you specified did not match the calculated checksum.");
        }
        return Optional.of(Map.entry(only.getKey(), computed));
    }

    private static String crc(Checksum crc, byte[] bytes) {
        crc.update(bytes, 0, bytes.length);
        return Base64.getEncoder().encodeToString(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** The aws-chunked reader: {@code <hex size>[;chunk-signature=<sig>]\r\n<data>\r\n ... 0...\r\n[trailer]\r\n}. */
    private static final class Chunks {
        private final byte[] body;
        private final SigV4.Verified signed;
        private final boolean trailing;
        private final Map<String, String> trailer = new LinkedHashMap<>();
        private int at;
        private String previous;

        Chunks(byte[] body, SigV4.Verified signed, boolean trailing) {
            this.body = body;
            this.signed = signed;
            this.trailing = trailing;
            this.previous = signed == null ? null : signed.signature();
        }

        byte[] read() {
            ByteArrayOutputStream out = new ByteArrayOutputStream(body.length);
            while (true) {
                String header = line();
                String[] parts = header.split(";", 2);
                int size;
                try {
                    size = Integer.parseInt(parts[0], 16);
                } catch (NumberFormatException e) {
                    throw incomplete();
                }
                if (size < 0 || at + size > body.length) {
                    throw incomplete();
                }
                byte[] data = java.util.Arrays.copyOfRange(body, at, at + size);
                at += size;
                if (signed != null) {
                    if (parts.length != 2 || !parts[1].startsWith("chunk-signature=")) {
                        throw incomplete();
                    }
                    check(parts[1].substring("chunk-signature=".length()), "AWS4-HMAC-SHA256-PAYLOAD", SigV4.EMPTY_SHA256
                            + "\n" + SigV4.sha256Hex(data));
                }
                if (size == 0) {
                    break;
                }
                out.writeBytes(data);
                expectCrlf();
            }
            if (trailing) {
                readTrailer();
            } else {
                expectCrlf();
            }
            if (at != body.length) {
                throw incomplete();
            }
            return out.toByteArray();
        }

        private void readTrailer() {
            StringBuilder canonical = new StringBuilder();
            String signature = null;
            for (String line = line(); !line.isEmpty(); line = line()) {
                int colon = line.indexOf(':');
                if (colon < 1) {
                    throw incomplete();
                }
                String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = line.substring(colon + 1).trim();
                if (name.equals("x-amz-trailer-signature")) {
                    signature = value;
                } else {
                    trailer.put(name, value);
                    canonical.append(name).append(':').append(value).append('\n');
                }
            }
            if (signed != null) {
                if (signature == null) {
                    throw S3Error.accessDenied("The trailer signature is missing");
                }
                check(signature, "AWS4-HMAC-SHA256-TRAILER",
                        SigV4.sha256Hex(canonical.toString().getBytes(StandardCharsets.UTF_8)));
            }
        }

        private void check(String given, String algorithm, String tail) {
            String toSign = algorithm + "\n" + signed.amzDate() + "\n" + signed.scope() + "\n" + previous + "\n" + tail;
            String expected = SigV4.hmacHex(signed.signingKey(), toSign);
            if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), given.getBytes(StandardCharsets.US_ASCII))) {
                throw SigV4.signatureDoesNotMatch("(chunk)");
            }
            previous = expected;
        }

        private String line() {
            for (int i = at; i + 1 < body.length; i++) {
                if (body[i] == '\r' && body[i + 1] == '\n') {
                    String line = new String(body, at, i - at, StandardCharsets.US_ASCII);
                    at = i + 2;
                    return line;
                }
            }
            throw incomplete();
        }

        private void expectCrlf() {
            if (at + 2 > body.length || body[at] != CRLF[0] || body[at + 1] != CRLF[1]) {
                throw incomplete();
            }
            at += 2;
        }

        private static S3Error incomplete() {
            return S3Error.of(400, "IncompleteBody", "The request body terminated unexpectedly");
        }
    }
}
