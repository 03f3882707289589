package app.credits.ledger;

import java.util.List;
import java.util.Optional;

/**
 * What one decision writes, all in one transaction, each part named and conditioned on what the decision relied
 * on: the account (see {@link AccountChange}), the entries it appends to the log (keys above the account's last),
 * a new idempotency record (the id must be unused), invites, purchases and payment facts at the versions
 * read, and the org's auto top-up items ({@link TopUpWrites}). Usage counters follow from the entries, and a change
 * that crosses into a top-up arms the org's auto top-up (the store adds that write unless {@code topUp} writes the
 * state itself, which {@link #writingTopUp} then arms).
 */
public record Changes(
        Optional<AccountChange> account,
        List<NewEntry> entries,
        Optional<IdempotencyRecord> record,
        Optional<VersionedWrite<Invite>> invite,
        Optional<VersionedWrite<Purchase>> purchase,
        Optional<VersionedWrite<PaymentFacts>> payment,
        TopUpWrites topUp) {

    public Changes {
        entries = List.copyOf(entries);
        if ((!entries.isEmpty() || record.isPresent()) && account.isEmpty()) {
            throw new IllegalArgumentException("entries and idempotency records come with the account they move");
        }
        if (account.filter(AccountChange::crossesIntoTopUp).isPresent()
                && topUp.state().filter(w -> !w.next().armed()).isPresent()) {
            throw new IllegalArgumentException("a change that crosses into a top-up writes the auto top-up state armed");
        }
    }

    /**
     * The org's auto top-up items a change writes: its state at the version read, an attempt, and the claim that
     * a Stripe Customer belongs to this org (new: a Customer is never handed to a second org).
     */
    public record TopUpWrites(Optional<VersionedWrite<AutoTopUp>> state, Optional<VersionedWrite<TopUpAttempt>> attempt,
                              Optional<CustomerClaim> customer) {
        public static final TopUpWrites NONE = new TopUpWrites(Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** A Stripe Customer made for {@code org}. */
    public record CustomerClaim(String customerId, OrgId org) {
    }

    public static final Changes NONE = new Changes(Optional.empty(), List.of(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), TopUpWrites.NONE);

    public static Changes toAccount(AccountChange account) {
        return NONE.changingAccount(account);
    }

    public Changes changingAccount(AccountChange change) {
        return new Changes(Optional.of(change), entries, record, invite, purchase, payment, topUp);
    }

    public Changes appending(List<NewEntry> newEntries) {
        return new Changes(account, newEntries, record, invite, purchase, payment, topUp);
    }

    public Changes recording(IdempotencyRecord newRecord) {
        return new Changes(account, entries, Optional.of(newRecord), invite, purchase, payment, topUp);
    }

    public Changes writingInvite(Invite next) {
        return new Changes(account, entries, record, Optional.of(new VersionedWrite<>(next)), purchase, payment, topUp);
    }

    public Changes writingPurchase(Purchase next) {
        return new Changes(account, entries, record, invite, Optional.of(new VersionedWrite<>(next)), payment, topUp);
    }

    public Changes writingPayment(PaymentFacts next) {
        return new Changes(account, entries, record, invite, purchase, Optional.of(new VersionedWrite<>(next)), topUp);
    }

    /**
     * Writes the org's auto top-up state, armed if this change's account crosses into a top-up (so the account is
     * set first; the constructor refuses the other order).
     */
    public Changes writingTopUp(AutoTopUp next) {
        AutoTopUp written = account.filter(AccountChange::crossesIntoTopUp).isPresent() ? next.armedAtOnce() : next;
        return new Changes(account, entries, record, invite, purchase, payment, new TopUpWrites(
                Optional.of(new VersionedWrite<>(written)), topUp.attempt(), topUp.customer()));
    }

    public Changes writingAttempt(TopUpAttempt next) {
        return new Changes(account, entries, record, invite, purchase, payment, new TopUpWrites(
                topUp.state(), Optional.of(new VersionedWrite<>(next)), topUp.customer()));
    }

    /** {@code customerId} is {@code org}'s Stripe Customer, for good. */
    public Changes claimingCustomer(OrgId org, String customerId) {
        return new Changes(account, entries, record, invite, purchase, payment, new TopUpWrites(
                topUp.state(), topUp.attempt(), Optional.of(new CustomerClaim(customerId, org))));
    }

    /** The org whose account moves, if one does (a payment's facts alone belong to none yet). */
    public Optional<OrgId> org() {
        return account.map(AccountChange::org);
    }
}
