package app.credits.local;

import app.credits.testkit.s3.S3StandIn;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The test kit's S3 stand-in under {@code /_local/s3}: the account function's {@code S3_ENDPOINT}, where it writes
 * the CSV of a long log, and the host of the presigned links its 303 answers carry, so {@code curl -L} and the
 * Billing page download from the runner itself.
 * <p>
 * In AWS the link is on S3's own host, and a browser (or curl) following the 303 there drops the
 * {@code Authorization} header it sent to the API: S3 would refuse a presigned URL that also carries one. Here the
 * link is on the runner's own origin, where the header would be kept; so a presigned request's
 * {@code Authorization} header is dropped before the stand-in sees it, as it would be on the way to S3.
 */
final class LocalS3 implements LocalServer.Extras {
    static final String PREFIX = "/_local/s3";
    /** The bucket the hosted account function exports to. */
    static final String BUCKET = "credits-exports";

    private final S3StandIn s3;

    LocalS3(S3StandIn s3) {
        this.s3 = s3;
    }

    @Override
    public Optional<LocalServer.Reply> handle(String method, String path, String rawQuery,
                                              Map<String, List<String>> headers, byte[] body) {
        if (!path.startsWith(PREFIX + "/")) {
            return Optional.empty();
        }
        Map<String, List<String>> forwarded = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        forwarded.putAll(headers);
        if (rawQuery != null && rawQuery.contains("X-Amz-Signature=")) {
            forwarded.remove("Authorization");
        }
        return Optional.of(s3.serve(method, path, rawQuery, forwarded, body)
                .map(served -> LocalServer.Reply.streamed(served.status(), served.headers(), served.length(), served.body()))
                .orElseGet(() -> LocalServer.Reply.error(502, "unavailable", "s3_dropped", "no answer")));
    }
}
