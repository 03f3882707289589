package app.credits.ledger;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import static app.credits.ledger.Worlds.NOW;
import static app.credits.ledger.Worlds.ORG;
import static app.credits.ledger.Worlds.answered;
import static app.credits.ledger.Worlds.holding;
import static app.credits.ledger.Worlds.snapshot;
import static app.credits.ledger.Worlds.written;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Settings, plan and the low-credit email's state, decided from what was read. */
class TermsRulesTest {

    @Test
    void aSettingsChangeAdvancesTheTermsAndKeepsTheNumbers() {
        var change = new ChangeTerms(ORG, a -> a.withSettings(new Settings(false, Credits.whole(5), List.of("ops@example.com"))));
        AccountChange written = written(change.decide(snapshot(holding("10")), NOW)).changes().account().orElseThrow();
        assertTrue(written.termsChanged());
        assertEquals(2, written.newTermsVersion());
        assertEquals(1, written.expectedTermsVersion());
        assertEquals(Credits.ZERO, written.balanceDelta());
    }

    @Test
    void theSameSettingsAgainWriteNothing() {
        Account account = holding("10");
        var same = new ChangeTerms(ORG, a -> a.withSettings(a.settings()));
        assertEquals(account, answered(same.decide(snapshot(account), NOW)));
    }

    @Test
    void togglingTheThresholdNeverRearmsTheCurrentCrossing() {
        Account told = holding("2").notified(AlertLevel.LOW, NOW);
        Account lowered = told.withSettings(new Settings(true, Credits.whole(1), List.of()));
        Account raisedAgain = lowered.withSettings(new Settings(true, Credits.whole(3), List.of()));
        assertEquals(AlertLevel.LOW, raisedAgain.alertNotified());
        assertEquals(Optional.empty(), raisedAgain.alertOwed());
        // Credits rising to the threshold or above re-arm it.
        Account toppedUp = raisedAgain.move(EntryType.BONUS, Credits.whole(5), NOW);
        assertEquals(AlertLevel.NONE, toppedUp.alertNotified());
    }

    @Test
    void recordingAnEmailNeedsItStillOwedAndCountsItForTheDay() {
        Account low = holding("2");
        var record = new RecordLowCreditEmail(ORG, AlertLevel.LOW);
        Account after = written(record.decide(snapshot(low), NOW)).changes().account().orElseThrow().after();
        assertEquals(AlertLevel.LOW, after.alertNotified());
        assertEquals(1, after.terms().alertsThatDay());
        assertFalse(answered(record.decide(snapshot(holding("9")), NOW)), "credits rose: no longer owed");
        assertFalse(answered(new RecordLowCreditEmail(ORG, AlertLevel.ZERO).decide(snapshot(low), NOW)));
    }

    @Test
    void anOrgGetsAtMostThreeLowCreditEmailsADay() {
        LocalDate today = LocalDate.ofInstant(NOW, ZoneOffset.UTC);
        Account account = holding("2");
        for (int i = 0; i < 3; i++) {
            assertTrue(account.mayEmailOn(today));
            account = account.notified(AlertLevel.LOW, NOW).move(EntryType.BONUS, Credits.whole(5), NOW)
                    .move(EntryType.ADJUSTMENT, Credits.whole(-5), NOW);
        }
        assertFalse(account.mayEmailOn(today));
        assertTrue(account.mayEmailOn(today.plusDays(1)));
        assertTrue(account.notified(AlertLevel.LOW, NOW.plus(Duration.ofDays(1))).mayEmailOn(today.plusDays(1)));
    }

    @Test
    void anUnsubscribedRecipientIsLeftOutWhoeverSetTheRecipients() {
        Account account = holding("2").unsubscribed("buyer@example.com");
        assertEquals(List.of(), account.lowCreditRecipients());
        assertEquals(Optional.empty(), account.alertOwed(), "nobody left to tell");
        Account explicit = account.withSettings(new Settings(true, Credits.whole(3),
                List.of("buyer@example.com", "ops@example.com")));
        assertEquals(List.of("ops@example.com"), explicit.lowCreditRecipients());
    }
}
