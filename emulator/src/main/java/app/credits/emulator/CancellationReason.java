package app.credits.emulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * Why one action of a cancelled transaction was not done. A TransactionCanceledException lists one per action,
 * in the order of the request; the actions that were fine say {@code None}.
 */
record CancellationReason(String code, String message, Map<String, Value> item) {
    static final CancellationReason NONE = new CancellationReason("None", null, null);

    static CancellationReason conditionalCheckFailed(Map<String, Value> itemIfRequested) {
        return new CancellationReason("ConditionalCheckFailed", "The conditional request failed", itemIfRequested);
    }

    static CancellationReason validationError(String message) {
        return new CancellationReason("ValidationError", message, null);
    }

    /** Another transaction holds the item (DynamoDB's wording). */
    static CancellationReason transactionConflict() {
        return new CancellationReason("TransactionConflict", DynamoError.TRANSACTION_CONFLICT_MESSAGE, null);
    }

    boolean isNone() {
        return this == NONE || code.equals("None");
    }

    ObjectNode toJson() {
        ObjectNode n = Codec.F.objectNode().put("Code", code);
        if (message != null) n.put("Message", message);
        if (item != null) n.set("Item", Codec.itemToJson(item));
        return n;
    }
}
