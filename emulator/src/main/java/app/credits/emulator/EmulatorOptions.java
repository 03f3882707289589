package app.credits.emulator;

import java.nio.file.Path;

/**
 * How to start a {@link DynamoDbEmulator}.
 *
 * @param port    TCP port on 127.0.0.1; 0 picks an ephemeral port
 * @param dataDir directory for the journal and snapshot; null keeps everything in memory
 */
public record EmulatorOptions(int port, Path dataDir) {
    public EmulatorOptions {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port out of range: " + port);
    }

    /** Ephemeral port, in memory. */
    public static EmulatorOptions inMemory() {
        return new EmulatorOptions(0, null);
    }
}
