package app.credits.testkit.s3;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error as S3 answers it: a status and {@code <Error><Code/><Message/>…<RequestId/><HostId/></Error>}, with the
 * extra elements S3 adds to some codes ({@code Key}, {@code BucketName}, {@code UploadId}, {@code ServerTime}, …).
 */
final class S3Error extends RuntimeException {
    private final int status;
    private final String code;
    private final String message;
    private final Map<String, String> details = new LinkedHashMap<>();

    private S3Error(int status, String code, String message) {
        super(status + " " + code + ": " + message, null, false, false);
        this.status = status;
        this.code = code;
        this.message = message;
    }

    static S3Error of(int status, String code, String message) {
        return new S3Error(status, code, message);
    }

    static S3Error accessDenied(String message) {
        return of(403, "AccessDenied", message);
    }

    /** What the stand-in does not implement: refused with S3's own code for it, never approximated. */
    static S3Error notImplemented(String what) {
        return of(501, "NotImplemented", "A header you provided implies functionality that is not implemented (the S3"
                + " stand-in does not support " + what + ")");
    }

    static S3Error noSuchUpload(String uploadId) {
        return of(404, "NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, or the upload"
                + " may have been aborted or completed.").with("UploadId", uploadId);
    }

    S3Error with(String element, String value) {
        details.put(element, value);
        return this;
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    byte[] body(String requestId) {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>");
        Xml.element(xml, "Code", code);
        Xml.element(xml, "Message", message);
        details.forEach((name, value) -> Xml.element(xml, name, value));
        Xml.element(xml, "RequestId", requestId);
        Xml.element(xml, "HostId", "s3-stand-in");
        return xml.append("</Error>").toString().getBytes(StandardCharsets.UTF_8);
    }
}
