package app.credits.runtime;

import app.credits.ledger.Ledger;
import app.credits.ledger.dynamo.DynamoLedgerStore;

import java.time.Clock;

/** The ledger a function's no-arg constructor wires: the shared DynamoDB client, TABLE_NAME, the system clock. */
public final class Ledgers {
    private Ledgers() {
    }

    /** From the process environment, on the process-wide {@link DynamoClients#shared()} client. */
    public static Ledger fromEnvironment() {
        return new Ledger(new DynamoLedgerStore(DynamoClients.shared(), Environment.system().tableName()),
                Clock.systemUTC());
    }

    /** From {@code env}, on a client of its own. */
    public static Ledger fromEnvironment(Environment env) {
        return new Ledger(new DynamoLedgerStore(DynamoClients.fromEnvironment(env), env.tableName()), Clock.systemUTC());
    }
}
