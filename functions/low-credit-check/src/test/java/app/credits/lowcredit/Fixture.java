package app.credits.lowcredit;

import app.credits.runtime.Environment;
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
import software.amazon.awssdk.services.sesv2.SesV2Client;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/** The world of one scenario: a ledger on a fresh table, the SES emulator emptied, and the check wired to both. */
final class Fixture {
    static final String FROM = "credits@example.test";
    static final String BILLING = "https://app.example.com/billing?org={orgId}";

    final MutableClock clock = MutableClock.at("2026-11-23T09:00:00Z");
    final TestDynamo.World world = TestDynamo.world(clock);
    final Ledger ledger = world.ledger();
    final SesEmulator ses = SesEmulator.shared();
    final NotificationConfig config = NotificationConfig.of(FROM, BILLING);
    final List<String> logLines = new CopyOnWriteArrayList<>();
    final RunLog log;

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
        return new LowCreditCheck(ledger, new SesEmailSender(sesClient(ses.endpoint())), withConfig, log);
    }

    /** The check while SES cannot be reached (nothing listens on its port). */
    LowCreditCheck checkWithSesDown() {
        return new LowCreditCheck(ledger, new SesEmailSender(sesClient(SesEmulator.unreachableEndpoint())), config, log);
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
