package app.credits.account;

import app.credits.ledger.OrgId;
import app.credits.runtime.AwsCredentials;
import app.credits.runtime.Environment;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The exports bucket: a multipart upload per export under {@code exports/<org>/<128 random bits>.csv}, and a
 * presigned GET of five minutes. The S3 client and presigner are built on the first export, not at init: the
 * JSON routes of the function neither build nor load them (cold start unchanged).
 */
final class S3ExportStore implements ExportStore {
    /** How long a download link works: the browser or {@code curl -L} follows it at once. */
    static final Duration LINK_LIFETIME = Duration.ofMinutes(5);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The clients, built together on first use. */
    private record Clients(S3Client s3, S3Presigner presigner) {
    }

    private final String bucket;
    private final Supplier<Clients> build;
    private final Clock clock;
    private volatile Clients clients;

    private S3ExportStore(String bucket, Supplier<Clients> build, Clock clock) {
        this.bucket = bucket;
        this.build = build;
        this.clock = clock;
    }

    /**
     * From {@code EXPORTS_BUCKET} (unset: {@link ExportStore#unconfigured()}), {@code AWS_REGION} and, locally,
     * {@code S3_ENDPOINT} (the S3 stand-in, path-style, keys {@code local}/{@code local}: the local runner's
     * {@code /_local/s3}).
     */
    static ExportStore fromEnvironment(Environment env) {
        Optional<String> bucket = env.get("EXPORTS_BUCKET");
        if (bucket.isEmpty()) {
            return ExportStore.unconfigured();
        }
        Optional<URI> endpoint = env.get("S3_ENDPOINT").map(URI::create);
        return of(bucket.get(), Region.of(env.region()), endpoint, credentials(env, endpoint.isPresent()));
    }

    /** A store on {@code bucket}, through {@code endpoint} when given (the S3 stand-in). */
    static S3ExportStore of(String bucket, Region region, Optional<URI> endpoint, AwsCredentialsProvider credentials) {
        return new S3ExportStore(bucket, () -> {
            var s3 = S3Client.builder().region(region).credentialsProvider(credentials)
                    .httpClientBuilder(UrlConnectionHttpClient.builder()
                            .connectionTimeout(Duration.ofSeconds(2))
                            .socketTimeout(Duration.ofSeconds(20)))
                    // Each call, retries included, ends well inside the function's timeout: S3 down is a 503.
                    .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(20)).apiCallAttemptTimeout(Duration.ofSeconds(10)));
            var presigner = S3Presigner.builder().region(region).credentialsProvider(credentials);
            endpoint.ifPresent(uri -> {
                s3.endpointOverride(uri).forcePathStyle(true);
                presigner.endpointOverride(uri).serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build());
            });
            return new Clients(s3.build(), presigner.build());
        }, Clock.systemUTC());
    }

    private static AwsCredentialsProvider credentials(Environment env, boolean standIn) {
        // S3_ENDPOINT names the S3 stand-in, which checks signatures against its own keys
        // (app.credits.testkit.s3.S3StandIn.ACCESS_KEY_ID): whatever AWS keys the shell holds are not those.
        return standIn ? AwsCredentials.local() : AwsCredentials.of(env);
    }

    private Clients clients() {
        Clients c = clients;
        if (c == null) {
            synchronized (this) {
                if (clients == null) {
                    clients = build.get();
                }
                c = clients;
            }
        }
        return c;
    }

    @Override
    public Upload start(OrgId org, String fileName) {
        String key = "exports/" + org + "/" + randomName() + ".csv";
        String uploadId = call(() -> clients().s3().createMultipartUpload(b -> b.bucket(bucket).key(key)
                .contentType("text/csv; charset=utf-8")
                .contentDisposition("attachment; filename=\"" + fileName + "\"")).uploadId());
        return new S3Upload(key, uploadId);
    }

    /** One multipart upload; its parts numbered from 1 in the order they come. */
    private final class S3Upload implements Upload {
        private final String key;
        private final String uploadId;
        private final List<CompletedPart> parts = new ArrayList<>();

        S3Upload(String key, String uploadId) {
            this.key = key;
            this.uploadId = uploadId;
        }

        @Override
        public void part(byte[] bytes, int length) {
            int number = parts.size() + 1;
            // The buffer as it is, no copy; the SDK may read it again (checksum, retry), so each read is a new stream.
            RequestBody body = RequestBody.fromContentProvider(() -> new ByteArrayInputStream(bytes, 0, length), length,
                    "text/csv; charset=utf-8");
            String etag = call(() -> clients().s3().uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                    .partNumber(number).contentLength((long) length), body).eTag());
            parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
        }

        @Override
        public Link complete() {
            call(() -> clients().s3().completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts))));
            Instant now = clock.instant();
            URI url = call(() -> URI.create(clients().presigner().presignGetObject(b -> b.signatureDuration(LINK_LIFETIME)
                    .getObjectRequest(g -> g.bucket(bucket).key(key))).url().toString()));
            return new Link(url, now.plus(LINK_LIFETIME));
        }

        @Override
        public void abort() {
            try {
                clients().s3().abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
            } catch (SdkException e) {
                // S3 is what failed: the lifecycle rule (AbortIncompleteMultipartUpload) removes the parts later
            }
        }
    }

    /** S3 unreachable, throttling or failing (5xx) is {@link Unavailable}; anything else (access denied) is our fault. */
    private static <T> T call(Supplier<T> request) {
        try {
            return request.get();
        } catch (SdkClientException e) {
            throw new Unavailable("S3 could not be reached", e);
        } catch (SdkServiceException e) {
            if (e.isThrottlingException() || e.statusCode() >= 500) {
                throw new Unavailable("S3 answered " + e.statusCode(), e);
            }
            throw e;
        }
    }

    private static String randomName() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
