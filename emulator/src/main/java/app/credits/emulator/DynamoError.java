package app.credits.emulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** An AWS error answered to the client: HTTP status, error type and message, plus optional extra body fields. */
final class DynamoError extends RuntimeException {
    static final String PREFIX = "com.amazonaws.dynamodb.v20120810#";
    static final String TRANSACTION_CONFLICT_MESSAGE = "Transaction is ongoing for the item";

    final String type;
    final int status;
    final ObjectNode extra;
    /** Refused because a transaction in flight holds an item (counted in {@link EmulatorStats}). */
    final boolean transactionConflict;

    DynamoError(String type, int status, String message, ObjectNode extra) {
        this(type, status, message, extra, false);
    }

    private DynamoError(String type, int status, String message, ObjectNode extra, boolean transactionConflict) {
        super(message, null, false, false);
        this.type = type;
        this.status = status;
        this.extra = extra;
        this.transactionConflict = transactionConflict;
    }

    DynamoError(String type, String message) {
        this(type, 400, message, null);
    }

    /** The full "__type" value. */
    String wireType() {
        return type.contains("#") ? type : PREFIX + type;
    }

    ObjectNode body() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("__type", wireType());
        if (getMessage() != null) {
            // DynamoDB uses "Message" for TransactionCanceledException, "message" elsewhere; the SDK reads both.
            n.put(type.endsWith("TransactionCanceledException") ? "Message" : "message", getMessage());
        }
        if (extra != null) n.setAll(extra);
        return n;
    }

    static DynamoError validation(String message) {
        return new DynamoError("ValidationException", message);
    }

    static DynamoError invalidParam(String detail) {
        return validation("One or more parameter values were invalid: " + detail);
    }

    static DynamoError notFound(String message) {
        return new DynamoError("ResourceNotFoundException", message);
    }

    static DynamoError tableNotFound() {
        return notFound("Requested resource not found");
    }

    static DynamoError inUse(String message) {
        return new DynamoError("ResourceInUseException", message);
    }

    static DynamoError conditionalCheckFailed(ObjectNode extra) {
        return new DynamoError("ConditionalCheckFailedException", 400, "The conditional request failed", extra);
    }

    /** TransactWriteItems or TransactGetItems did nothing; one reason per action, in order. */
    static DynamoError transactionCanceled(List<CancellationReason> reasons) {
        ObjectNode extra = JsonNodeFactory.instance.objectNode();
        ArrayNode list = extra.putArray("CancellationReasons");
        reasons.forEach(r -> list.add(r.toJson()));
        List<String> codes = reasons.stream().map(CancellationReason::code).toList();
        return new DynamoError("TransactionCanceledException", 400,
                "Transaction cancelled, please refer cancellation reasons for specific reasons " + codes, extra,
                codes.contains(CancellationReason.transactionConflict().code()));
    }

    /** A single-item write met an item that a transaction in flight holds. */
    static DynamoError transactionConflict() {
        return new DynamoError("TransactionConflictException", 400, TRANSACTION_CONFLICT_MESSAGE, null, true);
    }

    /** The same ClientRequestToken as a TransactWriteItems still in flight (the SDKs retry this one). */
    static DynamoError transactionInProgress() {
        return new DynamoError("TransactionInProgressException", "The transaction with the given request token is already in progress");
    }

    static DynamoError internal(String message) {
        return new DynamoError("InternalServerError", 500, message, null);
    }
}
