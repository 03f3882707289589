package app.credits.local;

import app.credits.testkit.template.SamTemplate;
import app.credits.runtime.LocalContext;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Hosts the template's functions in this JVM the way Lambda hosts each in its sandbox: the handler class named in
 * template.yaml is built once (no-arg constructor, configuration from the environment), then every invocation
 * calls {@code handleRequest(InputStream, OutputStream, Context)} with the raw event bytes. The inits run in the
 * background at startup, so the first request to a function waits only for what is left of its own init.
 */
public final class FunctionHost {

    /** The function could not be built (class missing, constructor threw): Lambda's "init error". */
    public static final class InitFailed extends Exception {
        public InitFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private record Hosted(SamTemplate.Function function, CompletableFuture<RequestStreamHandler> handler) {
    }

    private final Map<String, Hosted> byLogicalId = new LinkedHashMap<>();
    private final PrintStream log;

    /**
     * @param log     the functions' Lambda logger (their log file)
     * @param console where init failures are reported
     * @param special handlers the runner builds itself, by class name (the low-credit check, to reach the outbox);
     *                every other class gets its no-arg constructor
     */
    public FunctionHost(SamTemplate template, Map<String, Supplier<RequestStreamHandler>> special, Executor executor,
                        PrintStream log, PrintStream console) {
        this.log = log;
        for (SamTemplate.Function function : template.functions()) {
            Supplier<RequestStreamHandler> build = special.getOrDefault(function.handlerClass(),
                    () -> construct(function.handlerClass()));
            CompletableFuture<RequestStreamHandler> future = CompletableFuture.supplyAsync(build, executor);
            future.whenComplete((h, e) -> {
                if (e != null) {
                    console.println("error: " + function.logicalId() + " (" + function.handlerClass() + ") failed to start: "
                            + rootMessage(e) + "; its routes answer 500");
                }
            });
            byLogicalId.put(function.logicalId(), new Hosted(function, future));
        }
    }

    /** Waits for every init (startup measurement); failures are reported, not thrown. */
    public void awaitInits() {
        for (Hosted h : byLogicalId.values()) {
            try {
                h.handler().join();
            } catch (RuntimeException reported) {
                // logged by whenComplete
            }
        }
    }

    /** Calls the function once with {@code event}; returns the bytes its handler wrote. */
    public byte[] invoke(SamTemplate.Function function, byte[] event, long timeoutMillis) throws Exception {
        Hosted hosted = byLogicalId.get(function.logicalId());
        RequestStreamHandler handler;
        try {
            handler = hosted.handler().get();
        } catch (ExecutionException e) {
            throw new InitFailed(function.logicalId() + " failed to start: " + rootMessage(e), e.getCause());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String name = function.handlerClass().substring(function.handlerClass().lastIndexOf('.') + 1);
        handler.handleRequest(new ByteArrayInputStream(event), out,
                new LocalContext(UUID.randomUUID().toString(), name, timeoutMillis, log));
        return out.toByteArray();
    }

    private static RequestStreamHandler construct(String className) {
        try {
            Object instance = Class.forName(className).getDeclaredConstructor().newInstance();
            if (!(instance instanceof RequestStreamHandler handler)) {
                throw new IllegalStateException(className + " is not a RequestStreamHandler");
            }
            return handler;
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("class " + className + " is not in credits-local.jar (is its module"
                    + " built and a dependency of local/pom.xml?)", e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(className + "() threw " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(className + " has no public no-arg constructor: " + e, e);
        }
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while ((t instanceof java.util.concurrent.CompletionException || t instanceof ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }
}
