package app.credits.http.testing;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Every item of a table, to prove an error answer wrote nothing ("nothing is written when one is returned"). */
public record TableSnapshot(List<Map<String, AttributeValue>> items) {

    public static TableSnapshot of(DynamoDbClient dynamo, String table) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        dynamo.scanPaginator(ScanRequest.builder().tableName(table).consistentRead(true).build())
                .items().forEach(items::add);
        items.sort(Comparator.comparing(TableSnapshot::key));
        return new TableSnapshot(List.copyOf(items));
    }

    private static String key(Map<String, AttributeValue> item) {
        return String.valueOf(item.get("PK")) + "|" + item.get("SK");
    }

    /** Throws unless {@code later} holds exactly the same items. */
    public void assertUnchanged(TableSnapshot later, String what) {
        if (!items.equals(later.items)) {
            throw new AssertionError(what + " wrote to the table: " + items.size() + " items before, "
                    + later.items.size() + " after");
        }
    }
}
