package app.credits.runtime;

import app.credits.runtime.Environment;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.time.Duration;
import java.util.Optional;

/**
 * A secret (Stripe's, the unsubscribe links' key), read once at init: from the SSM SecureString named by
 * {@code <NAME>_PARAM} in AWS, from the plain {@code <NAME>} variable locally.
 * <p>
 * Why the SDK's SSM client and not the "Parameters and Secrets" Lambda extension: the extension would need a
 * region-specific layer ARN in template.yaml, its own local stand-in, and a second process in the sandbox, to
 * save one GetParameter call that happens once per cold start (or once per SnapStart snapshot). The SSM client
 * reuses the URLConnection HTTP client and the credentials the DynamoDB client already loads, and template.yaml
 * already grants {@code ssm:GetParameter} on exactly this parameter. A SnapStart snapshot keeps the value, so a
 * rotated secret takes effect with the next published version (see docs/stripe.md).
 */
public final class SecureParameter {
    private SecureParameter() {
    }

    /** {@code <parameterVariable>} (an SSM parameter name) wins; else {@code <plainVariable>}; else empty. */
    public static Optional<String> find(Environment env, String parameterVariable, String plainVariable) {
        Optional<String> parameter = env.get(parameterVariable);
        if (parameter.isPresent()) {
            return Optional.of(fromSsm(env, parameter.get()));
        }
        return env.get(plainVariable);
    }

    /**
     * As {@link #find}; throws at init when neither is set: a function that cannot verify or call Stripe must not
     * start, and there is no default because any default would be a secret everyone knows.
     */
    public static String load(Environment env, String parameterVariable, String plainVariable) {
        return find(env, parameterVariable, plainVariable).orElseThrow(() -> new IllegalStateException("no secret configured: set "
                + parameterVariable + " (an SSM SecureString name) or " + plainVariable));
    }

    private static String fromSsm(Environment env, String name) {
        try (SsmClient ssm = SsmClient.builder()
                .region(Region.of(env.region()))
                .credentialsProvider(AwsCredentials.of(env))
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(2))
                        .socketTimeout(Duration.ofSeconds(5)))
                .build()) {
            return ssm.getParameter(r -> r.name(name).withDecryption(true)).parameter().value();
        }
    }
}
