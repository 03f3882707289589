package app.credits.bench.perf;

import app.credits.emulator.DynamoDbEmulator;
import app.credits.emulator.EmulatorOptions;
import app.credits.ledger.Credits;
import app.credits.ledger.Ledger;
import app.credits.ledger.Settings;

import java.util.List;
import java.util.Optional;

/**
 * The DynamoDB that AOT-cache training runs talk to (bin/aot-train): the emulator on the loopback port
 * {@code --port} (default 8000) with the table {@code credits} and {@code org_acme} seeded as the sample events
 * expect it. Prints "ready" and serves until killed.
 * <pre>java -cp bench/target/bench.jar app.credits.bench.perf.TrainingTable [--port 8000]</pre>
 */
public final class TrainingTable {
    private TrainingTable() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(ColdStartBench.options(args).getOrDefault("port", "8000"));
        DynamoDbEmulator emulator = DynamoDbEmulator.start(new EmulatorOptions(port, null));
        Runtime.getRuntime().addShutdownHook(new Thread(emulator::close));
        Ledger ledger = BenchDynamo.ledger(BenchDynamo.client(emulator), "credits");
        BenchDynamo.buy(ledger, BenchDynamo.ACME, 100_000, "cs_training_seed");
        for (int i = 0; i < 30; i++) {
            ledger.chargeSubmission(BenchDynamo.ACME, "training_" + i, "user_member_1", Optional.empty());
        }
        ledger.updateSettings(BenchDynamo.ACME, new Settings(true, Credits.parse("3"), List.of("billing@acme.example")));
        System.out.println("ready: " + emulator.endpoint() + " table credits, org_acme seeded");
        System.out.flush();
        Thread.currentThread().join();
    }
}
