package app.credits.bench.snapstart;

import app.credits.bench.snapstart.crac.Core;
import app.credits.runtime.LocalContext;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.RuntimeMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What a SnapStart sandbox does, on a plain JDK and without the snapshot: build the handler (Lambda's init), run
 * every registered CRaC {@code beforeCheckpoint}/{@code afterRestore} hook (the functions' {@code SnapStartPriming},
 * Powertools' class preloading), then serve the given events one after another, measuring each: wall and process
 * CPU time of the thread that served it (JIT and GC threads not counted), the classes loaded while it ran — what
 * priming left for the requests after a restore — and the JVM uptime at its start and end, in seconds, to find its
 * lines in a {@code -Xlog:class+load} log.
 * <pre>java -cp &lt;function&gt;.jar:primed-invoke.jar app.credits.bench.snapstart.PrimedInvoke HANDLER_CLASS EVENT...</pre>
 * Prints one line of {@code key=value} pairs to stdout: {@code init_ms prime_ms hooks classes_init classes_prime},
 * then per request {@code status_i ms_i cpu_ms_i classes_i from_s_i to_s_i}. The handler's own output (logs) goes to
 * stderr.
 */
public final class PrimedInvoke {
    private PrimedInvoke() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: PrimedInvoke HANDLER_CLASS EVENT.json...");
            System.exit(2);
        }
        // Before anything touches org.crac: its registrations then reach the stand-in instead of being dropped.
        System.setProperty("org.crac.Core.Compat", Core.class.getPackageName());
        PrintStream report = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8));
        ClassLoadingMXBean classes = ManagementFactory.getClassLoadingMXBean();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
        threads.getCurrentThreadCpuTime();
        runtime.getUptime();
        StringBuilder line = new StringBuilder();

        long started = System.nanoTime();
        RequestStreamHandler handler = (RequestStreamHandler) Class.forName(args[0]).getDeclaredConstructor().newInstance();
        long built = System.nanoTime();
        long classesInit = classes.getTotalLoadedClassCount();
        org.crac.Core.checkpointRestore();
        long primed = System.nanoTime();
        long classesPrimed = classes.getTotalLoadedClassCount();
        put(line, "init_ms", (built - started) / 1e6);
        put(line, "prime_ms", (primed - built) / 1e6);
        line.append(" hooks=").append(Core.getGlobalContext().size());
        line.append(" classes_init=").append(classesInit).append(" classes_prime=").append(classesPrimed);

        String name = args[0].substring(args[0].lastIndexOf('.') + 1);
        for (int i = 1; i < args.length; i++) {
            byte[] event = Files.readAllBytes(Path.of(args[i]));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            long loadedBefore = classes.getTotalLoadedClassCount();
            long uptimeBefore = runtime.getUptime();
            long cpuBefore = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            handler.handleRequest(new ByteArrayInputStream(event), out, LocalContext.forFunction(name));
            long t1 = System.nanoTime();
            long cpuAfter = threads.getCurrentThreadCpuTime();
            long loadedAfter = classes.getTotalLoadedClassCount();
            long uptimeAfter = runtime.getUptime();
            String response = out.toString(StandardCharsets.UTF_8);
            int at = response.indexOf("\"statusCode\":");
            String status = at < 0 ? "-1" : response.substring(at + 13).split("[,}]")[0].trim();
            line.append(" status_").append(i).append('=').append(status);
            put(line, "ms_" + i, (t1 - t0) / 1e6);
            put(line, "cpu_ms_" + i, (cpuAfter - cpuBefore) / 1e6);
            line.append(" classes_").append(i).append('=').append(loadedAfter - loadedBefore);
            line.append(String.format(Locale.ROOT, " from_s_%d=%.3f", i, uptimeBefore / 1e3));
            line.append(String.format(Locale.ROOT, " to_s_%d=%.3f", i, uptimeAfter / 1e3));
        }
        report.println(line.toString().trim());
        // The SDK's client may hold non-daemon threads, as in InvokeOnce.
        System.exit(0);
    }

    private static void put(StringBuilder line, String key, double value) {
        line.append(' ').append(key).append('=').append(String.format(Locale.ROOT, "%.2f", value));
    }
}
