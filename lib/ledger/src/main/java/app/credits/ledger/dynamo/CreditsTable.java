package app.credits.ledger.dynamo;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;


/**
 * The single table, defined once: template.yaml, the tests and the local runner all follow this
 * (a contract test compares the template's table with {@link #createTableRequest(String)}).
 *
 * <pre>
 * PK = ORG#{org}   SK = ACCOUNT                 the org's numbers, settings and plan (one item: one version)
 *                  SK = LOG#{seq:012d}          immutable log entries; newest first = reverse SK order
 *                  SK = SUB#{submissionId}      idempotency markers (also ADJ#{key})
 *                  SK = INVITE#{inviteId}       invites and their reservations
 *                  SK = PURCHASE#{sessionId}    a Checkout Session's credits and what Stripe took back
 *                  SK = USAGE#D#{yyyy-mm-dd}    usage counters, updated in the movement's transaction
 *                  SK = USAGE#M#{yyyy-mm}
 *                  SK = AUTOTOPUP               auto top-up: saved card, crossing, attempt in flight, pause, counts
 *                  SK = TOPUP#{attemptId}       one automatic purchase
 * PK = PAYMENT#{paymentIntentId}  SK = PAYMENT  Stripe's facts about a payment, whatever order they came in
 * PK = SESSION#{id}                SK = SESSION  the claim that credits a purchase (session or PaymentIntent) to one org
 * PK = CUSTOMER#{customerId}       SK = CUSTOMER the org a Stripe Customer was made for
 * GSI lowCredit    (lowCreditPK = DUE, lowCreditSK = org)       sparse: accounts owing a low-credit email
 * GSI inviteExpiry (expiryPK = PENDING, expirySK = at#org#id)   sparse: pending invites with an expiry
 * GSI topUpDue     (topUpPK = DUE, topUpSK = at#org)             sparse: orgs the auto top-up pass should look at
 * </pre>
 * IDs cannot contain '#', so no caller-chosen id can address another kind of item.
 */
public final class CreditsTable {
    public static final String DEFAULT_NAME = "credits";
    public static final String PK = "PK";
    public static final String SK = "SK";
    public static final String LOW_CREDIT_INDEX = "lowCredit";
    public static final String LOW_CREDIT_PK = "lowCreditPK";
    public static final String LOW_CREDIT_SK = "lowCreditSK";
    public static final String INVITE_EXPIRY_INDEX = "inviteExpiry";
    public static final String EXPIRY_PK = "expiryPK";
    public static final String EXPIRY_SK = "expirySK";
    public static final String TOP_UP_DUE_INDEX = "topUpDue";
    public static final String TOP_UP_PK = "topUpPK";
    public static final String TOP_UP_SK = "topUpSK";

    private CreditsTable() {
    }

    public static CreateTableRequest createTableRequest(String tableName) {
        return CreateTableRequest.builder()
                .tableName(tableName)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        string(PK), string(SK), string(LOW_CREDIT_PK), string(LOW_CREDIT_SK),
                        string(EXPIRY_PK), string(EXPIRY_SK), string(TOP_UP_PK), string(TOP_UP_SK))
                .keySchema(key(PK, KeyType.HASH), key(SK, KeyType.RANGE))
                .globalSecondaryIndexes(
                        index(LOW_CREDIT_INDEX, LOW_CREDIT_PK, LOW_CREDIT_SK),
                        index(INVITE_EXPIRY_INDEX, EXPIRY_PK, EXPIRY_SK),
                        index(TOP_UP_DUE_INDEX, TOP_UP_PK, TOP_UP_SK))
                .build();
    }

    /** Creates the table unless it exists (local runner and tests). */
    public static void createIfMissing(DynamoDbClient dynamo, String tableName) {
        try {
            dynamo.createTable(createTableRequest(tableName));
        } catch (ResourceInUseException alreadyThere) {
            // Idempotent by design: a restarted local runner finds its table.
        }
    }

    private static AttributeDefinition string(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }

    private static GlobalSecondaryIndex index(String name, String hash, String range) {
        return GlobalSecondaryIndex.builder()
                .indexName(name)
                .keySchema(key(hash, KeyType.HASH), key(range, KeyType.RANGE))
                .projection(Projection.builder().projectionType(ProjectionType.ALL).build())
                .build();
    }
}
