package app.credits.emulator;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;

/** Test helpers: a real SDK v2 client pointed at the emulator, and terse attribute-value builders. */
final class Sdk {
    private Sdk() {}

    static {
        // HttpURLConnection keeps only 5 idle keep-alive connections per host by default; the concurrency tests
        // run up to 100 client threads, which would otherwise open and close a TCP connection per request.
        if (System.getProperty("http.maxConnections") == null) System.setProperty("http.maxConnections", "200");
    }

    private static final AtomicInteger TABLES = new AtomicInteger();

    /** A client with SDK retries disabled, so tests observe exactly what the emulator answered. */
    static DynamoDbClient client(URI endpoint) {
        return client(endpoint, false);
    }

    static DynamoDbClient client(URI endpoint, boolean sdkRetries) {
        var b = DynamoDbClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .endpointOverride(endpoint);
        if (!sdkRetries) {
            b.overrideConfiguration(ClientOverrideConfiguration.builder().retryStrategy(AwsRetryStrategy.doNotRetry()).build());
        }
        return b.build();
    }

    static String uniqueTable(String prefix) {
        return prefix + "-" + TABLES.incrementAndGet();
    }

    /** Creates a PAY_PER_REQUEST table "pk" (S) [+ "sk" (type)] and returns its name. */
    static String createTable(DynamoDbClient c, String prefix, String sortType) {
        String name = uniqueTable(prefix);
        List<AttributeDefinition> defs = new ArrayList<>(List.of(attr("pk", "S")));
        List<KeySchemaElement> ks = new ArrayList<>(List.of(key("pk", KeyType.HASH)));
        if (sortType != null) {
            defs.add(attr("sk", sortType));
            ks.add(key("sk", KeyType.RANGE));
        }
        c.createTable(CreateTableRequest.builder().tableName(name).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(defs).keySchema(ks).build());
        return name;
    }

    /** Table pk (S) / sk (S) with GSI "byOwner" on owner (S) / createdAt (N), projection ALL. */
    static String createTableWithGsi(DynamoDbClient c, String prefix, ProjectionType projection) {
        String name = uniqueTable(prefix);
        c.createTable(CreateTableRequest.builder().tableName(name).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attr("pk", "S"), attr("sk", "S"), attr("owner", "S"), attr("createdAt", "N"))
                .keySchema(key("pk", KeyType.HASH), key("sk", KeyType.RANGE))
                .globalSecondaryIndexes(GlobalSecondaryIndex.builder().indexName("byOwner")
                        .keySchema(key("owner", KeyType.HASH), key("createdAt", KeyType.RANGE))
                        .projection(p -> {
                            p.projectionType(projection);
                            if (projection == ProjectionType.INCLUDE) p.nonKeyAttributes("amount");
                        })
                        .build())
                .build());
        return name;
    }

    static AttributeDefinition attr(String name, String type) {
        return AttributeDefinition.builder().attributeName(name).attributeType(type).build();
    }

    static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }

    static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    static AttributeValue n(String v) {
        return AttributeValue.fromN(v);
    }

    static AttributeValue n(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }

    static AttributeValue b(byte... v) {
        return AttributeValue.fromB(SdkBytes.fromByteArray(v));
    }

    static AttributeValue bool(boolean v) {
        return AttributeValue.fromBool(v);
    }

    static AttributeValue l(AttributeValue... v) {
        return AttributeValue.fromL(List.of(v));
    }

    static AttributeValue ss(String... v) {
        return AttributeValue.fromSs(List.of(v));
    }

    static AttributeValue ns(String... v) {
        return AttributeValue.fromNs(List.of(v));
    }

    static AttributeValue m(Object... kv) {
        return AttributeValue.fromM(item(kv));
    }

    /** item("a", s("x"), "b", n(1)) */
    static Map<String, AttributeValue> item(Object... kv) {
        Map<String, AttributeValue> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], (AttributeValue) kv[i + 1]);
        return m;
    }
}
