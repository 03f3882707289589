package app.credits.emulator;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How to start a {@link DynamoDbEmulator}.
 *
 * @param port       TCP port on 127.0.0.1; 0 picks an ephemeral port
 * @param dataDir    directory for the journal and snapshot; null keeps everything in memory
 * @param contention latency and transaction conflicts; {@link Contention#off()} by default
 */
public record EmulatorOptions(int port, Path dataDir, Contention contention) {
    public EmulatorOptions {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port out of range: " + port);
        Objects.requireNonNull(contention, "contention");
    }

    /** Without contention. */
    public EmulatorOptions(int port, Path dataDir) {
        this(port, dataDir, Contention.off());
    }

    /** Ephemeral port, in memory. */
    public static EmulatorOptions inMemory() {
        return new EmulatorOptions(0, null);
    }

    public EmulatorOptions withContention(Contention contention) {
        return new EmulatorOptions(port, dataDir, contention);
    }
}
