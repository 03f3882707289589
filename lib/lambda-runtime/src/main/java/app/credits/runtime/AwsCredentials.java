package app.credits.runtime;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** Which credentials every AWS client of the functions signs with: one rule for DynamoDB, SES, SSM and S3. */
public final class AwsCredentials {

    private AwsCredentials() {
    }

    /**
     * What the local stand-ins are signed with (the S3 stand-in checks these keys; the others accept any). Built
     * when asked for, so that a function in Lambda never loads it.
     */
    public static AwsCredentialsProvider local() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
    }

    /** For a client of a real AWS service. */
    public static AwsCredentialsProvider of(Environment env) {
        if (env.hasAwsCredentials()) {
            // Lambda puts the role's credentials in the environment: skip the default chain's probing.
            return EnvironmentVariableCredentialsProvider.create();
        }
        return DefaultCredentialsProvider.builder().build();
    }

    /**
     * For a client whose endpoint may be overridden ({@code endpointOverridden}: a local stand-in, which accepts any
     * signature, so no one needs real credentials to run locally); the environment's keys still win when present.
     */
    public static AwsCredentialsProvider of(Environment env, boolean endpointOverridden) {
        return endpointOverridden && !env.hasAwsCredentials() ? local() : of(env);
    }
}
