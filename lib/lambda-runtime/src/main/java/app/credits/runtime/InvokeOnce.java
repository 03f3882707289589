package app.credits.runtime;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;

import java.io.ByteArrayOutputStream;
import java.io.ByteArrayInputStream;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.jar.Manifest;

/**
 * Runs one Lambda invocation from a shell, as {@code sam local invoke} would but without a container:
 * {@code java -jar balance.jar event.json} (or {@code -} for stdin). The handler class comes from the system
 * property {@code handler} or else the jar manifest's {@code Lambda-Handler} attribute; it is built with its
 * no-arg constructor (configuration from the environment), called once with the raw event bytes (HTTP API and
 * EventBridge events alike), and its response is printed on stdout. Logs go to stderr so stdout holds only the
 * response. Exit 0 after a response, 1 if the handler threw, 2 on bad usage.
 * <p>
 * This is the jar's Main-Class; Lambda ignores it, so the same jar deploys.
 */
public final class InvokeOnce {
    public static final String MANIFEST_ATTRIBUTE = "Lambda-Handler";

    private InvokeOnce() {
    }

    public static void main(String[] args) {
        PrintStream stdout = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        if (args.length != 1) {
            System.err.println("usage: java -jar <function>.jar <event.json | ->");
            System.exit(2);
        }
        int status;
        try {
            byte[] event = args[0].equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(args[0]));
            String handlerClass = handlerClassName();
            // The handler's own log lines (stdout in Lambda) go to stderr here, keeping stdout for the response.
            System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8));
            byte[] response = invoke(handlerClass, event);
            stdout.println(new String(response, StandardCharsets.UTF_8));
            status = 0;
        } catch (UsageError e) {
            System.err.println(e.getMessage());
            status = 2;
        } catch (Throwable e) {
            // What Lambda itself would answer for a handler that threw.
            e.printStackTrace();
            stdout.println(Json.write(Json.object()
                    .put("errorMessage", String.valueOf(e.getMessage()))
                    .put("errorType", e.getClass().getName())));
            status = 1;
        }
        stdout.flush();
        // SDK clients may hold non-daemon threads: one invocation, then the process ends, like a frozen sandbox.
        System.exit(status);
    }

    /** Builds {@code handlerClass} with its no-arg constructor and calls it once with {@code event}. */
    public static byte[] invoke(String handlerClass, byte[] event) throws Exception {
        RequestStreamHandler handler = (RequestStreamHandler) Class.forName(handlerClass)
                .getDeclaredConstructor().newInstance();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = new ByteArrayInputStream(event)) {
            String name = handlerClass.substring(handlerClass.lastIndexOf('.') + 1);
            handler.handleRequest(in, out, LocalContext.forFunction(name));
        }
        return out.toByteArray();
    }

    private static String handlerClassName() throws IOException {
        String fromProperty = System.getProperty("handler");
        if (fromProperty != null && !fromProperty.isBlank()) {
            return fromProperty.trim();
        }
        Enumeration<URL> manifests = InvokeOnce.class.getClassLoader().getResources("META-INF/MANIFEST.MF");
        while (manifests.hasMoreElements()) {
            try (InputStream in = manifests.nextElement().openStream()) {
                String value = new Manifest(in).getMainAttributes().getValue(MANIFEST_ATTRIBUTE);
                if (value != null && !value.isBlank()) {
                    return value.trim();
                }
            }
        }
        throw new UsageError("no handler: set -Dhandler=<class> or the jar manifest attribute " + MANIFEST_ATTRIBUTE);
    }

    private static final class UsageError extends RuntimeException {
        UsageError(String message) {
            super(message);
        }
    }
}
