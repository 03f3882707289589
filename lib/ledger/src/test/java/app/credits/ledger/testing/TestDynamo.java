package app.credits.ledger.testing;

import app.credits.emulator.Contention;
import app.credits.emulator.DynamoDbEmulator;
import app.credits.emulator.EmulatorOptions;
import app.credits.ledger.Ledger;
import app.credits.ledger.OrgId;
import app.credits.ledger.Reconciliation;
import app.credits.ledger.dynamo.CreditsTable;
import app.credits.ledger.dynamo.DynamoLedgerStore;
import app.credits.testkit.dynamo.EmulatorClient;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.net.URI;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The test stand-in for DynamoDB, shared by every module's tests: one emulator per JVM, a fresh table per
 * world, the real SDK client over HTTP. Nothing of the ledger's storage is mocked.
 */
public final class TestDynamo {
    private static final AtomicInteger TABLES = new AtomicInteger();
    private static DynamoDbEmulator emulator;
    private static DynamoDbEmulator contended;

    private TestDynamo() {
    }

    public static synchronized DynamoDbEmulator emulator() {
        if (emulator == null) {
            emulator = DynamoDbEmulator.startInMemory();
            Runtime.getRuntime().addShutdownHook(new Thread(emulator::close));
        }
        return emulator;
    }

    /**
     * A second emulator in its DynamoDB-like contention mode: every request takes milliseconds, and a transaction
     * that meets another one in flight on the same item is cancelled with TransactionConflict, as on DynamoDB.
     */
    public static synchronized DynamoDbEmulator contendedEmulator() {
        if (contended == null) {
            contended = DynamoDbEmulator.start(EmulatorOptions.inMemory().withContention(Contention.dynamoDbLike()));
            Runtime.getRuntime().addShutdownHook(new Thread(contended::close));
        }
        return contended;
    }

    public static URI endpoint() {
        return emulator().endpoint();
    }

    public static DynamoDbClient client(ExecutionInterceptor... interceptors) {
        return client(endpoint(), interceptors);
    }

    private static DynamoDbClient client(URI endpoint, ExecutionInterceptor... interceptors) {
        return EmulatorClient.create(endpoint, interceptors);
    }

    /** A new, empty credits table with the production definition. */
    public static String newTable() {
        String name = "credits-test-" + TABLES.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8);
        try (DynamoDbClient dynamo = client()) {
            CreditsTable.createIfMissing(dynamo, name);
        }
        return name;
    }

    /** A ledger on a fresh table, with the given clock. */
    public static World world(Clock clock) {
        DynamoDbClient dynamo = client();
        String table = newTable();
        DynamoLedgerStore store = new DynamoLedgerStore(dynamo, table);
        return new World(dynamo, table, store, new Ledger(store, clock));
    }

    /** A ledger on a fresh table of the {@linkplain #contendedEmulator() contended emulator}. */
    public static World contendedWorld(Clock clock) {
        DynamoDbClient dynamo = client(contendedEmulator().endpoint());
        String table = "credits-contended-" + TABLES.incrementAndGet();
        CreditsTable.createIfMissing(dynamo, table);
        DynamoLedgerStore store = new DynamoLedgerStore(dynamo, table);
        return new World(dynamo, table, store, new Ledger(store, clock));
    }

    public record World(DynamoDbClient dynamo, String table, DynamoLedgerStore store, Ledger ledger) {
        /** Every scenario ends here: the books of {@code org} must balance. */
        public void assertReconciles(OrgId org) {
            Reconciliation r = ledger.reconcile(org);
            if (!r.balances()) {
                throw new AssertionError("ledger of " + org + " does not reconcile: " + r.problems());
            }
        }
    }
}
