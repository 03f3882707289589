package app.credits.lowcredit;

import app.credits.http.HttpResponse;
import app.credits.http.testing.Events;
import app.credits.http.testing.TestTelemetry;
import app.credits.ledger.OrgId;
import app.credits.testkit.ses.SesEmulator.SentEmail;
import app.credits.unsubscribe.UnsubscribeFunction;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Security finding 5, end to end: the link an email carries, used through the unsubscribe route's handler, stops
 * that recipient at once; the next run of the scheduled handler does not email them.
 */
class UnsubscribeTest {
    private final Fixture f = new Fixture();
    private final UnsubscribeFunction unsubscribe = new UnsubscribeFunction(f.ledger, Fixture.TOKENS);

    UnsubscribeTest() {
        unsubscribe.telemetry(new TestTelemetry().telemetry());
    }

    @Test
    void theOneClickPostOfTheEmailsHeaderStopsThatRecipientFromTheNextRun() {
        // GIVEN ana and ben emailed about acme's crossing
        OrgId acme = owingWithRecipients("oneclick", "ana@oneclick.test", "ben@oneclick.test");
        assertEquals(new CheckSummary(0, 2, 0, 1), f.runTheScheduledHandler());

        // WHEN ana's mail provider POSTs the List-Unsubscribe URL of her email (RFC 8058 one-click)
        HttpResponse response = unsubscribe.handle(oneClick(listUnsubscribeOf("ana@oneclick.test")), null);
        assertEquals(200, response.statusCode(), response.body());

        // THEN the next crossing emails ben alone
        nextCrossing(acme);
        assertEquals(new CheckSummary(0, 1, 0, 1), f.runTheScheduledHandler());
        assertEquals(1, f.ses.emailsTo("ana@oneclick.test").size());
        assertEquals(2, f.ses.emailsTo("ben@oneclick.test").size());
        f.world.assertReconciles(acme);
    }

    @Test
    void anUnsubscribeBetweenTheCrossingAndTheRunIsHonouredByThatRun() {
        // GIVEN ana and ben emailed once; credits come back and drop again, so a new email is owed
        OrgId acme = owingWithRecipients("between", "ana@between.test", "ben@between.test");
        f.runTheScheduledHandler();
        nextCrossing(acme);
        assertTrue(f.owed(acme));

        // WHEN ben clicks his link in the old email before the check runs
        assertEquals(200, unsubscribe.handle(oneClick(listUnsubscribeOf("ben@between.test")), null).statusCode());

        // THEN that run emails ana only
        assertEquals(new CheckSummary(0, 1, 0, 1), f.runTheScheduledHandler());
        assertEquals(List.of(List.of("ana@between.test")),
                f.ses.emails().subList(2, 3).stream().map(SentEmail::to).toList());
        f.world.assertReconciles(acme);
    }

    @Test
    void followingTheLinkOnlyAsksSoAMailScannerUnsubscribesNobody() {
        // GIVEN ana emailed
        OrgId acme = owingWithRecipients("scanner", "ana@scanner.test");
        f.runTheScheduledHandler();

        // WHEN something GETs the link of her email (a scanner, a link preview, ana herself before she clicks)
        URI link = URI.create(listUnsubscribeOf("ana@scanner.test"));
        HttpResponse page = unsubscribe.handle(Events.http(UnsubscribeFunction.CONFIRM).noClaims()
                .query("token", token(link)).header("accept", "text/html").build(), null);

        // THEN it gets the confirmation page, and the next crossing still emails her
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<button type=\"submit\">Unsubscribe</button>"), page.body());
        nextCrossing(acme);
        assertEquals(new CheckSummary(0, 1, 0, 1), f.runTheScheduledHandler());
        assertEquals(2, f.ses.emailsTo("ana@scanner.test").size());
        f.world.assertReconciles(acme);
    }

    @Test
    void whenEveryRecipientHasUnsubscribedTheOrgOwesNothingAndLeavesTheIndex() {
        // GIVEN the org's only recipient emailed, then unsubscribed through the link
        OrgId acme = owingWithRecipients("everyone", "ana@everyone.test");
        f.runTheScheduledHandler();
        unsubscribe.handle(oneClick(listUnsubscribeOf("ana@everyone.test")), null);

        // WHEN credits cross again
        nextCrossing(acme);

        // THEN nobody is left to tell: nothing is owed, the run does not even read the org
        assertFalse(f.owed(acme));
        assertEquals(new CheckSummary(0, 0, 0, 0), f.runTheScheduledHandler());
        assertEquals(1, f.ses.emails().size());
        f.world.assertReconciles(acme);
    }

    // ------------------------------------------------------------------ the world

    /** An org whose admin named {@code recipients}, at 1 credit left under the threshold of 3. */
    private OrgId owingWithRecipients(String name, String... recipients) {
        OrgId org = Fixture.newOrg(name);
        f.purchase(org, 5, "buyer@" + name + ".test");
        f.setRecipients(org, recipients);
        f.submit(org, 4);
        return org;
    }

    /** Credits back above the threshold, then below it again: a new crossing owes a new email. */
    private void nextCrossing(OrgId org) {
        f.bonus(org, "4");
        f.submit(org, 4);
    }

    /** The URL of the {@code List-Unsubscribe} header of the latest email to {@code recipient}. */
    private String listUnsubscribeOf(String recipient) {
        SentEmail email = f.ses.emailsTo(recipient).getLast();
        String header = email.headers().get("List-Unsubscribe");
        return header.substring(1, header.length() - 1);
    }

    private static String token(URI link) {
        return link.getRawQuery().substring("token=".length());
    }

    /** What a mail provider sends to the {@code List-Unsubscribe} URL for RFC 8058's one-click. */
    private static byte[] oneClick(String link) {
        return Events.http(UnsubscribeFunction.UNSUBSCRIBE).noClaims().query("token", token(URI.create(link)))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(LowCreditEmail.ONE_CLICK).build();
    }
}
