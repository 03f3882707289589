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
import app.credits.ledger.Reconciliation;
import app.credits.runtime.Telemetry;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The benchmarks' DynamoDB: the project's emulator in this JVM, the real SDK client over HTTP, a seeded org. */
final class BenchDynamo {
    static final OrgId ACME = OrgId.of("org_acme");
    /** The functions' telemetry, silenced: a benchmark prints its own numbers. */
    static final Telemetry MUTED = new Telemetry("bench", "Bench", line -> { }, Clock.systemUTC());

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

    /** What a function's jar needs to reach {@code table} on {@code emulator}; callers add their own. */
    static Map<String, String> functionEnv(DynamoDbEmulator emulator, String table) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("TABLE_NAME", table);
        env.put("DYNAMODB_ENDPOINT", emulator.endpoint().toString());
        env.put("AWS_REGION", "us-east-1");
        return env;
    }

    /** Stops the benchmark if {@code org}'s books do not balance: its numbers would mean nothing. */
    static void assertReconciles(Ledger ledger, OrgId org) {
        Reconciliation r = ledger.reconcile(org);
        if (!r.balances()) {
            throw new IllegalStateException("the ledger of " + org + " does not reconcile: " + r.problems());
        }
    }

    /** Buys {@code credits} for {@code org} (a purchase through the ledger, as the webhook would credit it). */
    static void buy(Ledger ledger, OrgId org, long credits, String session) {
        ledger.creditPurchase(new CompletedCheckout(session, org, credits, Money.of(credits * 2900, "usd"),
                Optional.of("pi_" + session), Optional.of("billing@" + org.value().replace('_', '-') + ".example")));
    }
}
