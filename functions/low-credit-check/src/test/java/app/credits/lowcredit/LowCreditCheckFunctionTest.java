package app.credits.lowcredit;

import app.credits.runtime.Environment;
import app.credits.ledger.OrgId;
import app.credits.ledger.testing.TestDynamo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The handler as Lambda runs it: configuration from the environment, the sample EventBridge event in. */
class LowCreditCheckFunctionTest {
    private final Fixture f = new Fixture();

    @Test
    void theScheduledEventRunsTheCheckAndAnswersItsSummary() throws Exception {
        // GIVEN one org owing an email and one invite past its expiry (the handler reads the real clock, so the
        // scenario happens an hour ago)
        f.clock.set(java.time.Instant.now().minus(Duration.ofHours(1)));
        OrgId org = Fixture.newOrg("handler");
        f.purchase(org, 6, "owner@handler.test");
        f.ledger.reserveInvite(org, "inv-1", "guest@handler.test", Optional.of(f.clock.instant().plus(Duration.ofMinutes(1))));
        f.submit(org, 4);
        Map<String, String> env = Map.of(
                "TABLE_NAME", f.world.table(),
                "DYNAMODB_ENDPOINT", TestDynamo.endpoint().toString(),
                "SES_ENDPOINT", f.ses.endpoint().toString(),
                "AWS_REGION", "us-east-1",
                "EMAIL_FROM", "billing@credits.test",
                "BILLING_PAGE_URL", "https://credits.test/billing?org={orgId}",
                "UNSUBSCRIBE_URL", "https://api.credits.test/unsubscribe",
                "UNSUBSCRIBE_SECRET", Fixture.UNSUBSCRIBE_SECRET);
        LowCreditCheckFunction function = new LowCreditCheckFunction(Environment.of(env));

        // WHEN it is invoked with the sample scheduled event
        byte[] event = Files.readAllBytes(Fixture.scheduledEvent());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        function.handleRequest(new ByteArrayInputStream(event), out, null);

        // THEN the invite is released, the email is sent (from EMAIL_FROM, with BILLING_PAGE_URL), and the
        // summary says so
        JsonNode summary = new ObjectMapper().readTree(out.toByteArray());
        assertEquals(1, summary.get("invitesExpired").asInt());
        assertEquals(1, summary.get("emailsSent").asInt());
        assertEquals(0, summary.get("emailsFailed").asInt());
        assertEquals(1, summary.get("orgsChecked").asInt());
        assertEquals(0, summary.get("orgsAtDailyCap").asInt());
        assertEquals(5, summary.size());
        var email = f.ses.emails().getFirst();
        assertEquals("billing@credits.test", email.from());
        // 6 bought, 4 spent, 1 reserved: 1 left; the expiry gives the reserved credit back first, so it says 2.
        assertEquals("Credits running low: 2 left", email.subject());
        assertEquals(true, email.text().contains("https://credits.test/billing?org=" + org.value()));
        assertEquals(true, email.text().contains("Stop these emails to owner@handler.test: https://api.credits.test/unsubscribe?token=v1."),
                email.text());
        f.world.assertReconciles(org);
    }

    @Test
    void aRunThatCannotReachTheLedgerFailsTheInvocationSoLambdaRetriesAndAlarms() throws Exception {
        // GIVEN a function whose table does not exist
        LowCreditCheckFunction function = new LowCreditCheckFunction(Environment.of(Map.of(
                "TABLE_NAME", "no-such-table",
                "DYNAMODB_ENDPOINT", TestDynamo.endpoint().toString(),
                "SES_ENDPOINT", f.ses.endpoint().toString(),
                "UNSUBSCRIBE_URL", "https://api.credits.test/unsubscribe",
                "UNSUBSCRIBE_SECRET", Fixture.UNSUBSCRIBE_SECRET)));

        // WHEN it is invoked THEN it throws (after logging what it managed), instead of answering a summary
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        IllegalStateException failed = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> function.handleRequest(new ByteArrayInputStream(Files.readAllBytes(Fixture.scheduledEvent())), out, null));
        assertEquals(true, failed.getMessage().startsWith("low-credit check did not finish"), failed.getMessage());
        assertEquals(0, out.size());
        assertEquals(0, f.ses.emails().size());
    }

    @Test
    void withoutItsUnsubscribeSecretOrUrlTheCheckRefusesToStart() {
        // GIVEN an environment complete but for the unsubscribe links' secret, or their URL, or with an http-less URL
        Map<String, String> complete = Map.of(
                "TABLE_NAME", f.world.table(),
                "DYNAMODB_ENDPOINT", TestDynamo.endpoint().toString(),
                "SES_ENDPOINT", f.ses.endpoint().toString(),
                "UNSUBSCRIBE_URL", "https://api.credits.test/unsubscribe",
                "UNSUBSCRIBE_SECRET", Fixture.UNSUBSCRIBE_SECRET);
        for (String missing : List.of("UNSUBSCRIBE_SECRET", "UNSUBSCRIBE_URL")) {
            Map<String, String> env = new HashMap<>(complete);
            env.remove(missing);

            // WHEN Lambda builds the function THEN init fails, naming what to set: no email goes out without a link
            RuntimeException failed = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                    () -> new LowCreditCheckFunction(Environment.of(env)));
            assertEquals(true, failed.getMessage().contains(missing), failed.getMessage());
        }
        Map<String, String> env = new HashMap<>(complete);
        env.put("UNSUBSCRIBE_URL", "ftp://api.credits.test/unsubscribe?x=1");
        RuntimeException failed = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                () -> new LowCreditCheckFunction(Environment.of(env)));
        assertEquals(true, failed.getMessage().contains("UNSUBSCRIBE_URL"), failed.getMessage());
    }
}
