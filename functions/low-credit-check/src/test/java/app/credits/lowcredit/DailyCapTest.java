package app.credits.lowcredit;

import app.credits.ledger.Account;
import app.credits.ledger.AlertLevel;
import app.credits.ledger.Credits;
import app.credits.ledger.InviteOutcome;
import app.credits.ledger.OrgId;
import app.credits.ledger.Settings;
import app.credits.testkit.ses.SesEmulator.SentEmail;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Security finding 5, "alerts as often as one likes": settings changes never re-arm the current crossing, and an
 * org gets at most three low-credit emails a UTC day whatever happens. Through the scheduled handler, the SES
 * emulator and a clock the ledger and the check share.
 */
class DailyCapTest {
    private final Fixture f = new Fixture();

    @Test
    void togglingTheThresholdBetweenRunsSendsNothingMoreForTheCurrentCrossing() {
        // GIVEN acme at 2 credits left under the default threshold of 3, emailed once for that crossing
        OrgId acme = Fixture.newOrg("toggle");
        f.purchase(acme, 5, "ana@toggle.test");
        f.submit(acme, 3);
        assertEquals(new CheckSummary(0, 1, 0, 1), f.runTheScheduledHandler());

        // WHEN an admin keeps changing the settings, the check running after each change (the reported attack)
        List<Settings> changes = List.of(
                settings(true, "1"), settings(true, "3"), settings(true, "10"), settings(true, "0"), settings(true, "3"),
                settings(false, "3"), settings(true, "3"), settings(true, "5", "ana@toggle.test", "ops@toggle.test"),
                settings(true, "2"), settings(true, "3"));
        List<CheckSummary> runs = new ArrayList<>();
        for (Settings change : changes) {
            f.ledger.updateSettings(acme, change);
            f.clock.advance(Duration.ofMinutes(15));
            runs.add(f.runTheScheduledHandler());
        }

        // THEN nothing more is sent for this crossing (before the fix each raise of the threshold sent one more)
        assertEquals(List.of(0), runs.stream().map(CheckSummary::emailsSent).distinct().toList(), runs.toString());
        assertEquals(1, f.ses.emails().size());
        assertEquals(AlertLevel.LOW, f.ledger.account(acme).alertNotified());
        assertFalse(f.owed(acme));

        // AND credits rising to the threshold and falling again are a new crossing: a new email
        f.bonus(acme, "3");
        f.submit(acme, 3);
        assertEquals(new CheckSummary(0, 1, 0, 1), f.runTheScheduledHandler());
        assertEquals(2, f.ses.emailsTo("ana@toggle.test").size());
        f.world.assertReconciles(acme);
    }

    @Test
    void aFourthCrossingInOneDayWaitsForTheNextUtcDayAndThenGoesOut() {
        // GIVEN an org at exactly its threshold: 3 credits left, nothing owed
        OrgId org = Fixture.newOrg("cap");
        f.purchase(org, 3, "owner@cap.test");
        f.clock.set(Instant.parse("2026-11-23T20:00:00Z"));

        // WHEN an admin makes it cross four times (an invite reserves a credit, a revoke gives it back: both are
        // admin rights), the check running after each step
        List<CheckSummary> crossings = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            reserve(org, "inv-" + i);
            crossings.add(f.runTheScheduledHandler());
            f.ledger.revokeInvite(org, "inv-" + i);
            f.runTheScheduledHandler();
        }

        // THEN three emails that day; the fourth crossing is held by the cap and the org stays owed
        assertEquals(List.of(new CheckSummary(0, 1, 0, 1), new CheckSummary(0, 1, 0, 1), new CheckSummary(0, 1, 0, 1),
                new CheckSummary(0, 0, 0, 1, 1)), crossings);
        assertEquals(3, f.ses.emailsTo("owner@cap.test").size());
        assertTrue(f.logLines.stream().anyMatch(l -> l.contains("daily cap reached") && l.contains(org.value())));

        // AND the credits stay low: it is still owed at the end of the day, and runs keep holding it
        reserve(org, "inv-5");
        f.clock.set(Instant.parse("2026-11-23T23:59:59Z"));
        assertEquals(new CheckSummary(0, 0, 0, 1, 1), f.runTheScheduledHandler());
        assertTrue(f.owed(org));

        // AND the first run of the next UTC day sends it, once
        f.clock.set(Instant.parse("2026-11-24T00:00:01Z"));
        assertEquals(new CheckSummary(0, 1, 0, 1), f.runTheScheduledHandler());
        assertEquals(new CheckSummary(0, 0, 0, 0), f.runTheScheduledHandler());
        assertEquals(4, f.ses.emailsTo("owner@cap.test").size());
        assertEquals(1, f.ledger.account(org).terms().alertsThatDay());
        f.world.assertReconciles(org);
    }

    @Test
    void anOrgHeldByTheCapDoesNotTakeAnotherOrgsPlaceInTheRun() {
        // GIVEN two orgs at the cap, still owing, sorted before one that owes its first email, and a run limited
        // to emailing one org
        List<OrgId> capped = List.of(OrgId.of("a-capped-1"), OrgId.of("a-capped-2"));
        for (OrgId org : capped) {
            f.purchase(org, 3, "owner@" + org.value() + ".test");
            for (int i = 1; i <= 3; i++) {
                reserve(org, "inv-" + i);
                f.runTheScheduledHandler();
                f.ledger.revokeInvite(org, "inv-" + i);
            }
            reserve(org, "inv-4");
        }
        OrgId owing = OrgId.of("z-owing");
        f.purchase(owing, 5, "owner@z-owing.test");
        f.submit(owing, 4);

        // WHEN the run looks at all three
        CheckSummary summary = f.runTheScheduledHandler(f.config.withLimits(500, 1));

        // THEN the capped orgs cost a read each and the owing one is emailed
        assertEquals(new CheckSummary(0, 1, 0, 3, 2), summary);
        assertEquals(1, f.ses.emailsTo("owner@z-owing.test").size());
        for (OrgId org : capped) {
            assertTrue(f.owed(org));
            f.world.assertReconciles(org);
        }
        f.world.assertReconciles(owing);
    }

    /**
     * Whatever an admin, staff, Stripe and members do between runs (settings, recipients, invites, purchases,
     * bonuses, corrections, submissions), no recipient gets a fourth low-credit email in a UTC day and no org is
     * emailed by more than three runs a day. Three seeds of 80 steps (a run after each, about a day and a day
     * boundary each); the cap must actually have held emails back, or the scenario proves nothing.
     */
    @Test
    void noSequenceOfSettingsChangesAndCreditMovementsYieldsAFourthEmailInADay() {
        int heldBack = 0;
        int maxRunsEmailingInADay = 0;
        for (long seed = 1; seed <= 3; seed++) {
            Random random = new Random(seed);
            OrgId org = Fixture.newOrg("chaos" + seed);
            List<String> pool = List.of("ana@chaos.test", "ben@chaos.test", "cy@chaos.test");
            f.clock.set(Instant.parse("2026-11-23T00:05:00Z"));
            f.purchase(org, 6, "buyer@chaos.test");
            List<String> pendingInvites = new ArrayList<>();
            Map<LocalDate, Integer> runsEmailing = new TreeMap<>();
            Map<String, Integer> emailsPerRecipientAndDay = new HashMap<>();
            int invites = 0;
            int seen = 0;
            for (int step = 0; step < 80; step++) {
                Account now = f.ledger.account(org);
                switch (random.nextInt(9)) {
                    case 0 -> f.ledger.updateSettings(org, settings(random.nextInt(6) > 0, Integer.toString(random.nextInt(9))));
                    case 1 -> f.ledger.updateSettings(org, current -> new Settings(current.lowCreditEmails(),
                            current.lowCreditThreshold(), pool.subList(0, random.nextInt(pool.size() + 1))));
                    case 2, 3 -> {
                        if (now.covers(Credits.ONE)) {
                            String id = "inv-" + ++invites;
                            reserve(org, id);
                            pendingInvites.add(id);
                        }
                    }
                    case 4 -> {
                        if (!pendingInvites.isEmpty()) {
                            f.ledger.revokeInvite(org, pendingInvites.remove(random.nextInt(pendingInvites.size())));
                        }
                    }
                    case 5 -> f.bonus(org, Integer.toString(1 + random.nextInt(4)));
                    case 6 -> {
                        if (now.covers(Credits.ONE)) {
                            f.submit(org, 1);
                        }
                    }
                    case 7 -> {
                        if (now.covers(Credits.whole(2))) {
                            f.takeBack(org, "2");
                        }
                    }
                    default -> f.purchase(org, 1 + random.nextInt(3), "buyer@chaos.test");
                }
                f.clock.advance(Duration.ofMinutes(5 + random.nextInt(30)));
                LocalDate day = LocalDate.ofInstant(f.clock.instant(), ZoneOffset.UTC);
                CheckSummary run = f.runTheScheduledHandler();
                heldBack += run.orgsAtDailyCap();
                if (run.emailsSent() > 0) {
                    runsEmailing.merge(day, 1, Integer::sum);
                    List<SentEmail> sent = f.ses.emails();
                    assertEquals(seen + run.emailsSent(), sent.size(), run.toString());
                    for (SentEmail email : sent.subList(seen, sent.size())) {
                        emailsPerRecipientAndDay.merge(email.to().getFirst() + " " + day, 1, Integer::sum);
                    }
                    seen = sent.size();
                }
            }
            assertEquals(seen, f.ses.emails().size(), "every email sent was counted by a run");
            long s = seed;
            runsEmailing.forEach((day, runs) -> assertTrue(runs <= Account.MAX_ALERTS_PER_DAY,
                    "seed " + s + ", " + day + ": " + runs + " runs emailed the org"));
            emailsPerRecipientAndDay.forEach((who, count) -> assertTrue(count <= Account.MAX_ALERTS_PER_DAY,
                    "seed " + s + ": " + who + " got " + count + " emails"));
            maxRunsEmailingInADay = Math.max(maxRunsEmailingInADay,
                    runsEmailing.values().stream().max(Integer::compare).orElse(0));
            f.world.assertReconciles(org);
            f.ses.clear();
        }
        assertEquals(Account.MAX_ALERTS_PER_DAY, maxRunsEmailingInADay, "the scenarios reach the cap");
        assertTrue(heldBack > 0, "the cap held emails back at least once");
    }

    private void reserve(OrgId org, String inviteId) {
        InviteOutcome outcome = f.ledger.reserveInvite(org, inviteId, "guest@example.test", Optional.empty());
        assertTrue(outcome instanceof InviteOutcome.Reserved, outcome.toString());
    }

    private static Settings settings(boolean on, String threshold, String... recipients) {
        return new Settings(on, Credits.parse(threshold), List.of(recipients));
    }
}
