package app.credits.ledger;

import app.credits.ledger.IdempotencyRecord.AdjustmentRequest;
import app.credits.ledger.LedgerStore.Reads;
import app.credits.ledger.LedgerStore.Snapshot;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A staff correction ({@code ADJUSTMENT}, either sign) or promotional credits ({@code BONUS}, positive). */
public record AdjustCredits(OrgId org, String idempotencyKey, EntryType kind, Credits credits, String reason) {

    public AdjustCredits {
        Ids.require("Idempotency-Key", idempotencyKey);
        if (kind != EntryType.ADJUSTMENT && kind != EntryType.BONUS) {
            throw new InvalidInput("kind must be \"adjustment\" or \"bonus\"");
        }
        if (credits.isZero()) {
            throw new InvalidInput("credits must not be zero");
        }
        if (kind == EntryType.BONUS && credits.isNegative()) {
            throw new InvalidInput("bonus credits must be positive");
        }
        if (reason == null || reason.isBlank() || reason.length() > 500) {
            throw new InvalidInput("reason must be 1-500 characters");
        }
    }

    public Reads reads() {
        return Reads.accountOnly().record(IdempotencyRecord.adjustmentKey(idempotencyKey));
    }

    AdjustmentRequest request() {
        return new AdjustmentRequest(kind, credits, reason);
    }

    public Decision<AdjustmentOutcome> decide(Snapshot snap, Instant now) {
        if (snap.record().isPresent()) {
            return Decision.answer(replay(snap.record().get()));
        }
        Account account = snap.account();
        Optional<Credits> mustCover = credits.isNegative() ? Optional.of(credits.negate()) : Optional.empty();
        if (mustCover.isPresent() && !account.covers(mustCover.get())) {
            return Decision.answer(new AdjustmentOutcome.InsufficientCredits(account.creditsLeft(), credits));
        }
        Account after = account.move(kind, credits, now);
        NewEntry entry = new NewEntry(after.lastEntryKey(), kind, credits, reason, idempotencyKey);
        var adjusted = new AdjustmentOutcome.Adjusted(idempotencyKey, credits, after.balance(), after.creditsLeft());
        Changes changes = Changes.toAccount(AccountChange.of(account, after, mustCover))
                .appending(List.of(entry))
                .recording(new IdempotencyRecord.Adjusted(idempotencyKey, request(), adjusted, now));
        return new Decision.Write<>(changes, adjusted, this::replay);
    }

    AdjustmentOutcome replay(IdempotencyRecord record) {
        if (!(record instanceof IdempotencyRecord.Adjusted original)) {
            throw new IllegalStateException("record " + record.key() + " is not an adjustment's");
        }
        return original.request().differingField(request())
                .<AdjustmentOutcome>map(field -> new AdjustmentOutcome.IdempotencyConflict(idempotencyKey, field))
                .orElseGet(() -> new AdjustmentOutcome.AlreadyAdjusted(original.result()));
    }
}
