package app.credits.http.testing;

import app.credits.http.HttpResponse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The sample events of {@code events/<function>/} (used by {@code sam local invoke} and by these tests). The repo
 * root comes from the {@code repo.root} system property (surefire sets it) or the working directory's parents.
 */
public final class SampleEvents {
    private SampleEvents() {
    }

    public static Path repoRoot() {
        String property = System.getProperty("repo.root");
        if (property != null && Files.isDirectory(Path.of(property, "events"))) {
            return Path.of(property);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("events")) && Files.exists(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the repository root (no events/ above " + Path.of("").toAbsolutePath() + ")");
    }

    /** The {@code *.json} files of {@code events/<function>/}, sorted; empty if there are none yet. */
    public static List<Path> of(String function) {
        Path dir = repoRoot().resolve("events").resolve(function);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Not a 5xx, and an error (if any) in the contract's shape. Returns a problem description or null. */
    public static String problem(Path file, HttpResponse response) {
        if (response.statusCode() >= 500) {
            return file.getFileName() + ": " + response.statusCode() + " " + response.body();
        }
        if (response.statusCode() >= 400 && !Responses.isContractError(response)) {
            return file.getFileName() + ": error not in the contract's shape: " + response.body();
        }
        return null;
    }
}
