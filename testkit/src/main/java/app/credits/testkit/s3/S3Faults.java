package app.credits.testkit.s3;

import java.util.ArrayList;
import java.util.List;

/**
 * S3 misbehaving on purpose, for the next N requests of one operation ({@code "UploadPart"},
 * {@code "CompleteMultipartUpload"}, ...) or of any ({@code "*"}): an error answered before anything is done
 * (500 {@code InternalError}, 503 {@code SlowDown}) or the connection dropped unanswered. The SDK retries both, so
 * a test that wants a call to fail for good catches more requests than the SDK makes attempts, or uses
 * {@link #always}.
 */
public final class S3Faults {

    /** What a caught request gets. */
    public static final class Fault {
        final S3Error error;

        private Fault(S3Error error) {
            this.error = error;
        }

        boolean disconnects() {
            return error == null;
        }

        @Override
        public String toString() {
            return error == null ? "disconnect" : error.getMessage();
        }
    }

    private record Rule(String operation, Fault fault, int[] left) {
    }

    private final List<Rule> rules = new ArrayList<>();

    /** 500 {@code InternalError}, as S3 answers now and then. */
    public static Fault internalError() {
        return new Fault(S3Error.of(500, "InternalError", "We encountered an internal error. Please try again."));
    }

    /** 503 {@code SlowDown}: S3's throttling. */
    public static Fault slowDown() {
        return new Fault(S3Error.of(503, "SlowDown", "Please reduce your request rate."));
    }

    /** The connection closes before anything is done. */
    public static Fault disconnect() {
        return new Fault(null);
    }

    /** The next {@code count} requests of {@code operation} ({@code "*"}: any) get {@code fault}. */
    public synchronized S3Faults next(int count, String operation, Fault fault) {
        rules.add(new Rule(operation, fault, new int[] {count}));
        return this;
    }

    /** Every request of {@code operation} gets {@code fault} until {@link #clear()}. */
    public S3Faults always(String operation, Fault fault) {
        return next(Integer.MAX_VALUE, operation, fault);
    }

    public synchronized void clear() {
        rules.clear();
    }

    synchronized Fault take(String operation) {
        for (Rule rule : rules) {
            if ((rule.operation().equals("*") || rule.operation().equals(operation)) && rule.left()[0] > 0) {
                rule.left()[0]--;
                return rule.fault();
            }
        }
        return null;
    }
}
