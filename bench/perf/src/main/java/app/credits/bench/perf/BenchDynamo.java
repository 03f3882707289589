package app.credits.bench.perf;

import app.credits.emulator.DynamoDbEmulator;
import app.credits.ledger.CompletedCheckout;
import app.credits.ledger.Ledger;
import app.credits.ledger.Money;
import app.credits.ledger.OrgId;
import app.credits.ledger.dynamo.CreditsTable;
import app.credits.ledger.dynamo.DynamoLedgerStore;
import app.credits.testkit.dynamo.EmulatorClient;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Clock;
import java.util.Optional;

/** The benchmarks' DynamoDB: the project's emulator in this JVM, the real SDK client over HTTP, a seeded org. */
final class BenchDynamo {
    static final OrgId ACME = OrgId.of("org_acme");

    private BenchDynamo() {
    }

    static DynamoDbClient client(DynamoDbEmulator emulator, ExecutionInterceptor... interceptors) {
        return EmulatorClient.create(emulator.endpoint(), interceptors);
    }

    static Ledger ledger(DynamoDbClient dynamo, String table) {
        return ledger(dynamo, table, Ledger.RetryPolicy.DEFAULT);
    }

    static Ledger ledger(DynamoDbClient dynamo, String table, Ledger.RetryPolicy retry) {
        CreditsTable.createIfMissing(dynamo, table);
        return new Ledger(new DynamoLedgerStore(dynamo, table), Clock.systemUTC(), retry);
    }

    /** Buys {@code credits} for {@code org} (a purchase through the ledger, as the webhook would credit it). */
    static void buy(Ledger ledger, OrgId org, long credits, String session) {
        ledger.creditPurchase(new CompletedCheckout(session, org, credits, Money.of(credits * 2900, "usd"),
                Optional.of("pi_" + session), Optional.of("billing@" + org.value().replace('_', '-') + ".example")));
    }
}
