package app.credits.reliability.support;

import app.credits.emulator.FaultInjector;
import app.credits.ledger.testing.TestDynamo;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Fault injection scoped to one table: the emulator is shared by every test of the JVM, so an injector only ever
 * touches requests that name this test's table (its TableName, a TransactItems entry, a batch's RequestItems).
 */
public final class Faults {
    private Faults() {
    }

    public static boolean touches(JsonNode request, String table) {
        // Table names are unique per world (a counter and a UUID): a textual match cannot hit another test's table.
        return request.toString().contains("\"" + table + "\"");
    }

    /**
     * Applies {@code fault} to the first {@code times} requests of one of {@code operations} on {@code table}
     * ({@code times} < 0: to all of them), counting each injection in {@code injected}.
     */
    public static FaultInjector on(String table, Set<String> operations, int times, Supplier<FaultInjector.Outcome> fault,
                                   AtomicInteger injected) {
        return (operation, request) -> {
            if (!operations.contains(operation) || !touches(request, table)) {
                return FaultInjector.proceed();
            }
            if (times >= 0 && injected.get() >= times) {
                return FaultInjector.proceed();
            }
            if (times >= 0 && injected.incrementAndGet() > times) {
                return FaultInjector.proceed();
            }
            if (times < 0) {
                injected.incrementAndGet();
            }
            return fault.get();
        };
    }

    public static void install(FaultInjector injector) {
        TestDynamo.emulator().setFaultInjector(injector);
    }

    public static void clear() {
        TestDynamo.emulator().setFaultInjector(null);
    }
}
