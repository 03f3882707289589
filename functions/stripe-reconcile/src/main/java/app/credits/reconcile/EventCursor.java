package app.credits.reconcile;

import app.credits.ledger.dynamo.CreditsTable;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Where the reconciliation with Stripe has got to: every event created before {@link #read()} has been applied. One
 * item of the credits table, {@code PK = RECONCILE#stripe-events, SK = CURSOR} (outside every org's partition: no
 * org id can make that key, they all start {@code ORG#}). It only moves forward: a run that overlaps another, or a
 * late one, never moves it back, so a concurrent run cannot make the next one skip events.
 */
public final class EventCursor {
    static final String PK = "RECONCILE#stripe-events";
    static final String SK = "CURSOR";
    /** Unix seconds, as Stripe's {@code created}. */
    static final String CREATED_BEFORE = "createdBefore";

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    public EventCursor(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    /** The stored cursor; empty before the first run. */
    public Optional<Instant> read() {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).key(key()).consistentRead(true)).item();
        return Optional.ofNullable(item).map(i -> i.get(CREATED_BEFORE))
                .map(value -> Instant.ofEpochSecond(Long.parseLong(value.n())));
    }

    /**
     * Moves the cursor to {@code createdBefore} unless it is already there or further (another run got further
     * meanwhile). Answers the cursor as it stands after the call, one request either way.
     */
    public Instant advanceTo(Instant createdBefore) {
        AttributeValue seconds = AttributeValue.fromN(Long.toString(createdBefore.getEpochSecond()));
        try {
            dynamo.updateItem(r -> r.tableName(table).key(key())
                    .updateExpression("SET #c = :c, updatedAt = :at")
                    .conditionExpression("attribute_not_exists(#c) OR #c < :c")
                    .expressionAttributeNames(Map.of("#c", CREATED_BEFORE))
                    .expressionAttributeValues(Map.of(":c", seconds, ":at", AttributeValue.fromS(clock.instant().toString())))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return createdBefore;
        } catch (ConditionalCheckFailedException further) {
            return Instant.ofEpochSecond(Long.parseLong(further.item().get(CREATED_BEFORE).n()));
        }
    }

    private static Map<String, AttributeValue> key() {
        return Map.of(CreditsTable.PK, AttributeValue.fromS(PK), CreditsTable.SK, AttributeValue.fromS(SK));
    }
}
