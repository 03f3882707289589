package app.credits.ledger;

import java.util.List;
import java.util.Optional;

/**
 * What one decision writes, all in one transaction, each part named and conditioned on what the decision relied
 * on: the account (see {@link AccountChange}), the entries it appends to the log (keys above the account's last),
 * a new idempotency record (the id must be unused), and invites, purchases and payment facts at the versions
 * read. Usage counters follow from the entries.
 */
public record Changes(
        Optional<AccountChange> account,
        List<NewEntry> entries,
        Optional<IdempotencyRecord> record,
        Optional<VersionedWrite<Invite>> invite,
        Optional<VersionedWrite<Purchase>> purchase,
        Optional<VersionedWrite<PaymentFacts>> payment) {

    public Changes {
        entries = List.copyOf(entries);
        if ((!entries.isEmpty() || record.isPresent()) && account.isEmpty()) {
            throw new IllegalArgumentException("entries and idempotency records come with the account they move");
        }
    }

    public static final Changes NONE = new Changes(Optional.empty(), List.of(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty());

    public static Changes toAccount(AccountChange account) {
        return NONE.changingAccount(account);
    }

    public Changes changingAccount(AccountChange change) {
        return new Changes(Optional.of(change), entries, record, invite, purchase, payment);
    }

    public Changes appending(List<NewEntry> newEntries) {
        return new Changes(account, newEntries, record, invite, purchase, payment);
    }

    public Changes recording(IdempotencyRecord newRecord) {
        return new Changes(account, entries, Optional.of(newRecord), invite, purchase, payment);
    }

    public Changes writingInvite(Invite next) {
        return new Changes(account, entries, record, Optional.of(new VersionedWrite<>(next)), purchase, payment);
    }

    public Changes writingPurchase(Purchase next) {
        return new Changes(account, entries, record, invite, Optional.of(new VersionedWrite<>(next)), payment);
    }

    public Changes writingPayment(PaymentFacts next) {
        return new Changes(account, entries, record, invite, purchase, Optional.of(new VersionedWrite<>(next)));
    }

    /** The org whose account moves, if one does (a payment's facts alone belong to none yet). */
    public Optional<OrgId> org() {
        return account.map(AccountChange::org);
    }
}
