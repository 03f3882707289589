package app.credits.ledger;

import app.credits.ledger.IdempotencyRecord.AdjustmentRequest;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static app.credits.ledger.Worlds.NOW;
import static app.credits.ledger.Worlds.ORG;
import static app.credits.ledger.Worlds.answered;
import static app.credits.ledger.Worlds.holding;
import static app.credits.ledger.Worlds.snapshot;
import static app.credits.ledger.Worlds.written;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Staff adjustments and bonuses, decided from what was read. */
class AdjustmentRulesTest {

    @Test
    void aBonusAddsCreditsThatDoNotCountAsPurchased() {
        var bonus = new AdjustCredits(ORG, "key_1", EntryType.BONUS, Credits.whole(600_000), "launch promo");
        var write = written(bonus.decide(snapshot(holding("600000")), NOW));
        var adjusted = assertInstanceOf(AdjustmentOutcome.Adjusted.class, write.whenCommitted());
        assertEquals(Credits.whole(1_200_000), adjusted.balance());
        assertEquals(Credits.ZERO, write.changes().account().orElseThrow().lifetimePurchasedDelta());
    }

    @Test
    void aNegativeAdjustmentNeedsCreditsLeftToCoverIt() {
        var take = new AdjustCredits(ORG, "key_2", EntryType.ADJUSTMENT, Credits.parse("-2.5"), "correction");
        assertInstanceOf(AdjustmentOutcome.InsufficientCredits.class, answered(take.decide(snapshot(holding("2")), NOW)));
        var write = written(take.decide(snapshot(holding("10")), NOW));
        assertEquals(Optional.of(Credits.parse("5.5")), write.changes().account().orElseThrow().premise().from());
    }

    @Test
    void aRepeatAnswersTheOriginalEvenAboveTheCallerBound() {
        var original = new AdjustmentOutcome.Adjusted("key_3", Credits.whole(600_000), Credits.whole(1_000_000_000),
                Credits.whole(1_000_000_000));
        var record = new IdempotencyRecord.Adjusted("key_3",
                new AdjustmentRequest(EntryType.BONUS, Credits.whole(600_000), "promo"), original, NOW);
        var again = new AdjustCredits(ORG, "key_3", EntryType.BONUS, Credits.whole(600_000), "promo");
        assertEquals(original, assertInstanceOf(AdjustmentOutcome.AlreadyAdjusted.class,
                answered(again.decide(Worlds.withRecord(holding("1"), record), NOW))).original());
        var otherAmount = new AdjustCredits(ORG, "key_3", EntryType.BONUS, Credits.whole(5), "promo");
        assertEquals("credits", assertInstanceOf(AdjustmentOutcome.IdempotencyConflict.class,
                answered(otherAmount.decide(Worlds.withRecord(holding("1"), record), NOW))).field());
        var otherReason = new AdjustCredits(ORG, "key_3", EntryType.BONUS, Credits.whole(600_000), "other");
        assertEquals("reason", assertInstanceOf(AdjustmentOutcome.IdempotencyConflict.class,
                answered(otherReason.decide(Worlds.withRecord(holding("1"), record), NOW))).field());
    }

    @Test
    void badAdjustmentsAreRefusedBeforeAnythingIsRead() {
        assertThrows(InvalidInput.class, () -> new AdjustCredits(ORG, "k", EntryType.BONUS, Credits.whole(-1), "x"));
        assertThrows(InvalidInput.class, () -> new AdjustCredits(ORG, "k", EntryType.ADJUSTMENT, Credits.ZERO, "x"));
        assertThrows(InvalidInput.class, () -> new AdjustCredits(ORG, "k", EntryType.PURCHASE, Credits.ONE, "x"));
        assertThrows(InvalidInput.class, () -> new AdjustCredits(ORG, "k", EntryType.BONUS, Credits.ONE, " "));
    }
}
