package app.credits.ledger;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Recomputes every invariant of the ledger for an org from its items and reports each difference. */
final class Reconciler {
    private Reconciler() {
    }

    static Reconciliation check(LedgerStore.OrgItems items) {
        Account account = items.account();
        List<String> problems = new ArrayList<>();
        List<LogEntry> log = items.log().stream().sorted(Comparator.comparing(LogEntry::key)).toList();

        Credits running = Credits.ZERO;
        Credits used = Credits.ZERO;
        Credits lifetime = Credits.ZERO;
        Credits purchased = Credits.ZERO;
        boolean stripeTookBack = false;
        long expectedSeq = 1;
        for (LogEntry e : log) {
            if (e.seq() != expectedSeq++) {
                problems.add("log sequence has a gap or repeat at " + e.seq());
            }
            if (e.key().compareTo(account.lastEntryKey()) > 0) {
                problems.add("entry " + e.seq() + " lies after the account's last entry key");
            }
            running = running.plus(e.credits());
            if (!running.equals(e.balanceAfter())) {
                problems.add("entry " + e.seq() + " says balanceAfter " + e.balanceAfter() + " but the log sums to " + running);
            }
            if (e.credits().isNegative()) {
                used = used.plus(e.credits().negate());
            }
            if (e.type().countsTowardLifetimePurchased()) {
                lifetime = lifetime.plus(e.credits());
            }
            if (e.type() == EntryType.PURCHASE) {
                purchased = purchased.plus(e.credits());
            }
            stripeTookBack |= e.type().mayOverdraw();
        }
        expect(problems, "entryCount == log length", account.entryCount(), (long) log.size());
        expect(problems, "lastEntryKey == the newest entry's key", account.lastEntryKey(),
                log.isEmpty() ? EntryKey.NONE : log.getLast().key());
        expect(problems, "balance == sum of log credits", account.balance(), running);
        expect(problems, "creditsUsed == -sum of negative entries", account.used(), used);
        expect(problems, "lifetimeCreditsPurchased == purchases less Stripe take-backs", account.lifetimePurchased(), lifetime);

        Credits reserved = Credits.ZERO;
        int pending = 0;
        for (Invite invite : items.invites()) {
            if (invite.isPending()) {
                reserved = reserved.plus(invite.reserved());
                pending++;
            }
        }
        expect(problems, "creditsReserved == sum of pending reservations", account.reserved(), reserved);
        expect(problems, "invitesPending", (long) account.invitesPending(), (long) pending);
        if (account.creditsLeft().isNegative() && !stripeTookBack) {
            problems.add("creditsLeft is " + account.creditsLeft() + " though no refund or dispute took credits back");
        }

        expect(problems, "usage by day: purchased", sum(items.days(), true), purchased);
        expect(problems, "usage by day: used", sum(items.days(), false), used);
        expect(problems, "usage by month: purchased", sum(items.months(), true), purchased);
        expect(problems, "usage by month: used", sum(items.months(), false), used);

        Map<String, Integer> submissionEntries = new HashMap<>();
        log.stream().filter(e -> e.type() == EntryType.SUBMISSION)
                .forEach(e -> submissionEntries.merge(e.reference(), 1, Integer::sum));
        submissionEntries.forEach((id, count) -> {
            if (count != 1) {
                problems.add("submission " + id + " was charged " + count + " times");
            }
        });
        long submissionRecords = items.records().stream()
                .filter(r -> r instanceof IdempotencyRecord.SubmissionCharged).count();
        expect(problems, "one idempotency record per charged submission", (long) submissionEntries.size(),
                submissionRecords);
        for (Invite invite : items.invites()) {
            if (invite.status() == InviteStatus.COMPLETED
                    && !invite.submissionId().map(submissionEntries::containsKey).orElse(false)) {
                problems.add("invite " + invite.inviteId() + " is completed without a charged submission");
            }
        }

        Map<String, Integer> purchaseEntries = new HashMap<>();
        log.stream().filter(e -> e.type() == EntryType.PURCHASE)
                .forEach(e -> purchaseEntries.merge(e.reference(), 1, Integer::sum));
        Credits refundedByPurchases = Credits.ZERO;
        Credits heldByDisputes = Credits.ZERO;
        for (Purchase p : items.purchases()) {
            if (purchaseEntries.getOrDefault(p.checkoutSessionId(), 0) != 1) {
                problems.add("purchase " + p.checkoutSessionId() + " credited " + purchaseEntries.getOrDefault(p.checkoutSessionId(), 0) + " times");
            }
            if (p.creditsRefunded().isNegative() || p.creditsHeldByDispute().isNegative()
                    || p.creditsBought().isLessThan(p.creditsRefunded().plus(p.creditsHeldByDispute()))) {
                problems.add("purchase " + p.checkoutSessionId() + " has " + p.creditsRefunded() + " refunded and "
                        + p.creditsHeldByDispute() + " held by a dispute of " + p.credits() + " bought");
            }
            refundedByPurchases = refundedByPurchases.plus(p.creditsRefunded());
            heldByDisputes = heldByDisputes.plus(p.creditsHeldByDispute());
        }
        expect(problems, "purchase entries == purchases", (long) purchaseEntries.size(), (long) items.purchases().size());
        // A refund during an open dispute is paid from the dispute's hold, so only the sum is invariant.
        expect(problems, "refund and dispute entries == credits refunded plus held by disputes",
                sumOf(log, EntryType.REFUND).plus(sumOf(log, EntryType.DISPUTE)).plus(sumOf(log, EntryType.DISPUTE_REVERSAL))
                        .negate(),
                refundedByPurchases.plus(heldByDisputes));
        checkAutoTopUp(items, problems);
        return new Reconciliation(account.org(), problems);
    }

    /**
     * Auto top-up: at most one attempt in flight, and it is the one the state names; each succeeded attempt is
     * one purchase of its credits, keyed by its PaymentIntent; the month's count is the attempts of that month in
     * flight or succeeded (so the monthly limit held if it holds here); an owed email names a failed attempt.
     */
    private static void checkAutoTopUp(LedgerStore.OrgItems items, List<String> problems) {
        AutoTopUp state = items.autoTopUp();
        List<TopUpAttempt> pending = items.attempts().stream().filter(TopUpAttempt::isPending).toList();
        if (pending.size() > 1) {
            problems.add(pending.size() + " automatic purchases in flight at once");
        }
        expect(problems, "the attempt in flight is the one the auto top-up state names",
                pending.stream().map(TopUpAttempt::id).findFirst(), state.pendingAttempt());
        Map<String, Purchase> purchasesById = new HashMap<>();
        items.purchases().forEach(p -> purchasesById.put(p.checkoutSessionId(), p));
        for (TopUpAttempt attempt : items.attempts()) {
            if (!attempt.amount().equals(attempt.unitPrice().times(attempt.credits()))) {
                problems.add("attempt " + attempt.id() + " charges " + attempt.amount() + ", not its credits at its unit price");
            }
            if (attempt.status() == TopUpStatus.SUCCEEDED) {
                Purchase purchase = attempt.paymentIntentId().map(purchasesById::get).orElse(null);
                if (purchase == null || purchase.credits() != attempt.credits()) {
                    problems.add("succeeded attempt " + attempt.id() + " has no purchase of its " + attempt.credits() + " credits");
                }
            }
        }
        state.countedMonth().ifPresent(month -> expect(problems, "automatic purchases counted in " + month,
                (long) state.countThatMonth(), items.attempts().stream()
                        .filter(a -> AutoTopUp.monthOf(a.createdAt()).equals(month))
                        .filter(a -> a.isPending() || a.status() == TopUpStatus.SUCCEEDED).count()));
        state.noticeOwed().ifPresent(id -> {
            boolean failed = items.attempts().stream().anyMatch(a -> a.id().equals(id)
                    && (a.status() == TopUpStatus.FAILED || a.status() == TopUpStatus.REQUIRES_ACTION));
            if (!failed) {
                problems.add("an email is owed for " + id + ", which did not fail");
            }
        });
    }

    private static Credits sumOf(List<LogEntry> log, EntryType type) {
        return log.stream().filter(e -> e.type() == type).map(LogEntry::credits).reduce(Credits.ZERO, Credits::plus);
    }

    private static Credits sum(List<UsagePeriod> periods, boolean purchased) {
        return periods.stream().map(p -> purchased ? p.purchased() : p.used()).reduce(Credits.ZERO, Credits::plus);
    }

    private static void expect(List<String> problems, String what, Object actual, Object expected) {
        if (!actual.equals(expected)) {
            problems.add(what + ": stored " + actual + ", recomputed " + expected);
        }
    }
}
