package app.credits.reliability;

import app.credits.emulator.FaultInjector;
import app.credits.runtime.Environment;
import app.credits.runtime.Telemetry;
import app.credits.ledger.CompletedCheckout;
import app.credits.ledger.Credits;
import app.credits.ledger.EntryType;
import app.credits.ledger.Money;
import app.credits.ledger.OrgId;
import app.credits.ledger.testing.MutableClock;
import app.credits.ledger.testing.TestDynamo;
import app.credits.lowcredit.CheckSummary;
import app.credits.lowcredit.LowCreditCheck;
import app.credits.lowcredit.NotificationConfig;
import app.credits.lowcredit.RunLog;
import app.credits.lowcredit.SesEmailSender;
import app.credits.lowcredit.UnsubscribeLinks;
import app.credits.reliability.support.Faults;
import app.credits.reliability.support.Requests;
import app.credits.reliability.support.Tally;
import app.credits.testkit.ses.SesEmulator;
import app.credits.testkit.ses.SesFaults;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scheduled low-credit check when SES or DynamoDB fail. What low-credit-check's own tests already cover (SES
 * unreachable, an SES outage across many orgs, the ledger unreachable) is not repeated; added here: SES hanging past
 * the client's timeouts, SES answering 500 or throttling, and DynamoDB failing the "email sent" mark before or after
 * it committed. The rule under test: an owed email is never lost, and sent twice at most when the mark was lost.
 */
class NotifierFaultsTest {
    static final Tally TALLY = new Tally("NotifierFaultsTest");

    final MutableClock clock = MutableClock.at("2026-11-23T09:00:00Z");
    final TestDynamo.World world = TestDynamo.world(clock);
    // The SES emulator, reached through a front that fails on demand; what went through is in its store.
    final SesFaults ses = SesEmulator.shared().withFaults();
    final List<String> logLines = new CopyOnWriteArrayList<>();
    final OrgId org = OrgId.of("low-" + System.nanoTime());

    @AfterEach
    void tearDown() {
        Faults.clear();
        ses.close();
    }

    @AfterAll
    static void report() {
        TALLY.report();
    }

    /** An org with 2 credits left of a threshold of 3: it owes one email, to its buyer. */
    private void orgOwingAnEmail() {
        world.ledger().creditPurchase(new CompletedCheckout("cs_" + org.value(), org, 5, Money.of(5 * 2900, "usd"),
                Optional.of("pi_" + org.value()), Optional.of("owner@" + org.value() + ".test")));
        world.ledger().adjust(org, "take-" + org.value(), EntryType.ADJUSTMENT, Credits.whole(-3), "usage");
        assertTrue(world.ledger().account(org).alertOwed().isPresent(), "the scenario needs an owed email");
    }

    /** The emails the emulator received for this scenario's org. */
    private List<SesEmulator.SentEmail> emailsSent() {
        return SesEmulator.shared().emailsTo("owner@" + org.value() + ".test");
    }

    private CheckSummary run() {
        TALLY.add("checkRuns");
        LowCreditCheck check = new LowCreditCheck(world.ledger(), new SesEmailSender(SesEmailSender.clientFromEnvironment(
                Environment.of(Map.of("SES_ENDPOINT", ses.endpoint(), "AWS_REGION", "us-east-1")))),
                NotificationConfig.of("credits@example.test", "https://app.example.com/billing?org={orgId}",
                        new UnsubscribeLinks(URI.create("https://api.example.test/unsubscribe"),
                                Requests.UNSUBSCRIBE_TOKENS)),
                RunLog.to(new Telemetry("low-credit-check", "Credits", logLines::add, Clock.systemUTC())));
        return check.run();
    }

    @ParameterizedTest(name = "SES {0}")
    @EnumSource(value = SesFaults.Mode.class, names = {"HANG", "FAIL_500", "THROTTLE"})
    void whenSesFailsTheEmailStaysOwedAndTheNextRunSendsItOnce(SesFaults.Mode failure) {
        // GIVEN an org owing a low-credit email, and SES failing this way
        orgOwingAnEmail();
        ses.mode(failure);

        // WHEN the check runs
        CheckSummary failed = run();
        TALLY.add("sesFaults." + failure, ses.attempts());

        // THEN the send counts as failed (a hang is cut by the client's timeouts), nothing is marked, nothing sent
        assertEquals(new CheckSummary(0, 0, 1, 1), failed);
        assertTrue(world.ledger().account(org).alertOwed().isPresent());
        assertTrue(emailsSent().isEmpty());

        // AND when SES is back, the next run sends it once, and the one after sends nothing
        ses.mode(SesFaults.Mode.PASS);
        assertEquals(new CheckSummary(0, 1, 0, 1), run());
        assertEquals(new CheckSummary(0, 0, 0, 0), run());
        assertEquals(1, emailsSent().size());
        world.assertReconciles(org);
    }

    @Test
    void whenTheSentMarkCommitsButItsAnswerIsLostTheEmailIsNotSentAgain() {
        // GIVEN an org owing an email, and DynamoDB losing the answer to the "sent" mark after committing it
        orgOwingAnEmail();
        AtomicInteger injected = new AtomicInteger();
        Faults.install(Faults.on(world.table(), Set.of("TransactWriteItems"), -1,
                () -> FaultInjector.failAfterCommit("InternalServerError", 500), injected));

        // WHEN the check runs, then again once DynamoDB is well
        CheckSummary first = run();
        Faults.clear();
        CheckSummary second = run();
        TALLY.add("dynamoFaults.failAfterCommit", injected.get());

        // THEN the email went out once: the mark had landed, so the next run owes nothing
        assertEquals(1, first.emailsSent());
        assertEquals(new CheckSummary(0, 0, 0, 0), second);
        assertEquals(1, emailsSent().size());
        assertTrue(logLines.stream().anyMatch(l -> l.contains("sent but not recorded")), logLines.toString());
        world.assertReconciles(org);
    }

    @Test
    void whenTheSentMarkFailsTheEmailIsSentAgainOnceAndNeverLost() {
        // GIVEN an org owing an email, and DynamoDB refusing the "sent" mark
        orgOwingAnEmail();
        AtomicInteger injected = new AtomicInteger();
        Faults.install(Faults.on(world.table(), Set.of("TransactWriteItems"), -1,
                () -> FaultInjector.failBefore("InternalServerError", 500, "injected"), injected));

        // WHEN the check runs, then twice more once DynamoDB is well
        CheckSummary first = run();
        Faults.clear();
        CheckSummary second = run();
        CheckSummary third = run();
        TALLY.add("dynamoFaults.failBefore", injected.get());

        // THEN the email was sent, sent once more (a duplicate beats a lost email), then never again
        assertEquals(1, first.emailsSent());
        assertEquals(1, second.emailsSent());
        assertEquals(new CheckSummary(0, 0, 0, 0), third);
        assertEquals(2, emailsSent().size());
        world.assertReconciles(org);
    }
}
