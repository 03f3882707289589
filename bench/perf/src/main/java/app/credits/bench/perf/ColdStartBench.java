package app.credits.bench.perf;

import app.credits.emulator.DynamoDbEmulator;
import app.credits.ledger.Ledger;
import app.credits.ledger.Settings;
import app.credits.ledger.Credits;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Cold start of each HTTP function's deployable jar: a fresh JVM serving one request ({@code java -jar
 * functions/<dir>/target/<dir>.jar event.json}, the jar's InvokeOnce main), from process start to exit, against
 * the DynamoDB emulator started here with {@code org_acme} seeded. Each JVM lever is measured on its own
 * (plain, no CDS, C1 only, SerialGC, AOT cache) and all together, and paired in the same run with the Node.js 20
 * + AWS SDK v3 twin of the balance function ({@code bench/node}). Runs are interleaved (run i of every function and
 * lever, then run i+1) so a change of machine load hits every row alike.
 * <pre>java -cp bench/target/bench.jar app.credits.bench.perf.ColdStartBench [--runs 7] [--functions a,b]
 *     [--configs plain,c1,aot,all] [--no-node] [--repo .] [--work target/bench]</pre>
 */
public final class ColdStartBench {

    /** A set of JVM flags; {@code aot}: trained into a cache of its own (with the same flags) before measuring. */
    record Lever(String name, List<String> flags, boolean aot, String what) {
    }

    static final List<Lever> LEVERS = List.of(
            new Lever("plain", List.of(), false, "java -jar, JDK defaults (CDS of the JDK's own classes is on)"),
            new Lever("no-cds", List.of("-Xshare:off"), false, "what the JDK's default CDS archive buys"),
            new Lever("c1", List.of("-XX:TieredStopAtLevel=1"), false, "C1 only (Lambda's default off SnapStart)"),
            new Lever("serial", List.of("-XX:+UseSerialGC"), false, "SerialGC (the JVM's choice below 2 CPUs/1792 MB)"),
            new Lever("aot", List.of(), true, "AOT cache trained on this jar (JEP 483/514)"),
            new Lever("all", List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"), true, "AOT cache + C1 + SerialGC"));

    /** A function's jar and the request measured; {@code fresh} makes run n's event (new ids where it writes). */
    record Fn(String dir, String event, Function<SampleEvent, SampleEvent> fresh) {
    }

    private static final AtomicLong IDS = new AtomicLong();

    static final List<Fn> FUNCTIONS = List.of(
            new Fn("balance", "balance/get-balance.json", e -> e),
            new Fn("submissions", "submissions/post-submission.json",
                    e -> e.body("submissionId", "cold_" + ProcessHandle.current().pid() + "_" + IDS.incrementAndGet())),
            new Fn("invites", "invites/post-invite.json",
                    e -> e.body("inviteId", "cold_" + ProcessHandle.current().pid() + "_" + IDS.incrementAndGet())
                            .body("expiresAt", Instant.now().plus(7, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString())),
            new Fn("account", "account/get-logs.json", e -> e));

    record Run(double wallMs, double cpuMs, double rssMb, int status) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = options(args);
        Path repo = Path.of(opts.getOrDefault("repo", ".")).toAbsolutePath().normalize();
        Path work = Path.of(opts.getOrDefault("work", repo.resolve("target/bench").toString())).toAbsolutePath();
        int runs = Integer.parseInt(opts.getOrDefault("runs", "7"));
        List<String> fnNames = List.of(opts.getOrDefault("functions", "balance,submissions,invites,account").split(","));
        List<String> leverNames = List.of(opts.getOrDefault("configs", "plain,no-cds,c1,serial,aot,all").split(","));
        boolean node = !opts.containsKey("no-node");
        Files.createDirectories(work);

        List<Fn> fns = FUNCTIONS.stream().filter(f -> fnNames.contains(f.dir())).toList();
        List<Lever> levers = LEVERS.stream().filter(l -> leverNames.contains(l.name())).toList();
        for (Fn fn : fns) {
            if (!Files.isRegularFile(jar(repo, fn))) {
                throw new IllegalStateException(jar(repo, fn) + " is missing: build it first (bin/bench does)");
            }
        }
        boolean timeTool = new File("/usr/bin/time").canExecute();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

        try (DynamoDbEmulator emulator = DynamoDbEmulator.startInMemory()) {
            seed(emulator);
            Map<String, String> env = BenchDynamo.functionEnv(emulator, "credits");

            System.out.printf("Cold start: fresh process, one request served, %d runs each (median), %s%n", runs,
                    timeTool ? "CPU time and peak RSS from /usr/bin/time" : "no /usr/bin/time: no CPU/RSS columns");
            System.out.printf("JVM: %s (%s); emulator in the driver JVM at %s%n", Runtime.version(),
                    System.getProperty("java.vm.name"), emulator.endpoint());

            // AOT caches: one training run per function and lever, with the lever's own flags.
            Map<String, Path> caches = new LinkedHashMap<>();
            List<String[]> trainings = new ArrayList<>();
            for (Fn fn : fns) {
                for (Lever lever : levers) {
                    if (!lever.aot()) {
                        continue;
                    }
                    Path cache = work.resolve(fn.dir() + "-" + lever.name() + ".aot");
                    long t0 = System.nanoTime();
                    train(java, lever, jar(repo, fn), eventFile(repo, work, fn), cache, env, work);
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    caches.put(fn.dir() + "/" + lever.name(), cache);
                    trainings.add(new String[]{fn.dir(), lever.name(), String.format("%.1f", seconds),
                            String.format("%.1f", Files.size(cache) / 1e6)});
                }
            }

            // One untimed run each: the jar and the JDK in the page cache, as on a warm Lambda host.
            for (Fn fn : fns) {
                run(javaCommand(java, List.of(), jar(repo, fn), eventFile(repo, work, fn)), env, work, timeTool);
            }
            if (node) {
                run(nodeCommand(repo), env, work, timeTool);
            }

            Map<String, List<Run>> results = new LinkedHashMap<>();
            for (int i = 0; i < runs; i++) {
                for (Fn fn : fns) {
                    for (Lever lever : levers) {
                        List<String> flags = flags(lever, caches.get(fn.dir() + "/" + lever.name()));
                        Run r = run(javaCommand(java, flags, jar(repo, fn), eventFile(repo, work, fn)), env, work,
                                timeTool);
                        results.computeIfAbsent(fn.dir() + "/" + lever.name(), k -> new ArrayList<>()).add(r);
                    }
                }
                if (node) {
                    results.computeIfAbsent("node/node20", k -> new ArrayList<>()).add(run(nodeCommand(repo), env, work, timeTool));
                }
                System.err.printf("  run %d/%d done%n", i + 1, runs);
            }

            double nodeMedian = node ? median(results.get("node/node20"), Run::wallMs) : Double.NaN;
            System.out.println();
            System.out.println("| function | jar MB | lever | median ms | min–max ms | CPU ms | peak RSS MB | × Node | statuses |");
            System.out.println("|---|---:|---|---:|---:|---:|---:|---:|---|");
            for (Fn fn : fns) {
                for (Lever lever : levers) {
                    List<Run> rs = results.get(fn.dir() + "/" + lever.name());
                    row(fn.dir(), String.format("%.1f", Files.size(jar(repo, fn)) / 1e6), lever.name(), rs, nodeMedian, timeTool);
                }
            }
            if (node) {
                row("balance (Node.js twin)", nodeModulesMb(repo), nodeVersion(), results.get("node/node20"), nodeMedian, timeTool);
            }
            System.out.println();
            System.out.println("Levers: " + String.join("; ", levers.stream().map(l -> l.name() + " = "
                    + (l.flags().isEmpty() ? "" : String.join(" ", l.flags()) + " ") + "(" + l.what() + ")").toList()));
            if (!trainings.isEmpty()) {
                System.out.println();
                System.out.println("| AOT cache | training run s | cache MB |");
                System.out.println("|---|---:|---:|");
                for (String[] t : trainings) {
                    System.out.printf("| %s / %s | %s | %s |%n", t[0], t[1], t[2], t[3]);
                }
            }
        }
        System.exit(0);
    }

    /** One training run of {@code jar} with the lever's flags, writing its AOT cache to {@code cache}. */
    static void train(String java, Lever lever, Path jar, Path event, Path cache, Map<String, String> env, Path work)
            throws Exception {
        Files.deleteIfExists(cache);
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(lever.flags());
        cmd.add("-XX:AOTCacheOutput=" + cache);
        cmd.addAll(List.of("-jar", jar.toString(), event.toString()));
        Run training = run(cmd, env, work, false);
        if (!Files.isRegularFile(cache)) {
            throw new IllegalStateException("training " + jar.getFileName() + "/" + lever.name()
                    + " wrote no cache (status " + training.status() + "); see " + work.resolve("last-stderr.txt"));
        }
    }

    private static void row(String name, String size, String lever, List<Run> rs, double nodeMedian, boolean timeTool) {
        double med = median(rs, Run::wallMs);
        double min = rs.stream().mapToDouble(Run::wallMs).min().orElse(Double.NaN);
        double max = rs.stream().mapToDouble(Run::wallMs).max().orElse(Double.NaN);
        String statuses = statuses(rs);
        System.out.printf("| %s | %s | %s | %.0f | %.0f–%.0f | %s | %s | %.2f | %s |%n", name, size, lever, med, min, max,
                timeTool ? String.format("%.0f", median(rs, Run::cpuMs)) : "–",
                timeTool ? String.format("%.0f", median(rs, Run::rssMb)) : "–",
                med / nodeMedian, statuses);
    }

    static double median(List<Run> rs, java.util.function.ToDoubleFunction<Run> f) {
        double[] xs = rs.stream().mapToDouble(f).sorted().toArray();
        if (xs.length == 0) {
            return Double.NaN;
        }
        return xs.length % 2 == 1 ? xs[xs.length / 2] : (xs[xs.length / 2 - 1] + xs[xs.length / 2]) / 2;
    }

    static Path jar(Path repo, Fn fn) {
        return repo.resolve("functions").resolve(fn.dir()).resolve("target").resolve(fn.dir() + ".jar");
    }

    static Path eventFile(Path repo, Path work, Fn fn) {
        Path file = work.resolve("event-" + fn.dir() + ".json");
        fn.fresh().apply(SampleEvent.load(repo, fn.event())).writeTo(file);
        return file;
    }

    /** {@code java <flags> -jar <jar> <event>}: one invocation, as the jar's {@code InvokeOnce} main serves it. */
    static List<String> javaCommand(String java, List<String> flags, Path jar, Path event) {
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(flags);
        cmd.addAll(List.of("-jar", jar.toString(), event.toString()));
        return cmd;
    }

    /** The lever's flags, with its AOT cache when it uses one ({@code cache} is then the one trained for it). */
    static List<String> flags(Lever lever, Path cache) {
        List<String> flags = new ArrayList<>(lever.flags());
        if (lever.aot()) {
            flags.add("-XX:AOTCache=" + cache);
        }
        return flags;
    }

    /** The distinct statuses the runs answered, e.g. {@code 200} or {@code 200,503}. */
    static String statuses(List<Run> rs) {
        return String.join(",", rs.stream().map(r -> Integer.toString(r.status())).distinct().toList());
    }

    private static List<String> nodeCommand(Path repo) {
        return List.of("node", repo.resolve("bench/node/invoke.mjs").toString(),
                repo.resolve("events/balance/get-balance.json").toString());
    }

    /**
     * Runs one process to its exit; wall time from just before start to exit, as the caller sees it (CPU and peak
     * RSS from {@code /usr/bin/time}). Its stdout and stderr are left in {@code work/last-stdout.txt} and
     * {@code last-stderr.txt}. Also {@link CsvExportBench}'s.
     */
    static Run run(List<String> command, Map<String, String> env, Path work, boolean timeTool) throws Exception {
        Path times = work.resolve("last-time.txt");
        List<String> cmd = new ArrayList<>();
        if (timeTool) {
            cmd.addAll(List.of("/usr/bin/time", "-f", "%e %U %S %M", "-o", times.toString()));
        }
        cmd.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectOutput(work.resolve("last-stdout.txt").toFile())
                .redirectError(work.resolve("last-stderr.txt").toFile());
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("_JAVA_OPTIONS");
        pb.environment().putAll(env);
        long t0 = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(900, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("timed out: " + command);
        }
        double wallMs = (System.nanoTime() - t0) / 1e6;
        int status = SampleEvent.status(Files.readString(work.resolve("last-stdout.txt"), StandardCharsets.UTF_8));
        double cpuMs = Double.NaN;
        double rssMb = Double.NaN;
        if (timeTool && Files.isRegularFile(times)) {
            String[] parts = Files.readAllLines(times).getLast().trim().split("\\s+");
            if (parts.length == 4) {
                cpuMs = (Double.parseDouble(parts[1]) + Double.parseDouble(parts[2])) * 1000;
                rssMb = Long.parseLong(parts[3]) / 1024.0;
            }
        }
        if (p.exitValue() != 0 && status < 0) {
            throw new IllegalStateException("exit " + p.exitValue() + " from " + command + "; see "
                    + work.resolve("last-stderr.txt"));
        }
        return new Run(wallMs, cpuMs, rssMb, status);
    }

    /** org_acme as the sample events expect it: credits to spend, a log page's worth of entries, settings. */
    static void seed(DynamoDbEmulator emulator) {
        var dynamo = BenchDynamo.client(emulator);
        Ledger ledger = BenchDynamo.ledger(dynamo, "credits");
        BenchDynamo.buy(ledger, BenchDynamo.ACME, 100_000, "cs_cold_seed");
        for (int i = 0; i < 30; i++) {
            ledger.chargeSubmission(BenchDynamo.ACME, "seed_" + i, "user_member_1", Optional.empty());
        }
        ledger.updateSettings(BenchDynamo.ACME, new Settings(true, Credits.parse("3"), List.of("billing@acme.example")));
    }

    private static String nodeVersion() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor();
            return "node " + v;
        } catch (IOException | InterruptedException e) {
            return "node";
        }
    }

    private static String nodeModulesMb(Path repo) {
        try (var files = Files.walk(repo.resolve("bench/node/node_modules"))) {
            long bytes = files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
            return String.format("%.1f (node_modules)", bytes / 1e6);
        } catch (IOException e) {
            return "–";
        }
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> list = Arrays.asList(args);
        for (int i = 0; i < list.size(); i++) {
            String a = list.get(i);
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + a);
            }
            String key = a.substring(2);
            if (i + 1 < list.size() && !list.get(i + 1).startsWith("--")) {
                out.put(key, list.get(++i));
            } else {
                out.put(key, "true");
            }
        }
        return out;
    }
}
