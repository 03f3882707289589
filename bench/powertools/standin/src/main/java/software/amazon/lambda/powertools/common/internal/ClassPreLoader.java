package software.amazon.lambda.powertools.common.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;

/**
 * STAND-IN (see LambdaHandlerProcessor) for powertools-common 2.10.0's SnapStart class preloading: loads and
 * initializes every class named in every {@code classesloaded.txt} on the class path (the real powertools-metrics
 * jar ships one), skipping names it cannot find. Called from the CRaC {@code beforeCheckpoint} hooks.
 */
public final class ClassPreLoader {
    public static final String CLASSES_FILE = "classesloaded.txt";

    private ClassPreLoader() {
    }

    public static void preloadClasses() {
        ClassLoader loader = ClassPreLoader.class.getClassLoader();
        try {
            Enumeration<URL> files = loader.getResources(CLASSES_FILE);
            while (files.hasMoreElements()) {
                try (InputStream in = files.nextElement().openStream();
                     BufferedReader names = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    names.lines().map(line -> line.replaceAll("#.*", "").strip())
                            .filter(name -> !name.isEmpty())
                            .forEach(name -> load(name, loader));
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // Preloading only warms.
        }
    }

    private static void load(String name, ClassLoader loader) {
        try {
            Class.forName(name, true, loader);
        } catch (ClassNotFoundException | LinkageError ignored) {
            // Not on this class path.
        }
    }
}
