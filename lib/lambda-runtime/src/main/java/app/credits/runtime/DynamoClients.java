package app.credits.runtime;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

import java.time.Duration;

/**
 * The DynamoDB client every function builds once at init: URLConnection HTTP client (no Netty or Apache: less to
 * load at cold start), region from AWS_REGION, endpoint from DYNAMODB_ENDPOINT when local.
 */
public final class DynamoClients {
    /** With the ledger's retry budget (8 s) this keeps every request under the functions' 15 s timeout. */
    public static final Duration API_CALL_TIMEOUT = Duration.ofSeconds(5);

    private static DynamoDbClient shared;

    private DynamoClients() {
    }

    /** One client per process from the process environment (the local runner hosts many handlers in one JVM). */
    public static synchronized DynamoDbClient shared() {
        if (shared == null) {
            shared = fromEnvironment(Environment.system());
        }
        return shared;
    }

    public static DynamoDbClient fromEnvironment() {
        return fromEnvironment(Environment.system());
    }

    public static DynamoDbClient fromEnvironment(Environment env) {
        DynamoDbClientBuilder builder = DynamoDbClient.builder()
                .region(Region.of(env.region()))
                .credentialsProvider(credentials(env))
                // A call (its SDK retries included) gives up well inside the function's 15 s timeout, so a
                // throttled or unreachable DynamoDB becomes the contract's 503, not a gateway timeout.
                .overrideConfiguration(o -> o
                        .apiCallTimeout(API_CALL_TIMEOUT)
                        .apiCallAttemptTimeout(Duration.ofSeconds(2)))
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(2))
                        .socketTimeout(Duration.ofSeconds(10)));
        env.dynamoEndpoint().ifPresent(builder::endpointOverride);
        return builder.build();
    }

    private static AwsCredentialsProvider credentials(Environment env) {
        return AwsCredentials.of(env, env.dynamoEndpoint().isPresent());
    }
}
