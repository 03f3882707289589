package app.credits.unsubscribe;

import app.credits.http.HttpResponse;
import app.credits.http.testing.Events;
import app.credits.http.testing.SampleEvents;
import app.credits.http.testing.TableSnapshot;
import app.credits.http.testing.TestTelemetry;
import app.credits.ledger.CompletedCheckout;
import app.credits.ledger.Credits;
import app.credits.ledger.Ledger;
import app.credits.ledger.Money;
import app.credits.ledger.OrgId;
import app.credits.ledger.Settings;
import app.credits.ledger.testing.MutableClock;
import app.credits.ledger.testing.TestDynamo;
import app.credits.runtime.Environment;
import app.credits.runtime.UnsubscribeTokens;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static app.credits.http.testing.Responses.assertError;
import static app.credits.http.testing.Responses.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Security finding 5: the one-click unsubscribe of the low-credit emails, through the handler on the DynamoDB
 * emulator. A token stops exactly one address for exactly one org; anything else is a 400 that writes nothing.
 */
class UnsubscribeFunctionTest {
    /** This deployment's secret: not the local runner's public one. */
    static final String SECRET = "unsubscribe-function-tests-secret-0123456789";
    static final UnsubscribeTokens TOKENS = new UnsubscribeTokens(SECRET);
    static final OrgId ACME = OrgId.of("org_acme");
    static final OrgId GLOBEX = OrgId.of("org_globex");

    private final MutableClock clock = MutableClock.at("2026-11-23T18:04:05.123Z");
    private final TestDynamo.World world = TestDynamo.world(clock);
    private final Ledger ledger = world.ledger();
    private final UnsubscribeFunction function = new UnsubscribeFunction(ledger, TOKENS);

    @TempDir
    Path temp;

    UnsubscribeFunctionTest() {
        function.telemetry(new TestTelemetry().telemetry());
        // acme emails ana and ben; globex emails ana too
        buy(ACME, "ana@acme.test");
        ledger.updateSettings(ACME, new Settings(true, Credits.whole(3), List.of("ana@acme.test", "ben@acme.test")));
        buy(GLOBEX, "ana@acme.test");
    }

    @Test
    void followingTheLinkShowsAConfirmationPageWhoseButtonPostsTheSameTokenAndWritesNothing() {
        // GIVEN ana's link from an acme email
        String token = TOKENS.issue(ACME, "ana@acme.test");
        TableSnapshot before = snapshot();

        // WHEN a browser (or a mail scanner) follows it
        HttpResponse page = function.handle(get(token), null);

        // THEN a page asks to confirm, with a button that POSTs the same token back to this URL, and nothing changed
        assertEquals(200, page.statusCode(), page.body());
        assertEquals("text/html; charset=utf-8", page.headers().get("content-type"));
        assertTrue(page.body().contains("Stop the low-credit emails of <strong>org_acme</strong> to <strong>ana@acme.test</strong>?"),
                page.body());
        assertTrue(page.body().contains("<form method=\"post\" action=\"?token=" + token + "\">"), page.body());
        assertTrue(page.body().contains("<button type=\"submit\">Unsubscribe</button>"), page.body());
        // the token is kept out of caches, referrers and search engines, and the page out of frames
        assertEquals("no-store", page.headers().get("cache-control"));
        assertEquals("no-referrer", page.headers().get("referrer-policy"));
        assertTrue(page.headers().get("content-security-policy").contains("frame-ancestors 'none'"));
        before.assertUnchanged(snapshot(), "the confirmation page");
        assertEquals(List.of("ana@acme.test", "ben@acme.test"), ledger.account(ACME).lowCreditRecipients());
        world.assertReconciles(ACME);
    }

    @Test
    void theOneClickPostStopsThatAddressForThatOrgOnlyAndRepeatingItChangesNothing() {
        // GIVEN ana's link from an acme email
        String token = TOKENS.issue(ACME, "ana@acme.test");

        // WHEN her mail provider POSTs it (RFC 8058: form body, no cookie, no JWT)
        JsonNode body = assertStatus(function.handle(post(token), null), 200);

        // THEN ana gets no more acme emails; ben still does, and globex still emails ana
        assertEquals("org_acme", body.path("orgId").asText());
        assertEquals("ana@acme.test", body.path("email").asText());
        assertTrue(body.path("unsubscribed").asBoolean());
        assertEquals(List.of("ben@acme.test"), ledger.account(ACME).lowCreditRecipients());
        assertEquals(List.of("ana@acme.test"), ledger.account(GLOBEX).lowCreditRecipients());

        // AND the same POST again (a retry, a second click from a browser) answers the same and writes nothing
        TableSnapshot after = snapshot();
        HttpResponse again = function.handle(Events.http(UnsubscribeFunction.UNSUBSCRIBE).noClaims()
                .query("token", token).header("accept", "text/html").build(), null);
        assertEquals(200, again.statusCode());
        assertTrue(again.body().contains("<strong>ana@acme.test</strong> will get no more low-credit emails of "
                + "<strong>org_acme</strong>."), again.body());
        after.assertUnchanged(snapshot(), "a repeated unsubscribe");
        world.assertReconciles(ACME);
        world.assertReconciles(GLOBEX);
    }

    @Test
    void aTamperedForgedOrForeignTokenIs400AndWritesNothing() {
        // GIVEN ana's genuine acme token, and what an attacker could make from it or without it
        String genuine = TOKENS.issue(ACME, "ana@acme.test");
        String[] parts = genuine.split("\\.");
        Map<String, String> tries = new LinkedHashMap<>();
        tries.put("another org, same MAC", String.join(".", parts[0], b64("org_globex"), parts[2], parts[3]));
        tries.put("another address, same MAC", String.join(".", parts[0], parts[1], b64("ben@acme.test"), parts[3]));
        tries.put("org and address swapped", String.join(".", parts[0], parts[2], parts[1], parts[3]));
        tries.put("signed with another secret", new UnsubscribeTokens("an-attackers-own-secret-0123456789abcd").issue(ACME, "ana@acme.test"));
        tries.put("signed with the local runner's public secret",
                new UnsubscribeTokens(UnsubscribeTokens.LOCAL_SECRET).issue(ACME, "ana@acme.test"));
        tries.put("MAC truncated", genuine.substring(0, genuine.length() - 1));
        tries.put("MAC missing", String.join(".", parts[0], parts[1], parts[2], ""));
        tries.put("no MAC part", String.join(".", parts[0], parts[1], parts[2]));
        tries.put("a fifth part", genuine + "." + parts[3]);
        tries.put("another version", "v2" + genuine.substring(2));
        tries.put("not base64url", genuine.replace(parts[1], "b3Jn*2FjbWU"));
        tries.put("garbage", "not-a-token");
        tries.put("empty", "");
        tries.put("2000 characters", "v1." + "A".repeat(1997));
        byte[] mac = Base64.getUrlDecoder().decode(parts[3]);
        for (int i = 0; i < mac.length; i++) {
            byte[] flipped = mac.clone();
            flipped[i] ^= 0x01;
            tries.put("MAC byte " + i + " changed", String.join(".", parts[0], parts[1], parts[2],
                    Base64.getUrlEncoder().withoutPadding().encodeToString(flipped)));
        }
        TableSnapshot before = snapshot();

        // WHEN each is followed (GET) and one-clicked (POST), plus both without a token at all
        List<String> accepted = new ArrayList<>();
        int refused = 0;
        for (Map.Entry<String, String> attempt : tries.entrySet()) {
            for (byte[] event : List.of(get(attempt.getValue()), post(attempt.getValue()))) {
                HttpResponse response = function.handle(event, null);
                if (response.statusCode() == 400) {
                    assertError(response, 400, "invalid_request", attempt.getValue().isEmpty() ? "missing_parameter" : "invalid_token");
                    refused++;
                } else {
                    accepted.add(attempt.getKey() + ": " + response.statusCode());
                }
            }
        }
        for (String route : List.of(UnsubscribeFunction.CONFIRM, UnsubscribeFunction.UNSUBSCRIBE)) {
            assertError(function.handle(Events.http(route).noClaims().build(), null), 400, "invalid_request",
                    "missing_parameter");
            refused++;
        }

        // THEN every one is a 400 in the contract's shape, and the table is exactly as before
        assertEquals(List.of(), accepted);
        assertEquals(2 * tries.size() + 2, refused);
        assertEquals(46, tries.size(), "the tries counted in docs/RELIABILITY.md");
        before.assertUnchanged(snapshot(), "refused unsubscribes");
        assertEquals(List.of("ana@acme.test", "ben@acme.test"), ledger.account(ACME).lowCreditRecipients());
        world.assertReconciles(ACME);
    }

    @Test
    void theSampleEventsAnswerAsTheirReadmeSays() {
        // GIVEN the function with the local runner's secret, which signed events/unsubscribe/
        UnsubscribeFunction local = new UnsubscribeFunction(ledger, new UnsubscribeTokens(UnsubscribeTokens.LOCAL_SECRET));
        local.telemetry(new TestTelemetry().telemetry());
        buy(ACME, "billing@acme.example");
        ledger.updateSettings(ACME, new Settings(true, Credits.whole(3), List.of()));
        List<Path> samples = SampleEvents.of("unsubscribe");
        assertEquals(2, samples.size(), samples.toString());

        // WHEN the browser's GET, then the mail provider's one-click POST
        HttpResponse page = local.handle(SampleEvents.read(samples.getFirst()), null);
        assertEquals(200, page.statusCode(), page.body());
        assertTrue(page.body().contains("billing@acme.example"), page.body());
        assertEquals(List.of("ana@acme.test", "billing@acme.example"), ledger.account(ACME).lowCreditRecipients());
        HttpResponse done = local.handle(SampleEvents.read(samples.get(1)), null);

        // THEN the page asked, and the POST unsubscribed the buyer of org_acme
        assertStatus(done, 200);
        assertEquals(List.of("ana@acme.test"), ledger.account(ACME).lowCreditRecipients());
        // AND this module's deployment secret refuses the same samples
        for (Path sample : samples) {
            assertError(function.handle(SampleEvents.read(sample), null), 400, "invalid_request", "invalid_token");
        }
        world.assertReconciles(ACME);
    }

    @Test
    void withoutItsSecretTheFunctionRefusesToStart() throws Exception {
        // GIVEN no secret, or one too short to be a random key
        IllegalStateException none = assertThrows(IllegalStateException.class,
                () -> UnsubscribeTokens.fromEnvironment(Environment.of(Map.of("TABLE_NAME", "credits"))));
        assertTrue(none.getMessage().contains("UNSUBSCRIBE_SECRET_PARAM"), none.getMessage());
        IllegalStateException weak = assertThrows(IllegalStateException.class,
                () -> UnsubscribeTokens.fromEnvironment(Environment.of(Map.of("UNSUBSCRIBE_SECRET", "password123"))));
        assertTrue(weak.getMessage().contains("at least 32 bytes"), weak.getMessage());

        // WHEN the function is invoked as Lambda would (a fresh JVM, the no-arg constructor) without a secret, fed
        // the sample POST signed with the public local secret
        TableSnapshot before = snapshot();
        Path stdout = temp.resolve("stdout");
        Path stderr = temp.resolve("stderr");
        ProcessBuilder invoke = new ProcessBuilder(javaBinary(), "-cp", System.getProperty("java.class.path"),
                "-Dhandler=" + UnsubscribeFunction.class.getName(), "app.credits.runtime.InvokeOnce",
                SampleEvents.of("unsubscribe").get(1).toString())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        invoke.environment().keySet().retainAll(List.of("PATH", "HOME", "LANG"));
        invoke.environment().putAll(Map.of("TABLE_NAME", world.table(),
                "DYNAMODB_ENDPOINT", TestDynamo.endpoint().toString(), "AWS_REGION", "us-east-1"));
        Process process = invoke.start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the invocation did not end");

        // THEN it fails at init, naming what to set, and writes nothing
        String err = Files.readString(stderr);
        assertEquals(1, process.exitValue(), Files.readString(stdout) + err);
        assertTrue(err.contains("UNSUBSCRIBE_SECRET_PARAM"), err);
        before.assertUnchanged(snapshot(), "a function without its secret");
    }

    private void buy(OrgId org, String buyer) {
        String session = "cs_" + org.value() + "_" + buyer.hashCode();
        ledger.creditPurchase(new CompletedCheckout(session, org, 5, Money.of(14500, "usd"),
                Optional.of("pi_" + session), Optional.of(buyer)));
    }

    private static byte[] get(String token) {
        return Events.http(UnsubscribeFunction.CONFIRM).noClaims().query("token", token)
                .header("accept", "text/html").build();
    }

    /** What a mail provider sends for RFC 8058's one-click. */
    private static byte[] post(String token) {
        return Events.http(UnsubscribeFunction.UNSUBSCRIBE).noClaims().query("token", token)
                .header("content-type", "application/x-www-form-urlencoded").body("List-Unsubscribe=One-Click").build();
    }

    private static String b64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private TableSnapshot snapshot() {
        return TableSnapshot.of(world.dynamo(), world.table());
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }
}
