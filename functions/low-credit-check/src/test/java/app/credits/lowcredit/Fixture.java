package app.credits.lowcredit;

import app.credits.runtime.Environment;
import app.credits.runtime.Json;
import app.credits.runtime.Telemetry;
import app.credits.ledger.CompletedCheckout;
import app.credits.ledger.Credits;
import app.credits.ledger.EntryType;
import app.credits.ledger.Ledger;
import app.credits.ledger.Money;
import app.credits.ledger.OrgId;
import app.credits.ledger.Settings;
import app.credits.ledger.SubmissionOutcome;
import app.credits.ledger.testing.MutableClock;
import app.credits.ledger.testing.TestDynamo;
import app.credits.testkit.ses.SesEmulator;
import app.credits.runtime.UnsubscribeTokens;
import com.fasterxml.jackson.databind.JsonNode;
import software.amazon.awssdk.services.sesv2.SesV2Client;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/** The world of one scenario: a ledger on a fresh table, the SES emulator emptied, and the check wired to both. */
final class Fixture {
    static final String FROM = "credits@example.test";
    static final String BILLING = "https://app.example.com/billing?org={orgId}";
    static final String UNSUBSCRIBE_PAGE = "https://api.example.test/unsubscribe";
    /** This module's tests' own secret (not the local runner's). */
    static final String UNSUBSCRIBE_SECRET = "low-credit-check-tests-unsubscribe-secret-0001";
    static final UnsubscribeTokens TOKENS = new UnsubscribeTokens(UNSUBSCRIBE_SECRET);
    static final UnsubscribeLinks LINKS = new UnsubscribeLinks(URI.create(UNSUBSCRIBE_PAGE), TOKENS);

    final MutableClock clock = MutableClock.at("2026-11-23T09:00:00Z");
    final TestDynamo.World world = TestDynamo.world(clock);
    final Ledger ledger = world.ledger();
    final SesEmulator ses = SesEmulator.shared();
    final NotificationConfig config = NotificationConfig.of(FROM, BILLING, LINKS);
    final List<String> logLines = new CopyOnWriteArrayList<>();
    final RunLog log;
    /** One SES client for the scenario's handler runs, as one Lambda sandbox keeps its own. */
    private SesEmailSender sender;

    Fixture() {
        ses.clear();
        log = RunLog.to(new Telemetry("low-credit-check-test", "Credits", logLines::add, java.time.Clock.systemUTC()));
    }

    static SesV2Client sesClient(URI endpoint) {
        return SesEmailSender.clientFromEnvironment(
                Environment.of(Map.of("SES_ENDPOINT", endpoint.toString(), "AWS_REGION", "us-east-1")));
    }

    /** The check as production wires it, sending through the SES emulator. */
    LowCreditCheck check() {
        return check(config);
    }

    LowCreditCheck check(NotificationConfig withConfig) {
        return new LowCreditCheck(ledger, new SesEmailSender(sesClient(ses.endpoint())), withConfig, log, clock);
    }

    /** The check while SES cannot be reached (nothing listens on its port). */
    LowCreditCheck checkWithSesDown() {
        return new LowCreditCheck(ledger, new SesEmailSender(sesClient(SesEmulator.unreachableEndpoint())), config, log,
                clock);
    }

    /**
     * One invocation of the scheduled handler as Lambda makes it (the sample EventBridge event in, the summary out),
     * sending through the SES emulator, on this world's clock.
     */
    CheckSummary runTheScheduledHandler() {
        return runTheScheduledHandler(config);
    }

    CheckSummary runTheScheduledHandler(NotificationConfig withConfig) {
        if (sender == null) {
            sender = new SesEmailSender(sesClient(ses.endpoint()));
        }
        LowCreditCheckFunction function = new LowCreditCheckFunction(ledger, sender, withConfig,
                new Telemetry("low-credit-check-test", "Credits", logLines::add, clock), clock);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            function.handleRequest(new ByteArrayInputStream(Files.readAllBytes(scheduledEvent())), out, null);
            JsonNode summary = Json.read(out.toString(StandardCharsets.UTF_8));
            return new CheckSummary(summary.path("invitesExpired").asInt(), summary.path("emailsSent").asInt(),
                    summary.path("emailsFailed").asInt(), summary.path("orgsChecked").asInt(),
                    summary.path("orgsAtDailyCap").asInt());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** events/low-credit-check/scheduled.json, the sample `sam local invoke` uses. */
    static Path scheduledEvent() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("events/low-credit-check/scheduled.json");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("events/low-credit-check/scheduled.json not found");
    }

    static OrgId newOrg(String name) {
        return OrgId.of(name + "-" + UUID.randomUUID().toString().substring(0, 8));
    }

    void purchase(OrgId org, long credits, String buyerEmail) {
        String session = "cs_test_" + UUID.randomUUID().toString().replace("-", "");
        ledger.creditPurchase(new CompletedCheckout(session, org, credits, Money.of(2900 * credits, "usd"),
                Optional.of("pi_" + session.substring(8)), Optional.ofNullable(buyerEmail)));
    }

    void bonus(OrgId org, String credits) {
        ledger.adjust(org, "bonus-" + UUID.randomUUID(), EntryType.BONUS, Credits.parse(credits), "welcome credits");
    }

    void takeBack(OrgId org, String credits) {
        ledger.adjust(org, "adj-" + UUID.randomUUID(), EntryType.ADJUSTMENT, Credits.parse(credits).negate(), "correction");
    }

    /** {@code n} submissions of one credit each (standard package). */
    void submit(OrgId org, int n) {
        for (int i = 0; i < n; i++) {
            SubmissionOutcome outcome = ledger.chargeSubmission(org, "sub-" + UUID.randomUUID(), "member-1", Optional.empty());
            if (!(outcome instanceof SubmissionOutcome.Charged)) {
                throw new AssertionError("submission not charged: " + outcome);
            }
        }
    }

    void setRecipients(OrgId org, String... emails) {
        Settings current = ledger.account(org).settings();
        ledger.updateSettings(org, new Settings(current.lowCreditEmails(), current.lowCreditThreshold(), List.of(emails)));
    }

    void setEmails(OrgId org, boolean on) {
        Settings current = ledger.account(org).settings();
        ledger.updateSettings(org, new Settings(on, current.lowCreditThreshold(), current.notificationEmails()));
    }

    boolean owed(OrgId org) {
        return ledger.accountsOwingAlert(1000).stream().anyMatch(a -> a.org().equals(org));
    }
}
