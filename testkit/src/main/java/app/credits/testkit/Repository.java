package app.credits.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the repository's files are (template.yaml, tools/ses-emulator): the {@code repo.root} system property
 * (surefire and failsafe set it), else the nearest parent of the working directory holding template.yaml and a pom.
 */
public final class Repository {
    private Repository() {
    }

    public static Path root() {
        String property = System.getProperty("repo.root");
        if (property != null && isRoot(Path.of(property))) {
            return Path.of(property).toAbsolutePath().normalize();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (isRoot(p)) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the repository root (no template.yaml and pom.xml above "
                + Path.of("").toAbsolutePath() + ")");
    }

    private static boolean isRoot(Path dir) {
        return Files.isRegularFile(dir.resolve("template.yaml")) && Files.isRegularFile(dir.resolve("pom.xml"));
    }
}
