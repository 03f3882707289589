package app.credits.bench.perf;

import app.credits.bench.perf.ColdStartBench.Fn;
import app.credits.bench.perf.ColdStartBench.Lever;
import app.credits.bench.perf.ColdStartBench.Run;
import app.credits.emulator.DynamoDbEmulator;

import java.io.File;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;
import java.util.jar.JarFile;

import static app.credits.bench.perf.ColdStartBench.median;
import static app.credits.bench.perf.ColdStartBench.statuses;

/**
 * Powertools for AWS Lambda (Java) v2 against the hand-written request log and EMF line, function by function: the
 * deployable jar ({@code functions/<fn>/target/<fn>.jar}) and its Powertools twin
 * ({@code bench/powertools/target/<fn>-powertools.jar}: the same function with its log, metrics and tracing through
 * Powertools' functional API), measured in interleaved pairs (A then B, then B then A, ...) so that the shared
 * machine's load hits both alike:
 * <ol>
 *   <li>cold start as {@link ColdStartBench} measures it (fresh JVM, one request, per JVM lever; {@code aot} trains a
 *       cache per jar), with CPU time and peak RSS, and the classes each loads ({@code -Xlog:class+load}, one
 *       untimed run);</li>
 *   <li>with SnapStart in mind: {@code PrimedInvoke} builds the handler, runs every registered CRaC hook (the
 *       functions' priming, Powertools' class preloading) as Lambda does before its snapshot, then times the first
 *       and second requests, counting the classes the first one still loads.</li>
 * </ol>
 * Both jars get the environment Lambda gives a traced function (function name, version, log stream, a sampled X-Ray
 * trace header, the X-Ray daemon address: a UDP socket here that counts the segments it receives).
 * <pre>java -cp bench/target/bench.jar app.credits.bench.perf.PowertoolsBench [--pairs 16]
 *     [--functions balance,submissions] [--levers plain,aot,all] [--repo .] [--work target/bench/powertools]</pre>
 */
public final class PowertoolsBench {

    /** One of the two jars of a function, and the handler its manifest names. */
    record Variant(String name, Path jar, String handler) {
    }

    /** One PrimedInvoke run: its key=value report. */
    record Primed(Map<String, Double> values) {
        double get(String key) {
            return values.getOrDefault(key, Double.NaN);
        }
    }

    private PowertoolsBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = ColdStartBench.options(args);
        Path repo = Path.of(opts.getOrDefault("repo", ".")).toAbsolutePath().normalize();
        Path work = Path.of(opts.getOrDefault("work", repo.resolve("target/bench/powertools").toString())).toAbsolutePath();
        int pairs = Integer.parseInt(opts.getOrDefault("pairs", "16"));
        List<String> fnNames = List.of(opts.getOrDefault("functions", "balance,submissions").split(","));
        List<String> leverNames = List.of(opts.getOrDefault("levers", "plain,aot,all").split(","));
        Files.createDirectories(work);
        List<Fn> fns = ColdStartBench.FUNCTIONS.stream().filter(f -> fnNames.contains(f.dir())).toList();
        List<Lever> levers = ColdStartBench.LEVERS.stream().filter(l -> leverNames.contains(l.name())).toList();
        Path primedInvoke = repo.resolve("bench/powertools/target/primed-invoke.jar");
        Map<String, List<Variant>> variants = new LinkedHashMap<>();
        for (Fn fn : fns) {
            variants.put(fn.dir(), List.of(variant("hand-written", ColdStartBench.jar(repo, fn)),
                    variant("Powertools", repo.resolve("bench/powertools/target/" + fn.dir() + "-powertools.jar"))));
        }
        if (!Files.isRegularFile(primedInvoke)) {
            throw new IllegalStateException(primedInvoke + " is missing: build it first (bin/bench --powertools does)");
        }
        boolean timeTool = new File("/usr/bin/time").canExecute();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

        try (DynamoDbEmulator emulator = DynamoDbEmulator.startInMemory();
             DatagramSocket daemon = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            ColdStartBench.seed(emulator);
            AtomicInteger segments = countSegments(daemon);
            System.out.printf("Powertools v2 vs hand-written telemetry: %d interleaved pairs per row; %s%n", pairs,
                    timeTool ? "CPU time and peak RSS from /usr/bin/time" : "no /usr/bin/time: no CPU/RSS columns");
            System.out.printf("JVM: %s (%s); nproc %d%n", Runtime.version(), System.getProperty("java.vm.name"),
                    Runtime.getRuntime().availableProcessors());

            Map<String, Path> caches = new LinkedHashMap<>();
            for (Fn fn : fns) {
                for (Variant v : variants.get(fn.dir())) {
                    Map<String, String> env = env(emulator, daemon, fn, work, "on-demand");
                    for (Lever lever : levers) {
                        if (lever.aot()) {
                            Path cache = work.resolve(fn.dir() + "-" + slug(v) + "-" + lever.name() + ".aot");
                            ColdStartBench.train(java, lever, v.jar(), ColdStartBench.eventFile(repo, work, fn), cache, env, work);
                            caches.put(key(fn, v, lever), cache);
                        }
                    }
                    // Untimed: the jar in the page cache.
                    Path event = ColdStartBench.eventFile(repo, work, fn);
                    ColdStartBench.run(ColdStartBench.javaCommand(java, List.of(), v.jar(), event), env, work,
                            timeTool);
                }
            }

            System.out.println();
            System.out.println("## Cold start: fresh JVM, one request served");
            System.out.println();
            System.out.println("load (1/5/15 min) before: " + load());
            Map<String, List<Run>> cold = new LinkedHashMap<>();
            for (int i = 0; i < pairs; i++) {
                for (Fn fn : fns) {
                    Map<String, String> env = env(emulator, daemon, fn, work, "on-demand");
                    for (Lever lever : levers) {
                        for (Variant v : inPairOrder(variants.get(fn.dir()), i)) {
                            List<String> flags = ColdStartBench.flags(lever, caches.get(key(fn, v, lever)));
                            Run r = ColdStartBench.run(ColdStartBench.javaCommand(java, flags, v.jar(),
                                            ColdStartBench.eventFile(repo, work, fn)),
                                    env, work, timeTool);
                            cold.computeIfAbsent(key(fn, v, lever), k -> new ArrayList<>()).add(r);
                        }
                    }
                }
                System.err.printf("  cold-start pair %d/%d done%n", i + 1, pairs);
            }
            System.out.println("load (1/5/15 min) after: " + load());
            Map<String, long[]> classes = new LinkedHashMap<>();
            for (Fn fn : fns) {
                Map<String, String> env = env(emulator, daemon, fn, work, "on-demand");
                for (Lever lever : levers) {
                    for (Variant v : variants.get(fn.dir())) {
                        classes.put(key(fn, v, lever), classesLoaded(java, lever, caches.get(key(fn, v, lever)), v,
                                ColdStartBench.eventFile(repo, work, fn), env, work));
                    }
                }
            }
            System.out.println();
            System.out.println("| function | lever | telemetry | jar MB | median ms | IQR ms | min–max ms | CPU ms | peak RSS MB | classes loaded (from the archive) | statuses |");
            System.out.println("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|");
            for (Fn fn : fns) {
                for (Lever lever : levers) {
                    for (Variant v : variants.get(fn.dir())) {
                        List<Run> rs = cold.get(key(fn, v, lever));
                        long[] c = classes.get(key(fn, v, lever));
                        System.out.printf(Locale.ROOT, "| %s | %s | %s | %.1f | %.0f | %s | %s | %s | %s | %d (%d) | %s |%n",
                                fn.dir(), lever.name(), v.name(), Files.size(v.jar()) / 1e6,
                                median(rs, Run::wallMs), iqr(rs, Run::wallMs), range(rs, Run::wallMs),
                                timeTool ? String.format(Locale.ROOT, "%.0f", median(rs, Run::cpuMs)) : "–",
                                timeTool ? String.format(Locale.ROOT, "%.0f", median(rs, Run::rssMb)) : "–",
                                c[0], c[1], statuses(rs));
                    }
                }
            }
            System.out.println();
            System.out.println("Paired differences (Powertools − hand-written, run i of each against each other):");
            System.out.println();
            System.out.println("| function | lever | wall ms: median | wall ms: IQR | Powertools slower in | CPU ms: median | peak RSS MB: median |");
            System.out.println("|---|---|---:|---:|---:|---:|---:|");
            for (Fn fn : fns) {
                for (Lever lever : levers) {
                    List<Variant> vs = variants.get(fn.dir());
                    List<Run> a = cold.get(key(fn, vs.get(0), lever));
                    List<Run> b = cold.get(key(fn, vs.get(1), lever));
                    double[] wall = differences(a, b, Run::wallMs);
                    long slower = Arrays.stream(wall).filter(d -> d > 0).count();
                    System.out.printf(Locale.ROOT, "| %s | %s | %+.0f | %s | %d of %d | %s | %s |%n", fn.dir(), lever.name(),
                            quantile(wall, 0.5), iqr(wall), slower, wall.length,
                            timeTool ? String.format(Locale.ROOT, "%+.0f", quantile(differences(a, b, Run::cpuMs), 0.5)) : "–",
                            timeTool ? String.format(Locale.ROOT, "%+.1f", quantile(differences(a, b, Run::rssMb), 0.5)) : "–");
                }
            }

            System.out.println();
            System.out.println("## With SnapStart in mind: the requests after init and priming (PrimedInvoke)");
            System.out.println();
            System.out.println("load (1/5/15 min) before: " + load());
            Map<String, List<Primed>> primed = new LinkedHashMap<>();
            for (int i = 0; i < pairs; i++) {
                for (Fn fn : fns) {
                    Map<String, String> env = env(emulator, daemon, fn, work, "snap-start");
                    for (Variant v : inPairOrder(variants.get(fn.dir()), i)) {
                        Path first = Files.copy(ColdStartBench.eventFile(repo, work, fn), work.resolve("primed-1.json"),
                                StandardCopyOption.REPLACE_EXISTING);
                        Path second = Files.copy(ColdStartBench.eventFile(repo, work, fn), work.resolve("primed-2.json"),
                                StandardCopyOption.REPLACE_EXISTING);
                        List<String> cmd = List.of(java, "-cp", v.jar() + File.pathSeparator + primedInvoke,
                                "app.credits.bench.snapstart.PrimedInvoke", v.handler(), first.toString(), second.toString());
                        ColdStartBench.run(cmd, env, work, false);
                        primed.computeIfAbsent(fn.dir() + "/" + v.name(), k -> new ArrayList<>())
                                .add(report(work.resolve("last-stdout.txt")));
                    }
                }
                System.err.printf("  primed pair %d/%d done%n", i + 1, pairs);
            }
            System.out.println("load (1/5/15 min) after: " + load());
            System.out.println();
            System.out.println("| function | telemetry | init ms | priming ms | CRaC hooks | classes after init | after priming | 1st request ms | IQR ms | its thread's CPU ms | classes it loads | 2nd request ms | statuses |");
            System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
            for (Fn fn : fns) {
                for (Variant v : variants.get(fn.dir())) {
                    List<Primed> ps = primed.get(fn.dir() + "/" + v.name());
                    System.out.printf(Locale.ROOT, "| %s | %s | %.0f | %.0f | %.0f | %.0f | %.0f | %.1f | %s | %.1f | %.0f | %.1f | %s |%n",
                            fn.dir(), v.name(), med(ps, "init_ms"), med(ps, "prime_ms"), med(ps, "hooks"),
                            med(ps, "classes_init"), med(ps, "classes_prime"), med(ps, "ms_1"),
                            iqr(ps.stream().mapToDouble(p -> p.get("ms_1")).toArray()), med(ps, "cpu_ms_1"),
                            med(ps, "classes_1"), med(ps, "ms_2"),
                            String.join(",", ps.stream().map(p -> String.format(Locale.ROOT, "%.0f/%.0f",
                                    p.get("status_1"), p.get("status_2"))).distinct().toList()));
                }
            }
            System.out.println();
            System.out.println("| function | 1st request after priming, Powertools − hand-written: median ms | IQR ms | Powertools slower in | thread CPU ms: median |");
            System.out.println("|---|---:|---:|---:|---:|");
            for (Fn fn : fns) {
                List<Variant> vs = variants.get(fn.dir());
                List<Primed> a = primed.get(fn.dir() + "/" + vs.get(0).name());
                List<Primed> b = primed.get(fn.dir() + "/" + vs.get(1).name());
                double[] wall = new double[a.size()];
                double[] cpu = new double[a.size()];
                for (int i = 0; i < a.size(); i++) {
                    wall[i] = b.get(i).get("ms_1") - a.get(i).get("ms_1");
                    cpu[i] = b.get(i).get("cpu_ms_1") - a.get(i).get("cpu_ms_1");
                }
                System.out.printf(Locale.ROOT, "| %s | %+.1f | %s | %d of %d | %+.1f |%n", fn.dir(), quantile(sorted(wall), 0.5),
                        iqr(wall), Arrays.stream(wall).filter(d -> d > 0).count(), wall.length, quantile(sorted(cpu), 0.5));
            }
            System.out.println();
            System.out.printf("X-Ray segment documents received by the stand-in daemon: %d (the Powertools jars trace; the"
                    + " hand-written ones do not)%n", segments.get());
        }
        System.exit(0);
    }

    private static Variant variant(String name, Path jar) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it first (bin/bench --powertools does)");
        }
        try (JarFile file = new JarFile(jar.toFile())) {
            return new Variant(name, jar, file.getManifest().getMainAttributes().getValue("Lambda-Handler"));
        }
    }

    /** What Lambda sets for a traced function (plus the table), the same for both jars of a function. */
    private static Map<String, String> env(DynamoDbEmulator emulator, DatagramSocket daemon, Fn fn, Path work,
                                           String initType) {
        Map<String, String> env = BenchDynamo.functionEnv(emulator, "credits");
        env.put("POWERTOOLS_SERVICE_NAME", "credits-" + fn.dir());
        env.put("POWERTOOLS_METRICS_NAMESPACE", "Credits");
        env.put("AWS_LAMBDA_FUNCTION_NAME", "credits-" + fn.dir());
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024");
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", "2026/12/02/[$LATEST]bench");
        env.put("AWS_EXECUTION_ENV", "AWS_Lambda_java25");
        env.put("AWS_LAMBDA_INITIALIZATION_TYPE", initType);
        env.put("LAMBDA_TASK_ROOT", work.toString());
        env.put("_X_AMZN_TRACE_ID", "Root=1-6750f0e2-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1");
        env.put("AWS_XRAY_DAEMON_ADDRESS", "127.0.0.1:" + daemon.getLocalPort());
        // Without it, the EMF library probes for its environment in the background, EC2's instance metadata address
        // included: nothing may be sent there from this machine (and in Lambda the probe is wasted work).
        env.put("AWS_EMF_ENVIRONMENT", "Lambda");
        return env;
    }

    /** Classes one run loads, and how many of them came from the CDS/AOT archive; untimed. */
    private static long[] classesLoaded(String java, Lever lever, Path cache, Variant v, Path event,
                                        Map<String, String> env, Path work) throws Exception {
        Path log = work.resolve("classes.log");
        Files.deleteIfExists(log);
        List<String> flags = ColdStartBench.flags(lever, cache);
        flags.add("-Xlog:class+load=info:file=" + log);
        ColdStartBench.run(ColdStartBench.javaCommand(java, flags, v.jar(), event), env, work, false);
        List<String> lines = Files.readAllLines(log).stream().filter(l -> l.contains("[class,load]")).toList();
        return new long[]{lines.size(), lines.stream().filter(l -> l.contains("shared objects file")).count()};
    }

    private static Primed report(Path stdout) throws IOException {
        Map<String, Double> values = new LinkedHashMap<>();
        for (String pair : Files.readString(stdout, StandardCharsets.UTF_8).trim().split("\\s+")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                values.put(pair.substring(0, eq), Double.parseDouble(pair.substring(eq + 1)));
            }
        }
        if (!values.containsKey("ms_1")) {
            throw new IllegalStateException("PrimedInvoke reported nothing; see " + stdout.resolveSibling("last-stderr.txt"));
        }
        return new Primed(values);
    }

    /** The UDP "daemon" the X-Ray SDK sends its segments to; counts the segment documents. */
    private static AtomicInteger countSegments(DatagramSocket daemon) {
        AtomicInteger count = new AtomicInteger();
        Thread reader = new Thread(() -> {
            byte[] buffer = new byte[65_536];
            while (!daemon.isClosed()) {
                try {
                    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                    daemon.receive(packet);
                    if (new String(buffer, 0, packet.getLength(), StandardCharsets.UTF_8).contains("\"name\"")) {
                        count.incrementAndGet();
                    }
                } catch (IOException e) {
                    return;
                }
            }
        }, "xray-daemon");
        reader.setDaemon(true);
        reader.start();
        return count;
    }

    private static List<Variant> inPairOrder(List<Variant> vs, int pair) {
        return pair % 2 == 0 ? vs : vs.reversed();
    }

    private static String key(Fn fn, Variant v, Lever lever) {
        return fn.dir() + "/" + v.name() + "/" + lever.name();
    }

    private static String slug(Variant v) {
        return v.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z]+", "-");
    }

    private static String load() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return String.join(" ", parts[0], parts[1], parts[2]);
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static double med(List<Primed> ps, String key) {
        return quantile(sorted(ps.stream().mapToDouble(p -> p.get(key)).toArray()), 0.5);
    }

    private static String iqr(List<Run> rs, ToDoubleFunction<Run> f) {
        return iqr(rs.stream().mapToDouble(f).toArray());
    }

    private static String iqr(double[] xs) {
        double[] s = sorted(xs);
        return String.format(Locale.ROOT, "%.0f–%.0f", quantile(s, 0.25), quantile(s, 0.75));
    }

    private static String range(List<Run> rs, ToDoubleFunction<Run> f) {
        double[] s = sorted(rs.stream().mapToDouble(f).toArray());
        return String.format(Locale.ROOT, "%.0f–%.0f", s[0], s[s.length - 1]);
    }

    /** b[i] − a[i], sorted. */
    private static double[] differences(List<Run> a, List<Run> b, ToDoubleFunction<Run> f) {
        double[] d = new double[a.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = f.applyAsDouble(b.get(i)) - f.applyAsDouble(a.get(i));
        }
        return sorted(d);
    }

    private static double[] sorted(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s;
    }

    /** Linear interpolation between the closest ranks of a sorted array. */
    private static double quantile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        double at = q * (sorted.length - 1);
        int lo = (int) Math.floor(at);
        int hi = (int) Math.ceil(at);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
    }
}
