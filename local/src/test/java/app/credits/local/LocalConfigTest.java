package app.credits.local;

import app.credits.emulator.Contention;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The runner's configuration from its environment: DYNAMODB_CONTENTION picks the emulator's contention mode. */
class LocalConfigTest {
    @TempDir
    Path repo;

    private LocalConfig config(Map<String, String> env) throws IOException {
        Files.writeString(repo.resolve("template.yaml"), "Resources: {}\n");
        return LocalConfig.from(new String[0], env, repo);
    }

    @Test
    void theEmbeddedDynamoDbRunsWithoutContentionUnlessAsked() throws IOException {
        assertEquals(Contention.off(), config(Map.of()).dynamoContention());
        assertEquals(Contention.dynamoDbLike(), config(Map.of("DYNAMODB_CONTENTION", "dynamodb")).dynamoContention());
        assertTrue(config(Map.of("DYNAMODB_CONTENTION", "5ms+3ms")).dynamoContention().enabled());
    }

    @Test
    void anUnknownContentionIsAConfigurationErrorNamingTheVariable() {
        LocalConfig.BadConfiguration bad = assertThrows(LocalConfig.BadConfiguration.class,
                () -> config(Map.of("DYNAMODB_CONTENTION", "lots")));
        assertTrue(bad.getMessage().startsWith("DYNAMODB_CONTENTION: "), bad.getMessage());
    }
}
