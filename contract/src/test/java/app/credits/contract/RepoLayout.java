package app.credits.contract;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the files under test live: the repository root is the parent of the {@code contract} module. */
final class RepoLayout {

    private RepoLayout() {
    }

    static Path repoRoot() {
        // Surefire runs in the module's folder; walking up also works when an IDE runs from the repository root.
        Path dir = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath().normalize();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("template.yaml")) && Files.isDirectory(d.resolve("contract"))) {
                return d;
            }
        }
        throw new IllegalStateException("no template.yaml with a contract/ module found above " + dir);
    }

    /** shared/ sits beside the clone, here and in CI; CREDITS_SHARED_DIR overrides that. */
    static Path sharedDir() {
        String override = System.getenv("CREDITS_SHARED_DIR");
        Path shared = override != null && !override.isBlank()
                ? Path.of(override)
                : repoRoot().getParent().resolve("shared");
        if (!Files.isDirectory(shared.resolve("schemas"))) {
            throw new IllegalStateException("shared/schemas not found at " + shared.toAbsolutePath()
                    + " (expected a copy of shared/ beside the repository, or CREDITS_SHARED_DIR)");
        }
        return shared;
    }

    static Path file(String relativeToRepoRoot) {
        return repoRoot().resolve(relativeToRepoRoot);
    }

    static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
