package app.credits.autotopup;

import app.credits.ledger.OrgId;
import app.credits.testkit.stripe.TestCards;
import app.credits.testkit.stripe.Webhooks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What one automatic purchase costs in DynamoDB requests, counted on the client (docs/auto-top-up.md, "Cost"):
 * the crossing adds one item to the write that crosses; the claim, the charge's record and the credit are one
 * consistent read and one transaction each; the pass finds due orgs with one query of the sparse index.
 */
class TopUpCostTest {
    final RequestCounter counter = new RequestCounter();
    final TopUpWorld w = new TopUpWorld(OffSessionCharges.NETWORK_RETRIES, Duration.ofSeconds(5), counter);

    @AfterEach
    void close() {
        w.close();
    }

    @Test
    void aTopUpCostsOneReadAndOneTransactionForEachOfItsClaimChargeRecordAndCredit() {
        // GIVEN an org with auto top-up on, 6 credits left (threshold 5), its webhooks held so each phase counts alone
        OrgId org = TopUpWorld.newOrg("org_cost");
        w.buyAndSaveCard(org, 10, TestCards.VISA);
        w.configure(org, "{\"enabled\":true,\"thresholdCredits\":\"5\",\"topUpCredits\":20,\"monthlyLimit\":3}");
        w.submit(org, 4);
        w.stripe.webhooks().delivery(Webhooks.Delivery.HELD);

        // A submission that does not cross: one read, one transaction of 5 items (account, entry, record, usage x2)
        counter.reset();
        w.submit(org, "sub-above");
        Map<String, Long> above = counter.requests();
        long aboveItems = counter.transactionItems();
        // The submission that crosses: the same requests, one more item (the org's auto top-up armed)
        counter.reset();
        w.submit(org, "sub-crossing");
        assertEquals(above, counter.requests());
        assertEquals(Map.of("BatchGetItem", 1L, "TransactWriteItems", 1L), counter.requests());
        assertEquals(aboveItems + 1, counter.transactionItems());
        report("crossing submission", counter);

        // The pass: one query of the due index, then the claim (read, transaction) and the charge's record (read,
        // transaction); the claim checks the account, puts the state and the attempt, the record puts the attempt
        counter.reset();
        assertEquals(1, w.runPass().path("succeeded").asInt());
        assertEquals(Map.of("Query", 1L, "BatchGetItem", 2L, "TransactWriteItems", 2L), counter.requests());
        assertEquals(3 + 1, counter.transactionItems());
        report("pass: claim and charge record", counter);

        // The credit, on payment_intent.succeeded (the other events of the payment cost nothing): one read of six
        // items, one transaction of nine (account, entry, purchase, its claim, payment facts, state, attempt, usage x2)
        counter.reset();
        w.stripe.webhooks().deliverPending();
        assertEquals(Map.of("BatchGetItem", 1L, "TransactWriteItems", 1L), counter.requests());
        assertEquals(9, counter.transactionItems());
        report("credit (webhook)", counter);

        // A pass with nothing due: one query
        counter.reset();
        w.runPass();
        assertEquals(Map.of("Query", 1L), counter.requests());
        w.world.assertReconciles(org);
    }

    private static void report(String phase, RequestCounter counter) {
        System.out.println("[auto top-up cost] " + phase + ": " + counter.requests() + ", transaction items "
                + counter.transactionItems());
    }
}
