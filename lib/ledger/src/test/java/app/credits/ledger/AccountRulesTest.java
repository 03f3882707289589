package app.credits.ledger;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pure rules of an account, no storage involved. */
class AccountRulesTest {
    private static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");
    private final Account fresh = Account.open(OrgId.of("org_rules"));

    @Test
    void noEmailIsOwedWithoutRecipients() {
        assertEquals(AlertLevel.ZERO, fresh.alertCalledFor());
        assertEquals(Optional.empty(), fresh.alertOwed());
    }

    @Test
    void droppingBelowTheThresholdOwesOneEmailAndRisingRearmsIt() {
        Account bought = fresh.withBuyerEmail("buyer@example.com").move(EntryType.PURCHASE, Credits.whole(5), NOW);
        assertEquals(Optional.empty(), bought.alertOwed());

        Account low = bought.move(EntryType.SUBMISSION, Credits.whole(-3), NOW);
        assertEquals(Optional.of(AlertLevel.LOW), low.alertOwed());

        Account told = low.notified(AlertLevel.LOW, NOW);
        assertEquals(Optional.empty(), told.move(EntryType.SUBMISSION, Credits.parse("-0.5"), NOW).alertOwed());

        Account toppedUp = told.move(EntryType.PURCHASE, Credits.whole(10), NOW);
        assertEquals(AlertLevel.NONE, toppedUp.alertNotified());
        assertEquals(Optional.of(AlertLevel.LOW), toppedUp.move(EntryType.SUBMISSION, Credits.whole(-11), NOW).alertOwed());
    }

    @Test
    void reachingZeroOwesTheBlockedEmailEvenAfterTheLowOne() {
        Account low = fresh.withBuyerEmail("b@example.com").move(EntryType.PURCHASE, Credits.whole(2), NOW)
                .notified(AlertLevel.LOW, NOW);
        Account empty = low.move(EntryType.SUBMISSION, Credits.whole(-2), NOW);
        assertEquals(Optional.of(AlertLevel.ZERO), empty.alertOwed());
        assertTrue(empty.submissionsBlocked());
    }

    @Test
    void reservationsCountAgainstCreditsLeft() {
        Account a = fresh.move(EntryType.PURCHASE, Credits.whole(2), NOW).reserve(Credits.ONE);
        assertEquals(Credits.ONE, a.creditsLeft());
        assertEquals(1, a.invitesPending());
        assertEquals(Credits.whole(2), a.balance());
    }

    @Test
    void adminRecipientsReplaceTheBuyersOnes() {
        Account a = fresh.withBuyerEmail("buyer@example.com")
                .withSettings(new Settings(true, Credits.whole(3), List.of("ops@example.com")));
        assertEquals(List.of("ops@example.com"), a.lowCreditRecipients());
    }
}
