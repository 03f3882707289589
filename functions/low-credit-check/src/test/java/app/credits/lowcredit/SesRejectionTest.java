package app.credits.lowcredit;

import app.credits.ledger.AlertLevel;
import app.credits.ledger.OrgId;
import app.credits.runtime.Json;
import app.credits.runtime.Telemetry;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.SendEmailRequest;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Security finding 9 (SES): SES refusing one org's email (an unverified recipient in the sandbox, an address it
 * cannot parse) must not stop the run for the orgs after it, and the refusal's text, which quotes the addresses,
 * must not reach the log. Only a systemic failure (throttling, credentials, SES unreachable) ends the run early.
 * The check runs through its Lambda handler; SES is the SES emulator, whose answer to the chosen recipients is
 * replaced on the wire by SES's own rejection.
 */
class SesRejectionTest {
    /** Recipients SES refuses, the way the sandbox refuses unverified addresses. */
    static final String REFUSED_DOMAIN = "refused.test";

    final Fixture f = new Fixture();
    final List<String> logLines = new CopyOnWriteArrayList<>();

    @Test
    void sixOrgsWhoseEmailsSesRejectsDoNotStarveTheOrgsAfterThem() throws Exception {
        // GIVEN six orgs whose recipients SES refuses, sorted before two whose recipients it accepts
        List<OrgId> refused = IntStream.range(0, 6).mapToObj(i -> OrgId.of("a-refused-" + i)).toList();
        List<OrgId> fine = IntStream.range(0, 2).mapToObj(i -> OrgId.of("z-fine-" + i)).toList();
        for (OrgId org : refused) {
            owesAnEmail(org, "owner@" + org.value() + "." + REFUSED_DOMAIN);
        }
        for (OrgId org : fine) {
            owesAnEmail(org, "owner@" + org.value() + ".test");
        }

        // WHEN the scheduled check runs
        JsonNode summary = runTheScheduledHandler(sesAnswering(SesAnswer.REJECT_MESSAGE));

        // THEN both orgs after the rejections got their email, and the six refused ones stay owed for the next run
        assertEquals(Json.read("{\"invitesExpired\":0,\"emailsSent\":2,\"emailsFailed\":6,\"orgsChecked\":8,\"orgsAtDailyCap\":0}"), summary);
        for (OrgId org : fine) {
            assertEquals(1, f.ses.emailsTo("owner@" + org.value() + ".test").size(), org.value());
            assertEquals(AlertLevel.LOW, f.ledger.account(org).alertNotified());
        }
        for (OrgId org : refused) {
            assertTrue(f.owed(org), org + " stays owed");
        }
        // AND each rejection is logged by org and SES's error code, without the addresses SES quoted
        assertEquals(6, logLines.stream().filter(l -> l.contains("MessageRejected")).count(), String.join("\n", logLines));
        assertNoAddressIn(logLines);
        for (OrgId org : refused) {
            f.world.assertReconciles(org);
        }
    }

    @Test
    void anAddressSesCannotParseIsAlsoOneOrgsProblem() throws Exception {
        // GIVEN an org whose recipient SES answers with BadRequestException, before one that is fine
        owesAnEmail(OrgId.of("a-bad-address"), "odd@a-bad-address." + REFUSED_DOMAIN);
        owesAnEmail(OrgId.of("b-fine"), "owner@b-fine.test");

        // WHEN the check runs THEN the second org is emailed and nothing quotes an address
        JsonNode summary = runTheScheduledHandler(sesAnswering(SesAnswer.BAD_REQUEST));
        assertEquals(1, summary.path("emailsSent").asInt(), summary.toString());
        assertEquals(1, f.ses.emailsTo("owner@b-fine.test").size());
        assertNoAddressIn(logLines);
        f.world.assertReconciles(OrgId.of("b-fine"));
    }

    @Test
    void oneRefusedRecipientDoesNotHoldBackTheOrgsOtherRecipients() throws Exception {
        // GIVEN an org whose admin named three recipients, the second of which SES refuses
        OrgId org = OrgId.of("mixed-recipients");
        f.purchase(org, 5, "buyer@mixed.test");
        f.setRecipients(org, "ana@mixed.test", "bad@mixed." + REFUSED_DOMAIN, "ben@mixed.test");
        f.takeBack(org, "4");

        // WHEN the check runs (SES refuses a whole message when it refuses one of its recipients)
        JsonNode summary = runTheScheduledHandler(sesAnswering(SesAnswer.REJECT_MESSAGE));

        // THEN the two others got their email, the crossing is recorded (no second copy to them next run), and
        // the refusal is logged by org and position, not by address
        assertEquals(Json.read("{\"invitesExpired\":0,\"emailsSent\":2,\"emailsFailed\":1,\"orgsChecked\":1,\"orgsAtDailyCap\":0}"),
                summary);
        assertEquals(1, f.ses.emailsTo("ana@mixed.test").size());
        assertEquals(1, f.ses.emailsTo("ben@mixed.test").size());
        assertEquals(AlertLevel.LOW, f.ledger.account(org).alertNotified());
        assertFalse(f.owed(org));
        assertTrue(logLines.stream().anyMatch(l -> l.contains("MessageRejected") && l.contains("\"recipient\":2")),
                String.join("\n", logLines));
        assertNoAddressIn(logLines);
        f.world.assertReconciles(org);
    }

    @Test
    void badCredentialsAreSystemicAndStillEndTheRunEarly() throws Exception {
        // GIVEN eight orgs owing an email WHEN SES refuses the function's credentials on every call
        for (int i = 0; i < 8; i++) {
            owesAnEmail(OrgId.of("creds-" + i), "owner@creds-" + i + "." + REFUSED_DOMAIN);
        }
        JsonNode summary = runTheScheduledHandler(sesAnswering(SesAnswer.BAD_CREDENTIALS));

        // THEN the run stops after five failures in a row instead of trying every org, and says why without addresses
        assertEquals(LowCreditCheck.FAILURES_BEFORE_GIVING_UP, summary.path("orgsChecked").asInt(), summary.toString());
        assertEquals(LowCreditCheck.FAILURES_BEFORE_GIVING_UP, summary.path("emailsFailed").asInt(), summary.toString());
        assertTrue(logLines.stream().anyMatch(l -> l.contains("UnrecognizedClientException")), String.join("\n", logLines));
        assertNoAddressIn(logLines);
    }

    // ------------------------------------------------------------------ the world

    private void owesAnEmail(OrgId org, String buyer) {
        f.purchase(org, 5, buyer);
        f.takeBack(org, "4");
    }

    private JsonNode runTheScheduledHandler(SesV2Client ses) throws Exception {
        LowCreditCheckFunction function = new LowCreditCheckFunction(f.ledger, new SesEmailSender(ses), f.config,
                new Telemetry("credits-low-credit-check", "Credits", logLines::add, Clock.systemUTC()), f.clock);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        function.handleRequest(new ByteArrayInputStream("{\"source\":\"aws.events\"}".getBytes(StandardCharsets.UTF_8)), out, null);
        return Json.read(out.toString(StandardCharsets.UTF_8));
    }

    private static void assertNoAddressIn(List<String> lines) {
        for (String line : lines) {
            assertFalse(line.contains("@"), "an email address in the log: " + line);
        }
    }

    /** What SES answers when a recipient is on {@link #REFUSED_DOMAIN} (every call, for credentials). */
    enum SesAnswer {
        REJECT_MESSAGE(400, "MessageRejected", "Email address is not verified. The following identities failed the check in region US-EAST-1: %s"),
        BAD_REQUEST(400, "BadRequestException", "Illegal address: %s"),
        BAD_CREDENTIALS(403, "UnrecognizedClientException", "The security token included in the request is invalid.");

        final int status;
        final String code;
        final String message;

        SesAnswer(int status, String code, String message) {
            this.status = status;
            this.code = code;
            this.message = message;
        }
    }

    /**
     * A client of the SES emulator whose answers to refused recipients become {@code answer}, as SES sends it:
     * the status, {@code x-amzn-ErrorType} and a JSON message quoting the recipients.
     */
    private SesV2Client sesAnswering(SesAnswer answer) {
        ExecutionInterceptor refusing = new ExecutionInterceptor() {
            private Optional<String> refusedRecipients(Context.AfterTransmission context) {
                if (!(context.request() instanceof SendEmailRequest send)) {
                    return Optional.empty();
                }
                List<String> to = send.destination().toAddresses();
                boolean refuse = answer == SesAnswer.BAD_CREDENTIALS || to.stream().anyMatch(a -> a.endsWith(REFUSED_DOMAIN));
                return refuse ? Optional.of(String.join(", ", to)) : Optional.empty();
            }

            @Override
            public SdkHttpResponse modifyHttpResponse(Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
                return refusedRecipients(context).isEmpty() ? context.httpResponse() : context.httpResponse().toBuilder()
                        .statusCode(answer.status).statusText("refused")
                        .putHeader("x-amzn-ErrorType", answer.code + ":http://internal.amazon.com/coral/com.amazonaws.services.sesv2/")
                        .putHeader("Content-Type", "application/json").build();
            }

            @Override
            public Optional<InputStream> modifyHttpResponseContent(Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
                return refusedRecipients(context).<InputStream>map(to -> new ByteArrayInputStream(Json.write(Json.object()
                        .put("message", answer.message.formatted(to))).getBytes(StandardCharsets.UTF_8)))
                        .or(context::responseBody);
            }
        };
        return SesV2Client.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(f.ses.endpoint())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(o -> o.addExecutionInterceptor(refusing))
                .build();
    }
}
