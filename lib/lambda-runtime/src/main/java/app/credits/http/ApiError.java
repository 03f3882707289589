package app.credits.http;

/**
 * An answer in the contract's error shape, {@code {"error":{"type","code","message"}}}. Thrown from anywhere in a
 * handler (parsing, authorization, validation) and rendered by {@link HttpFunction}; handlers may also return
 * {@link #toResponse()} directly for a domain outcome. The message is for humans and never holds secrets.
 */
public final class ApiError extends RuntimeException {
    private final int status;
    private final String type;
    private final String code;

    public ApiError(int status, String type, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.code = code;
    }

    /** 400: malformed JSON, a missing or invalid field, a bad ID. */
    public static ApiError invalidRequest(String code, String message) {
        return new ApiError(400, "invalid_request", code, message);
    }

    /** 401: no usable identity in the (already verified) token. */
    public static ApiError authentication(String message) {
        return new ApiError(401, "authentication", "invalid_token", message);
    }

    /** 403: the token is fine but its role or org does not allow this. */
    public static ApiError permission(String code, String message) {
        return new ApiError(403, "permission", code, message);
    }

    /** 404: unknown route or unknown resource. */
    public static ApiError notFound(String code, String message) {
        return new ApiError(404, "not_found", code, message);
    }

    /** 402: the operation would take credits left below zero. */
    public static ApiError insufficientCredits(String message) {
        return new ApiError(402, "insufficient_credits", "insufficient_credits", message);
    }

    /** 409: an idempotency id reused with other parameters, or an invite that is not pending. */
    public static ApiError conflict(String code, String message) {
        return new ApiError(409, "conflict", code, message);
    }

    /** 413: the request body is over {@link HttpFunction#MAX_BODY_BYTES}. */
    public static ApiError bodyTooLarge() {
        return new ApiError(413, "invalid_request", "body_too_large", "request body must be at most 64 KiB");
    }

    /** 503: too contended or a dependency is down; safe to retry with the same id. */
    public static ApiError unavailable(String message) {
        return new ApiError(503, "unavailable", "unavailable", message);
    }

    /** 500: our fault. The message is fixed so that nothing internal leaks. */
    public static ApiError internal() {
        return new ApiError(500, "internal", "internal_error",
                "Something went wrong on our side; it is safe to retry with the same id.");
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String code() {
        return code;
    }

    public HttpResponse toResponse() {
        return HttpResponse.error(status, type, code, getMessage());
    }
}
