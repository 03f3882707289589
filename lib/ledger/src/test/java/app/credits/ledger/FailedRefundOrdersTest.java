package app.credits.ledger;

import app.credits.ledger.testing.MutableClock;
import app.credits.ledger.testing.TestDynamo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A refund that fails gives its credits back exactly once, whatever order Stripe's events about the purchase, the
 * refund, its failure and a dispute arrive in. Each story is played in every order of its events (each order on its
 * own org, against the DynamoDB emulator), then every event is replayed once more; the org must end with the same
 * credits and its books must balance. 10 credits are bought for 29000 cents; a refund of 8700 takes 3 of them.
 */
class FailedRefundOrdersTest {
    static final long PAID = 29_000;

    /** One Stripe fact, applied through the ledger's own operations. */
    record Event(String name, Consumer<Payment> apply) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** The ids of one org's purchase. */
    record Payment(Ledger ledger, OrgId org) {
        String session() {
            return "cs_" + org.value();
        }

        String paymentIntent() {
            return "pi_" + org.value();
        }
    }

    static final Event PURCHASE = new Event("purchase", p -> p.ledger().creditPurchase(new CompletedCheckout(
            p.session(), p.org(), 10, Money.of(PAID, "usd"), Optional.of(p.paymentIntent()), Optional.empty())));

    /** {@code charge.refunded} with Stripe's cumulative {@code amount_refunded}. */
    static Event refunded(long cumulative) {
        return new Event("refunded " + cumulative, p -> p.ledger().recordRefund(p.paymentIntent(), "ch_1", cumulative));
    }

    /** {@code charge.refund.updated} (or {@code refund.*}): one refund by id. */
    static Event refund(String id, long amount, RefundStatus status) {
        return new Event(id + " " + status.name().toLowerCase(),
                p -> p.ledger().recordRefundUpdate(p.paymentIntent(), "ch_1", id, amount, status));
    }

    static Event dispute(DisputeState state) {
        return new Event("dispute " + state.name().toLowerCase(),
                p -> p.ledger().recordDispute(p.paymentIntent(), "ch_1", "dp_1", state));
    }

    enum Story {
        REFUND_FAILS(10, PURCHASE, refunded(8_700), refund("re_1", 8_700, RefundStatus.FAILED)),
        REFUND_FAILS_DURING_AN_OPEN_DISPUTE(0, PURCHASE, refunded(8_700), refund("re_1", 8_700, RefundStatus.FAILED),
                dispute(DisputeState.OPEN)),
        REFUND_FAILS_AND_THE_DISPUTE_IS_WON(10, PURCHASE, refunded(8_700), refund("re_1", 8_700, RefundStatus.FAILED),
                dispute(DisputeState.OPEN), dispute(DisputeState.WON)),
        REFUND_FAILS_AND_THE_DISPUTE_IS_LOST(0, PURCHASE, refunded(8_700), refund("re_1", 8_700, RefundStatus.FAILED),
                dispute(DisputeState.OPEN), dispute(DisputeState.LOST)),
        // re_2 made before re_1 failed: Stripe's cumulative figure went 8700, 14500, then 5800
        FIRST_OF_TWO_REFUNDS_FAILS(8, PURCHASE, refunded(8_700), refunded(14_500),
                refund("re_1", 8_700, RefundStatus.FAILED), refund("re_2", 5_800, RefundStatus.SUCCEEDED)),
        // re_2 made after re_1 failed: the figure went 8700, 0, then 5800; re_2's own event makes it exact
        A_REFUND_AFTER_A_FAILED_ONE(8, PURCHASE, refunded(8_700), refund("re_1", 8_700, RefundStatus.FAILED),
                refunded(5_800), refund("re_2", 5_800, RefundStatus.SUCCEEDED)),
        A_FULL_REFUND_IS_CANCELED(10, PURCHASE, refund("re_1", PAID, RefundStatus.PENDING), refunded(PAID),
                refund("re_1", PAID, RefundStatus.CANCELED));

        final long creditsAtTheEnd;
        final List<Event> events;

        Story(long creditsAtTheEnd, Event... events) {
            this.creditsAtTheEnd = creditsAtTheEnd;
            this.events = List.of(events);
        }
    }

    final MutableClock clock = MutableClock.at("2026-11-26T10:00:00Z");
    final TestDynamo.World world = TestDynamo.world(clock);

    @ParameterizedTest(name = "{0}")
    @EnumSource(Story.class)
    void everyOrderOfTheEventsEndsWithTheSameCreditsAndBalancedBooks(Story story) {
        List<String> wrong = new ArrayList<>();
        int orders = 0;
        for (List<Event> order : permutations(story.events)) {
            // GIVEN a fresh org WHEN the story's events arrive in this order, then all of them once more
            Payment payment = new Payment(world.ledger(), OrgId.of("org_" + story.ordinal() + "_" + orders++));
            order.forEach(e -> e.apply().accept(payment));
            Account once = world.ledger().account(payment.org());
            order.reversed().forEach(e -> e.apply().accept(payment));

            // THEN the credits are the story's, the replay moved nothing, lifetime purchases follow, and the books balance
            Account account = world.ledger().account(payment.org());
            Credits expected = Credits.whole(story.creditsAtTheEnd);
            if (!account.balance().equals(expected) || !account.lifetimePurchased().equals(expected)
                    || account.entryCount() != once.entryCount()) {
                wrong.add(order + " => balance " + account.balance() + ", lifetime " + account.lifetimePurchased()
                        + ", entries " + once.entryCount() + " then " + account.entryCount());
            }
            world.assertReconciles(payment.org());
        }
        assertEquals(factorial(story.events.size()), orders);
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    }

    private static List<List<Event>> permutations(List<Event> events) {
        if (events.size() <= 1) {
            return List.of(events);
        }
        List<List<Event>> all = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            List<Event> rest = new ArrayList<>(events);
            Event first = rest.remove(i);
            for (List<Event> tail : permutations(rest)) {
                List<Event> order = new ArrayList<>();
                order.add(first);
                order.addAll(tail);
                all.add(order);
            }
        }
        return all;
    }

    private static int factorial(int n) {
        return n <= 1 ? 1 : n * factorial(n - 1);
    }
}
