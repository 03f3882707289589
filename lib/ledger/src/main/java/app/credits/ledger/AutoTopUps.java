package app.credits.ledger;

import app.credits.ledger.LedgerStore.TopUpReads;
import app.credits.ledger.LedgerStore.TopUpSnapshot;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The ledger's side of auto top-up (docs/api.md, {@code /auto-top-up}), through the same read-decide-commit loop as
 * every other operation: each operation is a record with a pure {@code decide}, committed in one transaction
 * conditioned on what it relied on. A lost race is read again (these operations are rare, so a fresh read is
 * simpler than refreshing their views). See docs/auto-top-up.md for the design.
 */
public final class AutoTopUps {
    private final Ledger ledger;
    private final LedgerStore store;
    private final Clock clock;

    AutoTopUps(Ledger ledger, LedgerStore store, Clock clock) {
        this.ledger = ledger;
        this.store = store;
        this.clock = clock;
    }

    // ---------------------------------------------------------------- the routes

    public AutoTopUpView view(OrgId org) {
        TopUpSnapshot read = store.readTopUp(org, TopUpReads.state());
        return AutoTopUpView.of(read.account(), read.state(), clock.instant());
    }

    public ConfigureAutoTopUp.Outcome configure(OrgId org, UnaryOperator<AutoTopUpSettings> change) {
        ConfigureAutoTopUp configure = new ConfigureAutoTopUp(org, change);
        return run("auto top-up settings of " + org, () -> store.readTopUp(org, TopUpReads.state()), configure::decide);
    }

    public TopUpAttemptPage attempts(OrgId org, int limit, Optional<String> cursor) {
        if (limit < 1 || limit > 100) {
            throw new InvalidInput("limit must be from 1 to 100");
        }
        return store.attempts(org, limit, cursor);
    }

    // ---------------------------------------------------------------- the scheduled pass

    /** Orgs due by now, soonest first; {@code after} continues a previous page. */
    public LedgerStore.DueTopUps due(int limit, Optional<String> after) {
        return store.topUpsDue(clock.instant(), limit, after);
    }

    /** The next thing the pass is to do for {@code org} (and the claim or lease that lets it, committed). */
    public TopUpStep next(OrgId org, Pricing pricing) {
        NextTopUpStep step = new NextTopUpStep(org, pricing);
        return run("auto top-up of " + org, () -> readWithAttempt(org, TopUpReads.state()), step::decide);
    }

    public RecordTopUpCharge.Recorded recordCharge(OrgId org, String attemptId, ChargeOutcome outcome) {
        RecordTopUpCharge record = new RecordTopUpCharge(org, attemptId, outcome);
        return run("charge of " + attemptId + " for " + org,
                () -> store.readTopUp(org, TopUpReads.state().attempt(Optional.of(attemptId))), record::decide);
    }

    /** False if that email is no longer owed (sent by another pass, or moot). */
    public boolean noticeSent(OrgId org, String attemptId) {
        RecordTopUpNotice record = new RecordTopUpNotice(org, attemptId);
        return run("notice of " + attemptId + " for " + org, () -> store.readTopUp(org, TopUpReads.state()), record::decide);
    }

    // ---------------------------------------------------------------- Stripe's side

    /** Credits a succeeded automatic purchase exactly once (the webhook's {@code payment_intent.succeeded}). */
    public PaymentOutcome credit(AutomaticPayment payment) {
        CreditTopUp credit = new CreditTopUp(payment);
        return run("automatic purchase " + payment.paymentIntentId() + " for " + payment.org(),
                () -> store.readTopUp(payment.org(), credit.reads()), credit::decide);
    }

    /** The org's Stripe Customer: {@code customerId} if the org had none, else the one it has. */
    public String recordCustomer(OrgId org, String customerId) {
        RecordCustomer record = new RecordCustomer(org, customerId);
        return run("customer of " + org, () -> store.readTopUp(org, TopUpReads.state().customer(customerId)),
                record::decide);
    }

    /** The org's Stripe Customer, if the checkout made one. */
    public Optional<String> customerOf(OrgId org) {
        return store.readTopUp(org, TopUpReads.state()).state().customerId();
    }

    /** A card attached to one of our orgs' Customers; empty if the Customer is not one our checkout made. */
    public Optional<SaveCard.Outcome> saveCard(String customerId, SavedCard card) {
        Optional<OrgId> org = store.customerOwner(customerId);
        if (org.isEmpty()) {
            return Optional.empty();
        }
        SaveCard save = new SaveCard(org.get(), customerId, card);
        return Optional.of(run("card of " + org.get(), () -> store.readTopUp(org.get(), TopUpReads.state()), save::decide));
    }

    // ---------------------------------------------------------------- plumbing

    /** The state, and the attempt it names (owed an email, or in flight) read with it in a second round trip. */
    private TopUpSnapshot readWithAttempt(OrgId org, TopUpReads reads) {
        TopUpSnapshot first = store.readTopUp(org, reads);
        Optional<String> attempt = first.state().noticeOwed().or(() -> first.state().pendingAttempt());
        return attempt.isEmpty() ? first : store.readTopUp(org, reads.attempt(attempt));
    }

    private <T> T run(String what, Supplier<TopUpSnapshot> read, BiFunction<TopUpSnapshot, Instant, Decision<T>> decide) {
        return ledger.run(what, read, (view, fresh) -> Optional.empty(), read, decide);
    }
}
