package app.credits.account;

import app.credits.ledger.OrgId;

import java.net.URI;
import java.time.Instant;

/**
 * Where the CSV of a log too long for a Lambda response goes: an object written part by part, visible whole only
 * once complete, then downloaded through a short-lived link that needs no token (the link is the permission).
 * {@link S3ExportStore} in AWS and locally; nothing here names AWS.
 */
interface ExportStore {

    /** A store could not be reached or refused for now (throttled, 5xx): the export is worth trying again. */
    final class Unavailable extends RuntimeException {
        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A completed export's download link and when it stops working. */
    record Link(URI url, Instant expiresAt) {
    }

    /** An export being written: parts in order (each but the last at least {@link LogExport#PART_SIZE}), then one end. */
    interface Upload {
        void part(byte[] bytes, int length);

        /** Makes the object visible and links to it. */
        Link complete();

        /** Nothing becomes visible; best effort (the bucket's lifecycle rule removes what an abort leaves). */
        void abort();
    }

    /**
     * Starts the export of {@code org}'s log under a new name nobody can guess, which the download will be saved as
     * {@code fileName}.
     */
    Upload start(OrgId org, String fileName);

    /** For a function built without a store: a log too long to answer inline cannot be exported (500, our fault). */
    static ExportStore unconfigured() {
        return (org, fileName) -> {
            throw new IllegalStateException("EXPORTS_BUCKET is not set: a log too long for one response cannot be exported");
        };
    }
}
