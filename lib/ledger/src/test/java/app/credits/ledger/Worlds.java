package app.credits.ledger;

import app.credits.ledger.LedgerStore.Snapshot;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Builds the accounts and snapshots the pure rule tests decide on: no storage, no clock. */
final class Worlds {
    static final Instant NOW = Instant.parse("2026-11-26T10:00:00.123456Z");
    static final OrgId ORG = OrgId.of("org_rules");

    private Worlds() {
    }

    /** An org that was given {@code credits} (a stored account, buyer emails for the low-credit email). */
    static Account holding(String credits) {
        Account given = Account.open(ORG).withBuyerEmail("buyer@example.com")
                .move(EntryType.BONUS, Credits.parse(credits), NOW.minusSeconds(60));
        return given.atTermsVersion(1);
    }

    static Account holdingLite(String credits) {
        return holding(credits).withPlan(new Plan(CreditPackage.LITE, Optional.empty()));
    }

    static Snapshot snapshot(Account account) {
        return Snapshot.of(account);
    }

    static Snapshot withRecord(Account account, IdempotencyRecord record) {
        return new Snapshot(account, Optional.of(record), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    static Snapshot withInvite(Account account, Invite invite) {
        return new Snapshot(account, Optional.empty(), Optional.of(invite), Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    static Invite pendingInvite(String id, String email, Optional<Instant> expiresAt) {
        return new Invite(ORG, id, email, InviteStatus.PENDING, Credits.ONE, NOW.minusSeconds(30), expiresAt,
                Optional.empty(), Optional.empty(), Credits.ZERO, 1);
    }

    /** The write a decision made, or a failure naming the answer it gave instead. */
    static <T> Decision.Write<T> written(Decision<T> decision) {
        if (decision instanceof Decision.Write<T> write) {
            return write;
        }
        throw new AssertionError("expected a write, got the answer " + ((Decision.Answer<T>) decision).outcome());
    }

    static <T> T answered(Decision<T> decision) {
        if (decision instanceof Decision.Answer<T>(T outcome)) {
            return outcome;
        }
        throw new AssertionError("expected an answer, got a write of " + ((Decision.Write<T>) decision).changes());
    }

    static List<String> references(Changes changes) {
        return changes.entries().stream().map(NewEntry::reference).toList();
    }
}
