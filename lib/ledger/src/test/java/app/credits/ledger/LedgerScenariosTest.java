package app.credits.ledger;

import app.credits.ledger.testing.MutableClock;
import app.credits.ledger.testing.TestDynamo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every ledger operation, its replay and its conflict, against the DynamoDB emulator. */
class LedgerScenariosTest {
    private static final AtomicInteger ORGS = new AtomicInteger();

    private final MutableClock clock = MutableClock.at("2026-11-26T10:00:00Z");
    private final TestDynamo.World world = TestDynamo.world(clock);
    private final Ledger ledger = world.ledger();
    private final OrgId org = OrgId.of("org_" + ORGS.incrementAndGet());

    @AfterEach
    void booksBalance() {
        world.assertReconciles(org);
    }

    private PaymentOutcome buy(String session, long credits) {
        return ledger.creditPurchase(new CompletedCheckout(session, org, credits, Money.of(credits * 2900, "usd"),
                Optional.of("pi_" + session), Optional.of("buyer@" + org.value() + ".example.com")));
    }

    // ---------------------------------------------------------------- balance

    @Test
    void anOrgThatNeverMovedReadsAllZerosOnStandard() {
        Account account = ledger.account(org);
        assertEquals(Credits.ZERO, account.balance());
        assertEquals(Credits.ZERO, account.creditsLeft());
        assertEquals(0, account.invitesPending());
        assertEquals(CreditPackage.STANDARD, account.plan().creditPackage());
        assertTrue(account.submissionsBlocked());
    }

    // ---------------------------------------------------------------- purchases

    @Test
    void aPurchaseIsCreditedOnceHoweverOftenItArrives() {
        assertInstanceOf(PaymentOutcome.Applied.class, buy("cs_a", 10));
        assertInstanceOf(PaymentOutcome.AlreadyApplied.class, buy("cs_a", 10));
        assertInstanceOf(PaymentOutcome.AlreadyApplied.class, buy("cs_a", 10));
        Account account = ledger.account(org);
        assertEquals(Credits.whole(10), account.balance());
        assertEquals(Credits.whole(10), account.lifetimePurchased());
        assertEquals(List.of("buyer@" + org.value() + ".example.com"), account.buyerEmails());
    }

    @Test
    void theSameSessionWithOtherCreditsIsAConflictAndWritesNothing() {
        buy("cs_b", 10);
        assertInstanceOf(PaymentOutcome.Conflict.class, buy("cs_b", 11));
        assertEquals(Credits.whole(10), ledger.account(org).balance());
    }

    // ---------------------------------------------------------------- submissions

    @Test
    void aSubmissionChargesOneCreditAndAReplayAnswersTheOriginal() {
        buy("cs_c", 3);
        var charged = assertInstanceOf(SubmissionOutcome.Charged.class,
                ledger.chargeSubmission(org, "sub_1", "user_1", Optional.empty()));
        assertEquals(Credits.ONE, charged.creditsCharged());
        assertEquals(Credits.whole(2), charged.creditsLeft());
        assertFalse(charged.fromReservation());

        buy("cs_d", 5); // the balance moves on; the replay still answers what happened then
        var replay = assertInstanceOf(SubmissionOutcome.AlreadyCharged.class,
                ledger.chargeSubmission(org, "sub_1", "user_1", Optional.empty()));
        assertEquals(charged, replay.original());
        assertEquals(Credits.whole(7), ledger.account(org).balance());
    }

    @Test
    void theSameSubmissionIdForAnotherMemberIsAConflict() {
        buy("cs_e", 3);
        ledger.chargeSubmission(org, "sub_1", "user_1", Optional.empty());
        assertInstanceOf(SubmissionOutcome.IdempotencyConflict.class,
                ledger.chargeSubmission(org, "sub_1", "user_2", Optional.empty()));
        assertEquals(Credits.whole(2), ledger.account(org).balance());
    }

    @Test
    void aLiteSubmissionCostsAQuarterCredit() {
        buy("cs_f", 1);
        ledger.updatePlan(org, new Plan(CreditPackage.LITE, Optional.empty()));
        for (int i = 0; i < 4; i++) {
            assertInstanceOf(SubmissionOutcome.Charged.class,
                    ledger.chargeSubmission(org, "sub_" + i, "user_1", Optional.empty()));
        }
        assertEquals(Credits.ZERO, ledger.account(org).balance());
        assertEquals(Credits.ONE, ledger.account(org).used());
        assertInstanceOf(SubmissionOutcome.InsufficientCredits.class,
                ledger.chargeSubmission(org, "sub_5", "user_1", Optional.empty()));
    }

    @Test
    void insufficientCreditsWritesNothing() {
        var refused = assertInstanceOf(SubmissionOutcome.InsufficientCredits.class,
                ledger.chargeSubmission(org, "sub_x", "user_1", Optional.empty()));
        assertEquals(Credits.ZERO, refused.creditsLeft());
        LedgerStore.OrgItems items = world.store().everything(org);
        assertEquals(0, items.account().termsVersion());
        assertTrue(items.log().isEmpty());
        assertTrue(items.records().isEmpty());
        // The id was not used up: once credits arrive, the same submission goes through.
        buy("cs_g", 1);
        assertInstanceOf(SubmissionOutcome.Charged.class, ledger.chargeSubmission(org, "sub_x", "user_1", Optional.empty()));
    }

    // ---------------------------------------------------------------- invites

    @Test
    void anInviteReservesAndItsSubmissionConsumesTheReservation() {
        buy("cs_h", 2);
        var reserved = assertInstanceOf(InviteOutcome.Reserved.class,
                ledger.reserveInvite(org, "inv_1", "new@example.com", Optional.empty()));
        assertEquals(Credits.ONE, reserved.creditsLeft());
        assertEquals(Credits.ONE, ledger.account(org).reserved());

        var charged = assertInstanceOf(SubmissionOutcome.Charged.class,
                ledger.chargeSubmission(org, "sub_i", "user_new", Optional.of("inv_1")));
        assertTrue(charged.fromReservation());
        assertEquals(Credits.ONE, charged.creditsLeft());
        Account account = ledger.account(org);
        assertEquals(Credits.ZERO, account.reserved());
        assertEquals(0, account.invitesPending());
        assertEquals(Credits.ONE, account.balance());

        assertInstanceOf(SubmissionOutcome.InviteNotPending.class,
                ledger.chargeSubmission(org, "sub_j", "user_new", Optional.of("inv_1")));
        assertInstanceOf(ReleaseOutcome.InviteNotPending.class, ledger.revokeInvite(org, "inv_1"));
        assertInstanceOf(SubmissionOutcome.InviteNotFound.class,
                ledger.chargeSubmission(org, "sub_k", "user_new", Optional.of("inv_nope")));
    }

    @Test
    void anInviteIsIdempotentOnItsIdAndConflictsWithAnotherEmail() {
        buy("cs_i", 2);
        var first = ledger.reserveInvite(org, "inv_2", "a@example.com", Optional.empty());
        var again = assertInstanceOf(InviteOutcome.AlreadyReserved.class,
                ledger.reserveInvite(org, "inv_2", "a@example.com", Optional.empty()));
        assertEquals(((InviteOutcome.Reserved) first).creditsLeft(), again.original().creditsLeft());
        assertInstanceOf(InviteOutcome.IdempotencyConflict.class,
                ledger.reserveInvite(org, "inv_2", "b@example.com", Optional.empty()));
        assertEquals(Credits.ONE, ledger.account(org).reserved());
    }

    @Test
    void anInviteNeedsCreditsLeftToCoverIt() {
        buy("cs_j", 1);
        ledger.reserveInvite(org, "inv_3", "a@example.com", Optional.empty());
        assertInstanceOf(InviteOutcome.InsufficientCredits.class,
                ledger.reserveInvite(org, "inv_4", "b@example.com", Optional.empty()));
        assertInstanceOf(SubmissionOutcome.InsufficientCredits.class,
                ledger.chargeSubmission(org, "sub_l", "user_1", Optional.empty()));
    }

    @Test
    void revokingReleasesTheReservationOnce() {
        buy("cs_k", 1);
        ledger.reserveInvite(org, "inv_5", "a@example.com", Optional.empty());
        assertInstanceOf(ReleaseOutcome.Released.class, ledger.revokeInvite(org, "inv_5"));
        var twice = assertInstanceOf(ReleaseOutcome.AlreadyReleased.class, ledger.revokeInvite(org, "inv_5"));
        assertEquals(Credits.ONE, twice.creditsLeft());
        assertEquals(Credits.ZERO, ledger.account(org).reserved());
        assertInstanceOf(ReleaseOutcome.InviteNotFound.class, ledger.revokeInvite(org, "inv_none"));
        assertInstanceOf(SubmissionOutcome.InviteNotPending.class,
                ledger.chargeSubmission(org, "sub_m", "user_1", Optional.of("inv_5")));
    }

    @Test
    void invitesPastTheirExpiryAreReleasedOnceByTheScheduledCheck() {
        buy("cs_l", 3);
        Instant tomorrow = clock.instant().plus(Duration.ofDays(1));
        ledger.reserveInvite(org, "inv_6", "a@example.com", Optional.of(tomorrow));
        ledger.reserveInvite(org, "inv_7", "b@example.com", Optional.of(tomorrow.plus(Duration.ofDays(5))));
        assertTrue(ledger.expireDueInvites(100).isEmpty());

        clock.advance(Duration.ofDays(2));
        assertInstanceOf(SubmissionOutcome.InviteNotPending.class,
                ledger.chargeSubmission(org, "sub_n", "user_1", Optional.of("inv_6")));
        List<ReleaseOutcome> expired = ledger.expireDueInvites(100);
        assertEquals(1, expired.size());
        assertInstanceOf(ReleaseOutcome.Released.class, expired.getFirst());
        assertTrue(ledger.expireDueInvites(100).isEmpty());
        assertEquals(Credits.ONE, ledger.account(org).reserved());
        assertEquals(InviteStatus.EXPIRED, ledger.invites(org, Optional.of(InviteStatus.EXPIRED), 10, Optional.empty())
                .invites().getFirst().status());
    }

    @Test
    void theScheduledExpiryReachesEveryOrgsDueInvitesWhateverOthersHold() {
        // GIVEN another org with many invites expiring a year from now, and this org's few expiring in an hour
        OrgId hoarder = OrgId.of(org.value() + "_hoarder");
        ledger.adjust(hoarder, "seed", EntryType.BONUS, Credits.whole(150), "seed");
        for (int i = 0; i < 120; i++) {
            ledger.reserveInvite(hoarder, "far_" + i, "g@example.com", Optional.of(clock.instant().plus(Duration.ofDays(366))));
        }
        buy("cs_exp", 130);
        for (int i = 0; i < 125; i++) {
            ledger.reserveInvite(org, "soon_" + i, "g@example.com", Optional.of(clock.instant().plus(Duration.ofHours(1))));
        }

        // WHEN the check runs two hours later, 100 at a time
        clock.advance(Duration.ofHours(2));
        List<ReleaseOutcome> first = ledger.expireDueInvites(100);
        List<ReleaseOutcome> second = ledger.expireDueInvites(100);

        // THEN every due invite is released, exactly once, and no far one
        assertEquals(100, first.stream().filter(o -> o instanceof ReleaseOutcome.Released).count());
        assertEquals(25, second.stream().filter(o -> o instanceof ReleaseOutcome.Released).count());
        assertTrue(ledger.expireDueInvites(100).isEmpty());
        assertEquals(Credits.ZERO, ledger.account(org).reserved());
        assertEquals(120, ledger.account(hoarder).invitesPending());
        world.assertReconciles(hoarder);
    }

    @Test
    void invitesListByStatusWithACursor() {
        buy("cs_m", 10);
        for (int i = 0; i < 7; i++) {
            ledger.reserveInvite(org, "inv_l" + i, "p" + i + "@example.com", Optional.empty());
        }
        ledger.revokeInvite(org, "inv_l3");
        InvitePage first = ledger.invites(org, Optional.of(InviteStatus.PENDING), 4, Optional.empty());
        assertEquals(4, first.invites().size());
        InvitePage second = ledger.invites(org, Optional.of(InviteStatus.PENDING), 4, first.nextCursor());
        assertEquals(2, second.invites().size());
        assertTrue(second.nextCursor().isEmpty());
        assertEquals(1, ledger.invites(org, Optional.of(InviteStatus.REVOKED), 4, Optional.empty()).invites().size());
    }

    // ---------------------------------------------------------------- adjustments

    @Test
    void staffAdjustmentsAreIdempotentOnTheirKey() {
        var adjusted = assertInstanceOf(AdjustmentOutcome.Adjusted.class,
                ledger.adjust(org, "key-1", EntryType.ADJUSTMENT, Credits.parse("5.5"), "goodwill"));
        assertEquals(Credits.parse("5.5"), adjusted.balance());
        var replay = assertInstanceOf(AdjustmentOutcome.AlreadyAdjusted.class,
                ledger.adjust(org, "key-1", EntryType.ADJUSTMENT, Credits.parse("5.5"), "goodwill"));
        assertEquals(adjusted, replay.original());
        assertInstanceOf(AdjustmentOutcome.IdempotencyConflict.class,
                ledger.adjust(org, "key-1", EntryType.ADJUSTMENT, Credits.parse("6"), "goodwill"));
        assertEquals(Credits.parse("5.5"), ledger.account(org).balance());
    }

    @Test
    void aNegativeAdjustmentMayNotTakeCreditsLeftBelowZero() {
        ledger.adjust(org, "key-2", EntryType.ADJUSTMENT, Credits.whole(2), "setup");
        assertInstanceOf(AdjustmentOutcome.InsufficientCredits.class,
                ledger.adjust(org, "key-3", EntryType.ADJUSTMENT, Credits.parse("-2.5"), "oops"));
        assertInstanceOf(AdjustmentOutcome.Adjusted.class,
                ledger.adjust(org, "key-4", EntryType.ADJUSTMENT, Credits.parse("-2"), "correction"));
        assertEquals(Credits.ZERO, ledger.account(org).balance());
    }

    @Test
    void bonusCreditsArePositiveAndDoNotCountAsPurchased() {
        buy("cs_n", 5);
        ledger.adjust(org, "key-5", EntryType.BONUS, Credits.whole(3), "welcome");
        Account account = ledger.account(org);
        assertEquals(Credits.whole(8), account.balance());
        assertEquals(Credits.whole(5), account.lifetimePurchased());
        assertThrows(InvalidInput.class, () -> ledger.adjust(org, "key-6", EntryType.BONUS, Credits.whole(-1), "no"));
    }

    @Test
    void aCheckoutSessionIsCreditedToOneOrgOnly() {
        buy("cs_once", 10);
        OrgId other = OrgId.of(org.value() + "_other");
        var conflict = assertInstanceOf(PaymentOutcome.Conflict.class, ledger.creditPurchase(new CompletedCheckout(
                "cs_once", other, 10, Money.of(29_000, "usd"), Optional.of("pi_cs_once"), Optional.empty())));
        assertTrue(conflict.reason().contains("another org"));
        assertInstanceOf(PaymentOutcome.Conflict.class, ledger.creditPurchase(new CompletedCheckout(
                "cs_once", other, 10, Money.of(29_000, "usd"), Optional.empty(), Optional.empty())));
        assertEquals(Credits.ZERO, ledger.account(other).balance());
        // Refunds still find the org that was credited.
        ledger.recordRefund("pi_cs_once", "ch_once", 29_000);
        assertEquals(Credits.ZERO, ledger.account(org).balance());
        world.assertReconciles(other);
    }

    @Test
    void accountsOwingAnEmailArePagedInOrgOrder() {
        List<OrgId> low = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            OrgId o = OrgId.of(org.value() + "_page" + i);
            ledger.creditPurchase(new CompletedCheckout("cs_page" + i, o, 1, Money.of(2_900, "usd"),
                    Optional.of("pi_page" + i), Optional.of("p@example.com")));
            low.add(o);
        }
        List<Account> first = ledger.accountsOwingAlert(3);
        List<Account> second = ledger.accountsOwingAlert(3, Optional.of(first.getLast().org()));
        assertEquals(low, java.util.stream.Stream.concat(first.stream(), second.stream()).map(Account::org).toList());
        low.forEach(world::assertReconciles);
    }

    // ---------------------------------------------------------------- refunds and disputes

    @Test
    void aRefundInTwoPartsTakesBackProportionallyAndLeavesLifetimePurchases() {
        buy("cs_o", 10); // 29000 cents
        assertInstanceOf(PaymentOutcome.Applied.class, ledger.recordRefund("pi_cs_o", "ch_o", 8_700));
        assertInstanceOf(PaymentOutcome.AlreadyApplied.class, ledger.recordRefund("pi_cs_o", "ch_o", 8_700));
        assertEquals(Credits.whole(7), ledger.account(org).balance());
        ledger.recordRefund("pi_cs_o", "ch_o", 29_000);
        Account account = ledger.account(org);
        assertEquals(Credits.ZERO, account.balance());
        assertEquals(Credits.ZERO, account.lifetimePurchased());
    }

    @Test
    void aRefundMayPushCreditsLeftBelowZero() {
        buy("cs_p", 2);
        ledger.chargeSubmission(org, "sub_p", "user_1", Optional.empty());
        ledger.recordRefund("pi_cs_p", "ch_p", 5_800);
        assertEquals(Credits.whole(-1), ledger.account(org).creditsLeft());
    }

    @Test
    void aRefundBeforeItsPurchaseIsAppliedWhenThePurchaseArrives() {
        assertInstanceOf(PaymentOutcome.RecordedForLater.class, ledger.recordRefund("pi_cs_q", "ch_q", 2_900));
        assertEquals(Credits.ZERO, ledger.account(org).balance());
        var applied = assertInstanceOf(PaymentOutcome.Applied.class, buy("cs_q", 4));
        assertEquals(2, applied.entries().size());
        assertEquals(Credits.whole(3), ledger.account(org).balance());
        assertInstanceOf(PaymentOutcome.AlreadyApplied.class, ledger.recordRefund("pi_cs_q", "ch_q", 2_900));
        assertEquals(Credits.whole(3), ledger.account(org).balance());
    }

    @Test
    void aLostDisputeTakesThePurchaseBackAndAWonOneGivesItBack() {
        buy("cs_r", 5);
        ledger.recordDispute("pi_cs_r", "ch_r", "dp_r", DisputeState.OPEN);
        assertEquals(Credits.ZERO, ledger.account(org).balance());
        ledger.recordDispute("pi_cs_r", "ch_r", "dp_r", DisputeState.OPEN);
        assertEquals(Credits.ZERO, ledger.account(org).balance());
        ledger.recordDispute("pi_cs_r", "ch_r", "dp_r", DisputeState.WON);
        assertEquals(Credits.whole(5), ledger.account(org).balance());
        assertEquals(Credits.whole(5), ledger.account(org).lifetimePurchased());
    }

    @Test
    void aLostDisputeKeepsTheCreditsGone() {
        buy("cs_s", 5);
        ledger.recordDispute("pi_cs_s", "ch_s", "dp_s", DisputeState.OPEN);
        ledger.recordDispute("pi_cs_s", "ch_s", "dp_s", DisputeState.LOST);
        ledger.recordDispute("pi_cs_s", "ch_s", "dp_s", DisputeState.OPEN);
        assertEquals(Credits.ZERO, ledger.account(org).balance());
        assertEquals(Credits.ZERO, ledger.account(org).lifetimePurchased());
    }

    // ---------------------------------------------------------------- log and usage

    @Test
    void theLogReadsNewestFirstPageByPage() {
        buy("cs_t", 10);
        for (int i = 0; i < 6; i++) {
            ledger.chargeSubmission(org, "sub_t" + i, "user_1", Optional.empty());
        }
        LogPage first = ledger.log(org, 4, Optional.empty());
        assertEquals(List.of(7L, 6L, 5L, 4L), first.entries().stream().map(LogEntry::seq).toList());
        assertEquals(Credits.whole(4), first.entries().getFirst().balanceAfter());
        LogPage second = ledger.log(org, 4, first.nextCursor());
        assertEquals(List.of(3L, 2L, 1L), second.entries().stream().map(LogEntry::seq).toList());
        assertTrue(second.nextCursor().isEmpty());
        assertEquals(EntryType.PURCHASE, second.entries().getLast().type());
        assertEquals("cs_t", second.entries().getLast().reference());
        assertEquals(7, ledger.fullLog(org).size());
        assertThrows(InvalidInput.class, () -> ledger.log(org, 4, Optional.of("bm90LWEtY3Vyc29y")));
        assertThrows(InvalidInput.class, () -> ledger.log(org, 101, Optional.empty()));
    }

    @Test
    void usageCountsPurchasesAndUseByDayAndMonth() {
        buy("cs_u", 10);
        ledger.chargeSubmission(org, "sub_u1", "user_1", Optional.empty());
        clock.advance(Duration.ofDays(1));
        ledger.chargeSubmission(org, "sub_u2", "user_1", Optional.empty());
        ledger.chargeSubmission(org, "sub_u3", "user_1", Optional.empty());
        List<UsagePeriod> days = ledger.usage(org, LocalDate.parse("2026-11-25"), LocalDate.parse("2026-11-28"), Granularity.DAY);
        assertEquals(List.of(
                new UsagePeriod("2026-11-25", Credits.ZERO, Credits.ZERO),
                new UsagePeriod("2026-11-26", Credits.whole(10), Credits.ONE),
                new UsagePeriod("2026-11-27", Credits.ZERO, Credits.whole(2)),
                new UsagePeriod("2026-11-28", Credits.ZERO, Credits.ZERO)), days);
        List<UsagePeriod> months = ledger.usage(org, LocalDate.parse("2026-10-01"), LocalDate.parse("2026-11-30"), Granularity.MONTH);
        assertEquals(List.of(new UsagePeriod("2026-10", Credits.ZERO, Credits.ZERO),
                new UsagePeriod("2026-11", Credits.whole(10), Credits.whole(3))), months);
        assertThrows(InvalidInput.class, () ->
                ledger.usage(org, LocalDate.parse("2025-01-01"), LocalDate.parse("2026-02-05"), Granularity.DAY));
    }

    // ---------------------------------------------------------------- settings, plan, low-credit index

    @Test
    void accountsOwingALowCreditEmailAreInTheSparseIndexUntilNotified() {
        buy("cs_v", 4);
        assertFalse(owing(org));
        ledger.chargeSubmission(org, "sub_v1", "user_1", Optional.empty());
        ledger.chargeSubmission(org, "sub_v2", "user_1", Optional.empty());
        assertTrue(owing(org));
        assertTrue(ledger.markNotified(org, AlertLevel.LOW));
        assertFalse(owing(org));
        assertFalse(ledger.markNotified(org, AlertLevel.LOW));
        ledger.chargeSubmission(org, "sub_v3", "user_1", Optional.empty()); // still low: no new email
        assertFalse(owing(org));

        ledger.updateSettings(org, new Settings(false, Credits.whole(3), List.of()));
        ledger.chargeSubmission(org, "sub_v4", "user_1", Optional.empty()); // zero, but emails are off
        assertFalse(owing(org));
        ledger.updateSettings(org, new Settings(true, Credits.whole(3), List.of("ops@example.com")));
        assertTrue(owing(org));
        assertEquals(List.of("ops@example.com"), ledger.account(org).lowCreditRecipients());
    }

    private boolean owing(OrgId who) {
        return ledger.accountsOwingAlert(1_000).stream().anyMatch(a -> a.org().equals(who));
    }

    @Test
    void idsThatCouldForgeKeysAreRefused() {
        assertThrows(InvalidInput.class, () -> OrgId.of("org#ACCOUNT"));
        assertThrows(InvalidInput.class, () -> ledger.chargeSubmission(org, "x#LOG", "user_1", Optional.empty()));
        assertThrows(InvalidInput.class, () -> ledger.chargeSubmission(org, "a".repeat(129), "user_1", Optional.empty()));
        assertThrows(InvalidInput.class, () -> ledger.reserveInvite(org, "inv", "not-an-email", Optional.empty()));
    }
}
