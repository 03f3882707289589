package app.credits.account;

import app.credits.http.Role;
import app.credits.http.testing.Events;
import app.credits.ledger.testing.TestDynamo;
import app.credits.testkit.s3.S3StandIn;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The account function's cold start must not pay for the CSV export: built as Lambda builds it (no-arg constructor,
 * configuration from the environment) in a class loader of its own, serving its JSON routes loads no class of the
 * S3 client; the first export of a long log is what loads it.
 */
class S3ClientOnlyOnTheExportPathTest {
    private static final String S3_PACKAGE = "software.amazon.awssdk.services.s3.";

    /** Loads the function's classes itself (not from the test's loader) and remembers which. */
    private static final class CountingLoader extends URLClassLoader {
        final Set<String> loaded = ConcurrentHashMap.newKeySet();

        CountingLoader(URL[] urls) {
            super("isolated-account-function", urls, ClassLoader.getPlatformClassLoader());
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            loaded.add(name);
            return super.findClass(name);
        }

        List<String> s3Classes() {
            return loaded.stream().filter(n -> n.startsWith(S3_PACKAGE)).sorted().toList();
        }
    }

    @Test
    void theJsonRoutesLoadNoS3ClassAndALongExportDoes() throws Exception {
        String table = TestDynamo.newTable();
        S3StandIn s3 = S3StandIn.start().createBucket("credits-exports");
        Map<String, String> env = Map.of("TABLE_NAME", table, "DYNAMODB_ENDPOINT", TestDynamo.endpoint().toString(),
                "AWS_REGION", "us-east-1", "EXPORTS_BUCKET", "credits-exports", "S3_ENDPOINT", s3.endpoint().toString());
        Map<String, String> before = new HashMap<>();
        env.forEach((name, value) -> before.put(name, System.setProperty(name, value)));
        try (s3; CountingLoader loader = new CountingLoader(classPath())) {
            // GIVEN the function built by its no-arg constructor, as Lambda builds it
            Object function = loader.loadClass(AccountFunction.class.getName()).getDeclaredConstructor().newInstance();
            Class<?> context = loader.loadClass("com.amazonaws.services.lambda.runtime.Context");
            var handle = function.getClass().getMethod("handle", byte[].class, context);

            // WHEN it serves every JSON read route
            for (String route : List.of("GET /orgs/{orgId}/logs", "GET /orgs/{orgId}/settings", "GET /orgs/{orgId}/plan",
                    "GET /orgs/{orgId}/usage", "GET /orgs/{orgId}/pricing")) {
                Object response = handle.invoke(function, Events.http(route).org("org_acme")
                        .claims("admin_1", "org_acme", Role.ADMIN).query("from", "2026-11-01").query("to", "2026-11-02")
                        .query("credits", "10").build(), null);
                assertEquals(200, response.getClass().getMethod("statusCode").invoke(response), route + ": " + response);
            }

            // THEN not one class of the S3 client was loaded
            assertTrue(loader.loaded.contains(AccountFunction.class.getName()), "the function came from the isolated loader");
            assertEquals(List.of(), loader.s3Classes());

            // WHEN an export starts writing to S3
            Class<?> environment = loader.loadClass("app.credits.runtime.Environment");
            Class<?> orgId = loader.loadClass("app.credits.ledger.OrgId");
            var fromEnvironment = loader.loadClass(S3ExportStore.class.getName()).getDeclaredMethod("fromEnvironment", environment);
            fromEnvironment.setAccessible(true); // package-private, and this test's package is another loader's
            Object store = fromEnvironment.invoke(null, environment.getMethod("system").invoke(null));
            var start = loader.loadClass(ExportStore.class.getName()).getDeclaredMethod("start", orgId, String.class);
            start.setAccessible(true);
            start.invoke(store, orgId.getMethod("of", String.class).invoke(null, "org_acme"), "credits-log-org_acme.csv");

            // THEN the S3 client's classes load then, and only then
            assertTrue(loader.s3Classes().contains(S3_PACKAGE + "S3Client"), loader.s3Classes().toString());
            assertEquals(List.of("exports/org_acme"), s3.uploadsInProgress("credits-exports").stream()
                    .map(key -> key.substring(0, key.lastIndexOf('/'))).toList());
        } finally {
            before.forEach((name, value) -> {
                if (value == null) {
                    System.clearProperty(name);
                } else {
                    System.setProperty(name, value);
                }
            });
        }
    }

    /** The test's class path without the test classes: the function's own classes and its dependencies. */
    private static URL[] classPath() throws Exception {
        List<URL> urls = new ArrayList<>();
        // Surefire may start the JVM through a manifest-only jar: it names the real class path in this property.
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        for (String entry : classPath.split(File.pathSeparator)) {
            if (!entry.endsWith("test-classes")) {
                urls.add(Path.of(entry).toUri().toURL());
            }
        }
        return urls.toArray(URL[]::new);
    }
}
