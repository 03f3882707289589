package app.credits.testkit.s3;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * AWS Signature Version 4 as S3 checks it: a request signed in its {@code Authorization} header, or a presigned URL
 * (the same signature carried in the query). Each check answers with S3's own error when it fails. What it returns
 * ({@link Verified}) is the seed an aws-chunked body's chunk signatures continue from ({@link ChunkedPayload}).
 */
final class SigV4 {
    static final String ALGORITHM = "AWS4-HMAC-SHA256";
    static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
    static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    /** S3 refuses a request signed more than 15 minutes away from its own time. */
    static final Duration MAX_SKEW = Duration.ofMinutes(15);
    /** A presigned URL lives at most a week. */
    static final long MAX_EXPIRES_SECONDS = 604_800;
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final Pattern AUTHORIZATION = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=([^,\\s]+),\\s*SignedHeaders=([a-z0-9;-]+),\\s*Signature=([0-9a-f]{64})");
    private static final Pattern CREDENTIAL = Pattern.compile("([^/]+)/([0-9]{8})/([^/]+)/([^/]+)/aws4_request");
    private static final Pattern HEX_SHA256 = Pattern.compile("[0-9a-f]{64}");

    /** The keys the stand-in accepts (any other access key is {@code InvalidAccessKeyId}). */
    record Keys(String accessKeyId, String secretAccessKey, String region) {
    }

    /** A request whose signature checked out: what the chunk signatures of its body continue from. */
    record Verified(String amzDate, String scope, byte[] signingKey, String signature, String payloadHash) {
    }

    private SigV4() {
    }

    /** Checks the {@code Authorization} header of {@code request} (the SDK's calls). */
    static Verified verifyHeader(S3Request request, Keys keys, Instant now) {
        Matcher auth = AUTHORIZATION.matcher(request.header("authorization").orElse(""));
        if (!auth.matches()) {
            throw S3Error.of(400, "AuthorizationHeaderMalformed", "The authorization header is malformed; the authorization"
                    + " header requires three components: Credential, SignedHeaders, and Signature.");
        }
        Credential credential = Credential.parse(auth.group(1), keys);
        String amzDate = request.header("x-amz-date").orElseThrow(() -> S3Error.accessDenied(
                "AWS authentication requires a valid Date or x-amz-date header"));
        Instant signedAt = parseDate(amzDate, () -> S3Error.accessDenied("AWS authentication requires a valid Date or x-amz-date header"));
        if (!amzDate.startsWith(credential.date())) {
            throw S3Error.of(400, "AuthorizationHeaderMalformed", "The authorization header is malformed; Invalid credential date."
                    + " Date is not the same as X-Amz-Date.");
        }
        if (Duration.between(signedAt, now).abs().compareTo(MAX_SKEW) > 0) {
            throw S3Error.of(403, "RequestTimeTooSkewed", "The difference between the request time and the current time is too large.")
                    .with("RequestTime", amzDate).with("ServerTime", now.toString()).with("MaxAllowedSkewMilliseconds", "900000");
        }
        List<String> signedHeaders = List.of(auth.group(2).split(";"));
        requireSigned(request, signedHeaders);
        String payloadHash = request.header("x-amz-content-sha256").orElseThrow(() -> S3Error.of(400, "InvalidRequest",
                "Missing required header for this request: x-amz-content-sha256"));
        String canonical = canonicalRequest(request, request.rawQuery(), signedHeaders, payloadHash);
        String signature = signature(keys, credential, amzDate, canonical);
        if (!MessageDigest.isEqual(signature.getBytes(StandardCharsets.US_ASCII), auth.group(3).getBytes(StandardCharsets.US_ASCII))) {
            throw signatureDoesNotMatch(keys.accessKeyId());
        }
        return new Verified(amzDate, credential.scope(), signingKey(keys, credential), signature, payloadHash);
    }

    /** Checks a presigned URL's query ({@code X-Amz-Algorithm}, {@code -Credential}, {@code -Date}, ...). */
    static void verifyPresigned(S3Request request, Keys keys, Instant now) {
        Map<String, String> query = request.query();
        String algorithm = query.get("X-Amz-Algorithm");
        String credentialText = query.get("X-Amz-Credential");
        String amzDate = query.get("X-Amz-Date");
        String expires = query.get("X-Amz-Expires");
        String signedHeaders = query.get("X-Amz-SignedHeaders");
        String given = query.get("X-Amz-Signature");
        if (algorithm == null || credentialText == null || amzDate == null || expires == null || signedHeaders == null
                || given == null) {
            throw S3Error.of(400, "AuthorizationQueryParametersError", "Query-string authentication version 4 requires the"
                    + " X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.");
        }
        if (!algorithm.equals(ALGORITHM)) {
            throw S3Error.of(400, "AuthorizationQueryParametersError", "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
        }
        if (request.header("authorization").isPresent()) {
            throw S3Error.of(400, "InvalidArgument", "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter,"
                    + " Signature query string parameter or the Authorization header should be specified")
                    .with("ArgumentName", "Authorization").with("ArgumentValue", "(not shown)");
        }
        long seconds;
        try {
            seconds = Long.parseLong(expires);
        } catch (NumberFormatException e) {
            seconds = -1;
        }
        if (seconds < 1 || seconds > MAX_EXPIRES_SECONDS) {
            throw S3Error.of(400, "AuthorizationQueryParametersError",
                    "X-Amz-Expires must be less than a week (in seconds) that is 604800");
        }
        Credential credential = Credential.parse(credentialText, keys);
        Instant signedAt = parseDate(amzDate, () -> S3Error.of(400, "AuthorizationQueryParametersError",
                "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\""));
        if (now.isAfter(signedAt.plusSeconds(seconds))) {
            throw S3Error.accessDenied("Request has expired").with("X-Amz-Expires", expires)
                    .with("Expires", signedAt.plusSeconds(seconds).toString()).with("ServerTime", now.toString());
        }
        if (signedAt.isAfter(now.plus(MAX_SKEW))) {
            throw S3Error.accessDenied("Request is not valid yet");
        }
        List<String> headers = List.of(signedHeaders.split(";"));
        requireSigned(request, headers);
        String canonical = canonicalRequest(request, withoutSignature(request.rawQuery()), headers, UNSIGNED_PAYLOAD);
        String signature = signature(keys, credential, amzDate, canonical);
        if (!MessageDigest.isEqual(signature.getBytes(StandardCharsets.US_ASCII), given.getBytes(StandardCharsets.US_ASCII))) {
            throw signatureDoesNotMatch(keys.accessKeyId());
        }
    }

    /** Whether a payload hash names a plain SHA-256 of the body (rather than UNSIGNED-PAYLOAD or a streaming mode). */
    static boolean isSha256(String payloadHash) {
        return HEX_SHA256.matcher(payloadHash).matches();
    }

    static String hmacHex(byte[] key, String text) {
        return HexFormat.of().formatHex(hmac(key, text));
    }

    static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(digest("SHA-256").digest(bytes));
    }

    static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static S3Error signatureDoesNotMatch(String accessKeyId) {
        return S3Error.of(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature"
                + " you provided. Check your key and signing method.").with("AWSAccessKeyId", accessKeyId);
    }

    // ------------------------------------------------------------------ the parts of a signature

    private record Credential(String accessKeyId, String date, String region, String service) {
        static Credential parse(String text, Keys keys) {
            Matcher m = CREDENTIAL.matcher(text);
            if (!m.matches()) {
                throw S3Error.of(400, "AuthorizationHeaderMalformed", "The authorization header is malformed; the Credential"
                        + " is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".");
            }
            Credential c = new Credential(m.group(1), m.group(2), m.group(3), m.group(4));
            if (!c.accessKeyId().equals(keys.accessKeyId())) {
                throw S3Error.of(403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.")
                        .with("AWSAccessKeyId", c.accessKeyId());
            }
            if (!c.region().equals(keys.region())) {
                throw S3Error.of(400, "AuthorizationHeaderMalformed", "The authorization header is malformed; the region '"
                        + c.region() + "' is wrong; expecting '" + keys.region() + "'").with("Region", keys.region());
            }
            if (!c.service().equals("s3")) {
                throw S3Error.of(400, "AuthorizationHeaderMalformed", "The authorization header is malformed; incorrect service \""
                        + c.service() + "\". This endpoint belongs to \"s3\".");
            }
            return c;
        }

        String scope() {
            return date + "/" + region + "/" + service + "/aws4_request";
        }
    }

    /** Every {@code x-amz-*} header sent must be signed, and so must {@code host}. */
    private static void requireSigned(S3Request request, List<String> signedHeaders) {
        if (!signedHeaders.contains("host")) {
            throw S3Error.accessDenied("Signed headers must include host");
        }
        for (String name : request.headerNames()) {
            if (name.startsWith("x-amz-") && !signedHeaders.contains(name)) {
                throw S3Error.accessDenied("There were headers present in the request which were not signed")
                        .with("HeadersNotSigned", name);
            }
        }
    }

    private static String signature(Keys keys, Credential credential, String amzDate, String canonicalRequest) {
        String toSign = ALGORITHM + "\n" + amzDate + "\n" + credential.scope() + "\n"
                + sha256Hex(canonicalRequest.getBytes(StandardCharsets.UTF_8));
        return hmacHex(signingKey(keys, credential), toSign);
    }

    private static byte[] signingKey(Keys keys, Credential credential) {
        byte[] key = hmac(("AWS4" + keys.secretAccessKey()).getBytes(StandardCharsets.UTF_8), credential.date());
        key = hmac(key, credential.region());
        key = hmac(key, credential.service());
        return hmac(key, "aws4_request");
    }

    private static String canonicalRequest(S3Request request, String rawQuery, List<String> signedHeaders, String payloadHash) {
        StringBuilder headers = new StringBuilder();
        for (String name : signedHeaders) {
            String value = String.join(",", request.headerValues(name)).trim().replaceAll(" +", " ");
            headers.append(name).append(':').append(value).append('\n');
        }
        return request.method() + "\n" + request.rawPath() + "\n" + canonicalQuery(rawQuery) + "\n" + headers + "\n"
                + String.join(";", signedHeaders) + "\n" + payloadHash;
    }

    /** The query's parameters decoded, encoded again the SigV4 way, sorted by name then value. */
    private static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        List<String[]> params = new ArrayList<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = S3Request.decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : S3Request.decode(pair.substring(eq + 1));
            params.add(new String[] {encode(name), encode(value)});
        }
        params.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        StringBuilder out = new StringBuilder();
        for (String[] p : params) {
            out.append(out.isEmpty() ? "" : "&").append(p[0]).append('=').append(p[1]);
        }
        return out.toString();
    }

    private static String withoutSignature(String rawQuery) {
        StringBuilder out = new StringBuilder();
        for (String pair : rawQuery.split("&")) {
            if (!pair.startsWith("X-Amz-Signature=")) {
                out.append(out.isEmpty() ? "" : "&").append(pair);
            }
        }
        return out.toString();
    }

    /** RFC 3986 encoding as SigV4 wants it: everything but {@code A-Z a-z 0-9 - _ . ~}. */
    static String encode(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || c == '.' || c == '~') {
                out.append(c);
            } else {
                out.append('%').append(HexFormat.of().withUpperCase().toHexDigits(b));
            }
        }
        return out.toString();
    }

    private static Instant parseDate(String amzDate, java.util.function.Supplier<S3Error> bad) {
        try {
            return Instant.from(AMZ_DATE.parse(amzDate));
        } catch (DateTimeParseException e) {
            throw bad.get();
        }
    }

    static byte[] hmac(byte[] key, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
