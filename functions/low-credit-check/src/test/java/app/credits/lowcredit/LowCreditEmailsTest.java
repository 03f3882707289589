package app.credits.lowcredit;

import app.credits.ledger.AlertLevel;
import app.credits.ledger.OrgId;
import app.credits.testkit.ses.SesEmulator.SentEmail;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Scenarios of the low-credit emails, through the ledger on the DynamoDB emulator and the real SES emulator. */
class LowCreditEmailsTest {
    private final Fixture f = new Fixture();

    @Test
    void crossingBelowTheThresholdSendsExactlyOneEmailWithTheNumbersAndTheLink() {
        // GIVEN acme bought 5 credits (Ana paid) and reserved one for a pending invite: 4 left, threshold 3
        OrgId acme = Fixture.newOrg("acme");
        f.purchase(acme, 5, "ana@acme.test");
        f.ledger.reserveInvite(acme, "inv-1", "guest@acme.test", Optional.empty());
        assertEquals(new CheckSummary(0, 0, 0, 0), f.check().run());

        // WHEN two submissions leave 2 credits and the check runs
        f.submit(acme, 2);
        CheckSummary summary = f.check().run();

        // THEN Ana gets one email with the numbers and the billing link, and the org no longer owes one
        assertEquals(new CheckSummary(0, 1, 0, 1), summary);
        List<SentEmail> emails = f.ses.emails();
        assertEquals(1, emails.size());
        SentEmail email = emails.getFirst();
        assertEquals(List.of("ana@acme.test"), email.to());
        assertEquals(Fixture.FROM, email.from());
        assertEquals("Credits running low: 2 left", email.subject());
        String link = "https://app.example.com/billing?org=" + acme.value();
        assertTrue(email.text().contains("Credits left: 2 (your alert threshold is 3)"), email.text());
        assertTrue(email.text().contains("Invites pending: 1 (1 credit reserved for them)"), email.text());
        assertTrue(email.text().contains("Buy credits: " + link), email.text());
        assertTrue(email.text().contains("Settings"), email.text());
        assertTrue(email.html().contains("<a href=\"" + link + "\">Buy credits</a>"), email.html());
        assertTrue(email.html().contains("<strong>2 (your alert threshold is 3)</strong>"), email.html());
        assertEquals(AlertLevel.LOW, f.ledger.account(acme).alertNotified());
        assertFalse(f.owed(acme));

        // AND a second run sends nothing more
        assertEquals(new CheckSummary(0, 0, 0, 0), f.check().run());
        assertEquals(1, f.ses.emails().size());
        f.world.assertReconciles(acme);
    }

    @Test
    void toppingUpAboveTheThresholdRearmsSoTheNextCrossingEmailsAgain() {
        // GIVEN an org that was emailed at 2 credits left
        OrgId org = Fixture.newOrg("rearm");
        f.purchase(org, 5, "owner@rearm.test");
        f.submit(org, 3);
        assertEquals(1, f.check().run().emailsSent());

        // WHEN it buys 5 more (7 left) the check stays quiet
        f.purchase(org, 5, "owner@rearm.test");
        assertEquals(AlertLevel.NONE, f.ledger.account(org).alertNotified());
        assertEquals(0, f.check().run().emailsSent());

        // AND when it drops below 3 again, a second email goes out
        f.submit(org, 5);
        assertEquals(new CheckSummary(0, 1, 0, 1), f.check().run());

        // THEN two emails in all, each for its own crossing
        List<SentEmail> emails = f.ses.emailsTo("owner@rearm.test");
        assertEquals(List.of("Credits running low: 2 left", "Credits running low: 2 left"),
                emails.stream().map(SentEmail::subject).toList());
        f.world.assertReconciles(org);
    }

    @Test
    void runningOutSendsTheBlockedEmail() {
        // GIVEN 3 credits, exactly the threshold: nothing owed yet
        OrgId org = Fixture.newOrg("zero");
        f.purchase(org, 3, "owner@zero.test");
        assertEquals(0, f.check().run().emailsSent());

        // WHEN all three are spent at once (no run in between)
        f.submit(org, 3);
        f.check().run();

        // THEN one email, the blocked one (not a "low" one before it)
        List<SentEmail> emails = f.ses.emails();
        assertEquals(1, emails.size());
        assertEquals(LowCreditEmail.BLOCKED_SUBJECT, emails.getFirst().subject());
        assertEquals("Your credits have run out \u2014 submissions are now blocked", emails.getFirst().subject());
        assertTrue(emails.getFirst().text().contains("run out of credits"), emails.getFirst().text());
        assertTrue(emails.getFirst().text().contains("Credits left: 0\n"), emails.getFirst().text());
        assertEquals(AlertLevel.ZERO, f.ledger.account(org).alertNotified());
        f.world.assertReconciles(org);
    }

    @Test
    void fallingInTwoStepsSendsTheLowEmailThenTheBlockedOne() {
        // GIVEN 5 credits
        OrgId org = Fixture.newOrg("steps");
        f.purchase(org, 5, "owner@steps.test");

        // WHEN it falls to 1 credit, a run, then to 0, another run, then a third run
        f.submit(org, 4);
        CheckSummary first = f.check().run();
        f.submit(org, 1);
        CheckSummary second = f.check().run();
        CheckSummary third = f.check().run();

        // THEN the low email, then the blocked one, and nothing more
        assertEquals(new CheckSummary(0, 1, 0, 1), first);
        assertEquals(new CheckSummary(0, 1, 0, 1), second);
        assertEquals(new CheckSummary(0, 0, 0, 0), third);
        assertEquals(List.of("Credits running low: 1 left", LowCreditEmail.BLOCKED_SUBJECT),
                f.ses.emails().stream().map(SentEmail::subject).toList());
        f.world.assertReconciles(org);
    }

    @Test
    void aBalanceBelowThePriceOfASubmissionSaysSubmissionsAreBlocked() {
        // GIVEN an org left with half a credit after a correction
        OrgId org = Fixture.newOrg("half");
        f.purchase(org, 5, "owner@half.test");
        f.takeBack(org, "4.5");

        // WHEN the check runs
        f.check().run();

        // THEN the low email says half a credit does not buy a submission
        SentEmail email = f.ses.emails().getFirst();
        assertEquals("Credits running low: 0.5 left", email.subject());
        assertTrue(email.text().contains("not enough for another submission (1 credit each)"), email.text());
        f.world.assertReconciles(org);
    }

    @Test
    void emailsTurnedOffSendNothing() {
        // GIVEN an admin turned low-credit emails off
        OrgId org = Fixture.newOrg("quiet");
        f.purchase(org, 5, "owner@quiet.test");
        f.setEmails(org, false);

        // WHEN credits fall to zero and the check runs
        f.submit(org, 5);
        CheckSummary summary = f.check().run();

        // THEN nothing is sent and the org is not even looked at
        assertEquals(new CheckSummary(0, 0, 0, 0), summary);
        assertTrue(f.ses.emails().isEmpty());
        assertFalse(f.owed(org));
        f.world.assertReconciles(org);
    }

    @Test
    void buyersAreTheRecipientsUntilAnAdminSetsNotificationEmails() {
        // GIVEN two purchases by two buyers
        OrgId org = Fixture.newOrg("buyers");
        f.purchase(org, 3, "ana@buyers.test");
        f.purchase(org, 2, "ben@buyers.test");

        // WHEN credits fall below the threshold
        f.submit(org, 3);
        f.check().run();

        // THEN both buyers get the email, each their own
        assertEquals(List.of(List.of("ana@buyers.test"), List.of("ben@buyers.test")),
                f.ses.emails().stream().map(SentEmail::to).toList());

        // AND once an admin names the recipients, the next crossing goes to them alone
        f.setRecipients(org, "ops@buyers.test", "cfo@buyers.test");
        f.bonus(org, "5");
        f.submit(org, 5);
        assertEquals(new CheckSummary(0, 2, 0, 1), f.check().run());
        List<SentEmail> emails = f.ses.emails();
        assertEquals(4, emails.size());
        assertEquals(List.of(List.of("ops@buyers.test"), List.of("cfo@buyers.test")),
                emails.subList(2, 4).stream().map(SentEmail::to).toList());
        assertEquals(1, f.ses.emailsTo("ana@buyers.test").size());
        f.world.assertReconciles(org);
    }

    @Test
    void anOrgWithoutRecipientsGetsNoEmailAndDoesNotClogTheIndex() {
        // GIVEN an org that only ever got bonus credits: no buyer, no recipients
        OrgId org = Fixture.newOrg("nobody");
        f.bonus(org, "5");

        // WHEN it falls below the threshold
        f.submit(org, 4);

        // THEN it owes nothing (nobody to tell), so the check neither sends nor reads it
        assertFalse(f.owed(org));
        assertEquals(new CheckSummary(0, 0, 0, 0), f.check().run());

        // AND once an admin adds a recipient, the email is owed and sent
        f.setRecipients(org, "admin@nobody.test");
        assertTrue(f.owed(org));
        assertEquals(new CheckSummary(0, 1, 0, 1), f.check().run());
        assertEquals(List.of("admin@nobody.test"), f.ses.emails().getFirst().to());
        f.world.assertReconciles(org);
    }

    @Test
    void whenSesIsUnreachableTheEmailStaysOwedAndTheNextRunSendsItOnce() {
        // GIVEN an org owing a low-credit email
        OrgId org = Fixture.newOrg("outage");
        f.purchase(org, 5, "owner@outage.test");
        f.submit(org, 3);

        // WHEN SES cannot be reached
        CheckSummary failed = f.checkWithSesDown().run();

        // THEN the failure is counted and logged, and nothing is marked
        assertEquals(new CheckSummary(0, 0, 1, 1), failed);
        assertTrue(f.logLines.stream().anyMatch(l -> l.contains("\"level\":\"WARN\"")
                && l.contains("low-credit email failed") && l.contains(org.value())), f.logLines.toString());
        assertEquals(AlertLevel.NONE, f.ledger.account(org).alertNotified());
        assertTrue(f.owed(org));

        // AND when SES is back, the next run sends it, once
        assertEquals(new CheckSummary(0, 1, 0, 1), f.check().run());
        assertEquals(new CheckSummary(0, 0, 0, 0), f.check().run());
        assertEquals(1, f.ses.emails().size());
        f.world.assertReconciles(org);
    }

    @Test
    void anSesOutageStopsTheRunEarlyAndTheNextRunEmailsEveryOrg() {
        // GIVEN eight orgs owing an email
        List<OrgId> orgs = java.util.stream.IntStream.range(0, 8).mapToObj(i -> Fixture.newOrg("many" + i)).toList();
        for (OrgId org : orgs) {
            f.purchase(org, 5, "owner@" + org.value() + ".test");
            f.takeBack(org, "4");
        }

        // WHEN SES is down: the run gives up after five failures in a row instead of waiting on each org
        CheckSummary down = f.checkWithSesDown().run();
        assertEquals(new CheckSummary(0, 0, LowCreditCheck.FAILURES_BEFORE_GIVING_UP, LowCreditCheck.FAILURES_BEFORE_GIVING_UP), down);

        // THEN the next run emails all eight, each once
        assertEquals(new CheckSummary(0, 8, 0, 8), f.check().run());
        for (OrgId org : orgs) {
            assertEquals(1, f.ses.emailsTo("owner@" + org.value() + ".test").size());
            f.world.assertReconciles(org);
        }
    }

    @Test
    void theHtmlPartEscapesWhatComesFromData() {
        // GIVEN a billing page URL with a query string of two parameters
        OrgId org = Fixture.newOrg("esc");
        f.purchase(org, 5, "o'brien&co@esc.test");
        f.submit(org, 4);
        NotificationConfig ampersand = NotificationConfig.of(Fixture.FROM, "https://app.example.com/billing?org={orgId}&tab=<buy>",
                Fixture.LINKS);

        // WHEN the email goes out
        f.check(ampersand).run();

        // THEN the HTML holds the escaped URL and the text part the raw one
        SentEmail email = f.ses.emails().getFirst();
        assertTrue(email.html().contains("href=\"https://app.example.com/billing?org=" + org.value() + "&amp;tab=&lt;buy&gt;\""), email.html());
        assertFalse(email.html().contains("<buy>"));
        assertTrue(email.text().contains("&tab=<buy>"));
        assertEquals(List.of("o'brien&co@esc.test"), email.to());
        f.world.assertReconciles(org);
    }
}
