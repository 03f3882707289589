package app.credits.testkit.s3;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stand-in as the AWS SDK's S3 client (and a browser following a presigned URL) sees it. */
class S3StandInTest {
    private static final String BUCKET = "exports";
    private static final String KEY = "exports/org_acme/abc.csv";
    private static final int MIB = 1024 * 1024;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** How far ahead of the real time (which the SDK signs with) the stand-in's clock runs. */
    private volatile Duration ahead = Duration.ZERO;
    private final S3StandIn s3 = S3StandIn.start(() -> Instant.now().plus(ahead)).createBucket(BUCKET);
    private final S3Client client = client(S3StandIn.SECRET_ACCESS_KEY);

    @AfterEach
    void stop() {
        client.close();
        s3.close();
    }

    private S3Client client(String secret) {
        return S3Client.builder().endpointOverride(s3.endpoint()).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(S3StandIn.ACCESS_KEY_ID, secret)))
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    private S3Presigner presigner() {
        return S3Presigner.builder().endpointOverride(s3.endpoint()).region(Region.US_EAST_1)
                .serviceConfiguration(software.amazon.awssdk.services.s3.S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(S3StandIn.ACCESS_KEY_ID,
                        S3StandIn.SECRET_ACCESS_KEY))).build();
    }

    private String startUpload() {
        return client.createMultipartUpload(b -> b.bucket(BUCKET).key(KEY).contentType("text/csv; charset=utf-8")
                .contentDisposition("attachment; filename=\"log.csv\"")).uploadId();
    }

    private CompletedPart part(String uploadId, int number, byte[] bytes) {
        String etag = client.uploadPart(b -> b.bucket(BUCKET).key(KEY).uploadId(uploadId).partNumber(number),
                RequestBody.fromBytes(bytes)).eTag();
        return CompletedPart.builder().partNumber(number).eTag(etag).build();
    }

    private void complete(String uploadId, CompletedPart... parts) {
        client.completeMultipartUpload(b -> b.bucket(BUCKET).key(KEY).uploadId(uploadId)
                .multipartUpload(m -> m.parts(parts)));
    }

    private static byte[] filled(int size, char c) {
        byte[] bytes = new byte[size];
        Arrays.fill(bytes, (byte) c);
        return bytes;
    }

    private URI presignedGet(Duration lifetime) {
        try (S3Presigner presigner = presigner()) {
            return URI.create(presigner.presignGetObject(b -> b.signatureDuration(lifetime)
                    .getObjectRequest(g -> g.bucket(BUCKET).key(KEY))).url().toString());
        }
    }

    private static HttpResponse<byte[]> get(URI uri, Consumer<HttpRequest.Builder> more) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri);
        more.accept(request);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static void assertS3Error(HttpResponse<byte[]> response, int status, String code) {
        String body = new String(response.body(), StandardCharsets.UTF_8);
        assertEquals(status, response.statusCode(), body);
        assertTrue(body.contains("<Code>" + code + "</Code>"), body);
    }

    // ------------------------------------------------------------------ multipart uploads

    @Test
    void aMultipartUploadBecomesVisibleWholeOnlyWhenItCompletes() {
        // GIVEN an upload of a 5 MiB part and a last part of a few bytes
        String uploadId = startUpload();
        byte[] first = filled(5 * MIB, 'a');
        byte[] last = "the end\r\n".getBytes(StandardCharsets.UTF_8);
        CompletedPart p1 = part(uploadId, 1, first);
        CompletedPart p2 = part(uploadId, 2, last);

        // THEN nothing is visible before it completes
        assertEquals(List.of(), s3.objects(BUCKET));
        assertEquals(List.of(KEY), s3.uploadsInProgress(BUCKET));

        // WHEN it completes
        complete(uploadId, p1, p2);

        // THEN one object: the parts in order, the type and disposition given at the start, a multipart ETag
        S3StandIn.StoredObject object = s3.object(BUCKET, KEY).orElseThrow();
        assertEquals(first.length + last.length, object.size());
        assertEquals("text/csv; charset=utf-8", object.contentType());
        assertEquals("attachment; filename=\"log.csv\"", object.contentDisposition().orElseThrow());
        assertTrue(object.etag().matches("\"[0-9a-f]{32}-2\""), object.etag());
        byte[] stored = s3.read(BUCKET, KEY);
        assertArrayEquals(first, Arrays.copyOf(stored, first.length));
        assertEquals("the end\r\n", new String(stored, first.length, last.length, StandardCharsets.UTF_8));
        assertEquals(List.of(), s3.uploadsInProgress(BUCKET));
        // The SDK sent each part aws-chunked with chunk signatures and a CRC32 trailer, all checked.
        assertEquals(2, s3.requestCount("UploadPart"));
    }

    @Test
    void aPartSmallerThan5MiBBeforeTheLastOneIsRefusedAsS3Does() {
        String uploadId = startUpload();
        CompletedPart small = part(uploadId, 1, filled(1024, 'a'));
        CompletedPart last = part(uploadId, 2, filled(10, 'b'));

        S3Exception e = assertThrows(S3Exception.class, () -> complete(uploadId, small, last));

        assertEquals(400, e.statusCode());
        assertEquals("EntityTooSmall", e.awsErrorDetails().errorCode());
        assertEquals(List.of(), s3.objects(BUCKET));
    }

    @Test
    void completingWithAnUnknownETagOrOutOfOrderIsRefused() {
        String uploadId = startUpload();
        CompletedPart p1 = part(uploadId, 1, filled(5 * MIB, 'a'));
        CompletedPart p2 = part(uploadId, 2, filled(10, 'b'));

        S3Exception wrongTag = assertThrows(S3Exception.class, () -> complete(uploadId, p1,
                p2.toBuilder().eTag("\"0123456789abcdef0123456789abcdef\"").build()));
        S3Exception outOfOrder = assertThrows(S3Exception.class, () -> complete(uploadId, p2, p1));

        assertEquals("InvalidPart", wrongTag.awsErrorDetails().errorCode());
        assertEquals("InvalidPartOrder", outOfOrder.awsErrorDetails().errorCode());
        assertEquals(List.of(KEY), s3.uploadsInProgress(BUCKET));
    }

    @Test
    void anAbortedUploadLeavesNothingAndTakesNoMoreParts() {
        String uploadId = startUpload();
        part(uploadId, 1, filled(100, 'a'));

        client.abortMultipartUpload(b -> b.bucket(BUCKET).key(KEY).uploadId(uploadId));

        assertEquals(List.of(), s3.uploadsInProgress(BUCKET));
        assertEquals(List.of(), s3.objects(BUCKET));
        S3Exception late = assertThrows(S3Exception.class, () -> part(uploadId, 2, filled(10, 'b')));
        assertEquals(404, late.statusCode());
        assertEquals("NoSuchUpload", late.awsErrorDetails().errorCode());
    }

    // ------------------------------------------------------------------ authentication

    @Test
    void aRequestSignedWithAnotherSecretIsRefused() {
        try (S3Client impostor = client("not-the-secret")) {
            S3Exception e = assertThrows(S3Exception.class, () -> impostor.createMultipartUpload(b -> b.bucket(BUCKET).key(KEY)));
            assertEquals(403, e.statusCode());
            assertEquals("SignatureDoesNotMatch", e.awsErrorDetails().errorCode());
        }
        assertEquals(List.of(), s3.uploadsInProgress(BUCKET));
    }

    @Test
    void aPresignedUrlDownloadsTheObjectUntilItExpires() throws Exception {
        // GIVEN a stored object and a GET presigned for 5 minutes
        String uploadId = startUpload();
        complete(uploadId, part(uploadId, 1, "id,type\r\n".getBytes(StandardCharsets.UTF_8)));
        URI url = presignedGet(Duration.ofMinutes(5));

        // WHEN fetched without any other credentials, THEN the object with its type and disposition
        HttpResponse<byte[]> ok = get(url, r -> { });
        assertEquals(200, ok.statusCode());
        assertEquals("id,type\r\n", new String(ok.body(), StandardCharsets.UTF_8));
        assertEquals("text/csv; charset=utf-8", ok.headers().firstValue("content-type").orElseThrow());
        assertEquals("attachment; filename=\"log.csv\"", ok.headers().firstValue("content-disposition").orElseThrow());

        // WHEN fetched again after 5 minutes, THEN S3's "Request has expired"
        ahead = Duration.ofMinutes(5).plusSeconds(1);
        HttpResponse<byte[]> expired = get(url, r -> { });
        assertS3Error(expired, 403, "AccessDenied");
        assertTrue(new String(expired.body(), StandardCharsets.UTF_8).contains("Request has expired"));
    }

    @Test
    void aPresignedUrlOpensOnlyItsOwnKeyAndOnlyWithoutAnotherAuthorization() throws Exception {
        String uploadId = startUpload();
        complete(uploadId, part(uploadId, 1, "secret,rows\r\n".getBytes(StandardCharsets.UTF_8)));
        URI url = presignedGet(Duration.ofMinutes(5));

        // Another key in the same signed URL: the signature covers the path.
        URI otherKey = URI.create(url.toString().replace("/org_acme/", "/org_other/"));
        assertS3Error(get(otherKey, r -> { }), 403, "SignatureDoesNotMatch");
        // The object without any signature: the bucket is private.
        URI unsigned = URI.create(url.toString().substring(0, url.toString().indexOf('?')));
        assertS3Error(get(unsigned, r -> { }), 403, "AccessDenied");
        // A bearer token sent along (a same-origin redirect keeps it): S3 takes one auth mechanism only.
        assertS3Error(get(url, r -> r.header("Authorization", "Bearer eyJ...")), 400, "InvalidArgument");
        // A longer life than the URL was signed with.
        URI longer = URI.create(url.toString().replace("X-Amz-Expires=300", "X-Amz-Expires=3600"));
        assertS3Error(get(longer, r -> { }), 403, "SignatureDoesNotMatch");
    }

    @Test
    void aMissingObjectOrBucketIsS3sNotFound() throws Exception {
        URI url = presignedGet(Duration.ofMinutes(5));
        assertS3Error(get(url, r -> { }), 404, "NoSuchKey");

        S3Exception noBucket = assertThrows(S3Exception.class, () -> client.createMultipartUpload(b -> b.bucket("nope").key(KEY)));
        assertEquals("NoSuchBucket", noBucket.awsErrorDetails().errorCode());
    }

    // ------------------------------------------------------------------ what it refuses

    @Test
    void operationsItDoesNotImplementAreRefusedNotApproximated() throws Exception {
        S3Exception put = assertThrows(S3Exception.class, () -> client.putObject(b -> b.bucket(BUCKET).key(KEY),
                RequestBody.fromString("x")));
        S3Exception list = assertThrows(S3Exception.class, () -> client.listObjectsV2(b -> b.bucket(BUCKET)));
        String uploadId = startUpload();
        complete(uploadId, part(uploadId, 1, "abc".getBytes(StandardCharsets.UTF_8)));
        S3Exception range = assertThrows(S3Exception.class, () -> client.getObjectAsBytes(b -> b.bucket(BUCKET).key(KEY).range("bytes=0-1")));

        for (S3Exception e : List.of(put, list, range)) {
            assertEquals(501, e.statusCode(), e.getMessage());
            assertEquals("NotImplemented", e.awsErrorDetails().errorCode());
        }
        // What it does implement, signed in the header: GetObject.
        assertEquals("abc", client.getObjectAsBytes(b -> b.bucket(BUCKET).key(KEY)).asUtf8String());
    }

    // ------------------------------------------------------------------ faults

    @Test
    void aFaultFailsTheNextRequestsOfAnOperationAndTheSdkRetriesThem() {
        String uploadId = startUpload();
        s3.faults().next(1, "UploadPart", S3Faults.internalError());

        part(uploadId, 1, filled(10, 'a'));

        assertEquals(2, s3.requestCount("UploadPart"), "one 500, then the SDK's retry");
        s3.faults().always("UploadPart", S3Faults.slowDown());
        S3Exception throttled = assertThrows(S3Exception.class, () -> part(uploadId, 2, filled(10, 'b')));
        assertEquals(503, throttled.statusCode());
        assertEquals("SlowDown", throttled.awsErrorDetails().errorCode());
        s3.faults().clear();
        s3.faults().always("CompleteMultipartUpload", S3Faults.disconnect());
        assertThrows(SdkClientException.class, () -> complete(uploadId, CompletedPart.builder().partNumber(1).eTag("x").build()));
        assertEquals(List.of(KEY), s3.uploadsInProgress(BUCKET));
        assertEquals(List.of(), s3.objects(BUCKET));
    }
}
