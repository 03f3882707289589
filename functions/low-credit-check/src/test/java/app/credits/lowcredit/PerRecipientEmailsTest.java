package app.credits.lowcredit;

import app.credits.ledger.OrgId;
import app.credits.testkit.ses.SesEmulator.SentEmail;
import app.credits.runtime.UnsubscribeTokens.Recipient;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Security finding 5, "recipients are unverified": every recipient gets an email of their own carrying their own
 * one-click unsubscribe (a link in the text and HTML parts, and RFC 2369 / RFC 8058 headers), sent through the
 * scheduled handler to the SES emulator.
 */
class PerRecipientEmailsTest {
    private final Fixture f = new Fixture();

    @Test
    void eachRecipientGetsTheirOwnEmailWithTheirOwnOneClickUnsubscribe() {
        // GIVEN an org whose admin named two recipients, and which falls below its threshold
        OrgId org = Fixture.newOrg("pair");
        f.purchase(org, 5, "buyer@pair.test");
        f.setRecipients(org, "ana@pair.test", "ben@pair.test");
        f.submit(org, 4);

        // WHEN the scheduled check runs
        assertEquals(new CheckSummary(0, 2, 0, 1), f.runTheScheduledHandler());

        // THEN two emails, one to each, each with a link that unsubscribes exactly its own recipient of this org
        List<SentEmail> emails = f.ses.emails();
        assertEquals(List.of(List.of("ana@pair.test"), List.of("ben@pair.test")), emails.stream().map(SentEmail::to).toList());
        String anasLink = null;
        for (SentEmail email : emails) {
            String to = email.to().getFirst();
            Map<String, String> headers = email.headers();
            String listUnsubscribe = headers.get("List-Unsubscribe");
            assertTrue(listUnsubscribe.startsWith("<" + Fixture.UNSUBSCRIBE_PAGE + "?token=") && listUnsubscribe.endsWith(">"),
                    listUnsubscribe);
            String link = listUnsubscribe.substring(1, listUnsubscribe.length() - 1);
            assertEquals("List-Unsubscribe=One-Click", headers.get("List-Unsubscribe-Post"));
            assertEquals(2, headers.size(), headers.toString());
            String token = URI.create(link).getRawQuery().substring("token=".length());
            assertEquals(Optional.of(new Recipient(org, to)), Fixture.TOKENS.verify(token));
            assertTrue(email.text().endsWith("Stop these emails to " + to + ": " + link + "\n"), email.text());
            assertTrue(email.html().contains("Stop these emails to " + to + ": <a href=\"" + link + "\">Unsubscribe</a>"),
                    email.html());
            if (to.startsWith("ana")) {
                anasLink = link;
            } else {
                assertNotEquals(anasLink, link, "each recipient has a link of their own");
            }
        }
        // AND the buyer, replaced by the admin's choice, got nothing
        assertEquals(List.of(), f.ses.emailsTo("buyer@pair.test"));
        f.world.assertReconciles(org);
    }
}
