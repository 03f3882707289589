package app.credits.bench.perf;

import app.credits.emulator.DynamoDbEmulator;
import app.credits.ledger.Credits;
import app.credits.ledger.EntryType;
import app.credits.ledger.Ledger;
import app.credits.ledger.OrgId;
import app.credits.ledger.Purchase;
import app.credits.ledger.dynamo.BulkLoad;
import app.credits.testkit.s3.S3StandIn;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.File;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CSV export of a long log (docs/http-api.md): the account function's deployable jar, in a fresh JVM as Lambda
 * runs it, exports a log of N entries (loaded in bulk into the DynamoDB emulator of this JVM) to the S3 stand-in of
 * this JVM, answers 303, and the link is downloaded. It prints the time (the handler's own request time, the
 * process's wall and CPU time) and the memory (heap live after GC and at its peak from the JVM's GC log, peak RSS
 * from {@code /usr/bin/time}), with the heap capped so that a memory that grew with the log would fail.
 * <pre>java -cp bench/target/bench.jar app.credits.bench.perf.CsvExportBench [--entries 100000,1000000]
 *     [--xmx 256m] [--flags "-XX:TieredStopAtLevel=1 ..."] [--jar functions/account/target/account.jar] [--repo .]
 *     [--work target/bench]</pre>
 */
public final class CsvExportBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BUCKET = "credits-exports-bench";
    private static final String TABLE = "credits";
    /** A GC log line: {@code [..][gc] GC(3) Pause Young (Allocation Failure) 69M->12M(247M) 3.2ms}. */
    private static final Pattern GC_PAUSE = Pattern.compile("Pause.* (\\d+)M->(\\d+)M\\((\\d+)M\\)");
    private static final Pattern REQUEST_MS = Pattern.compile("\"route\":\"GET /orgs/\\{orgId}/logs\".*\"status\":(\\d+).*\"ms\":(\\d+)");

    record Result(int entries, int status, double csvMb, long parts, long handlerMs, ColdStartBench.Run process,
                  long heapLiveMaxMb, long heapPeakMb, int gcs, long downloadMs, long rows, long readOnlyMs) {
    }

    private CsvExportBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = ColdStartBench.options(args);
        Path repo = Path.of(opts.getOrDefault("repo", ".")).toAbsolutePath().normalize();
        Path work = Path.of(opts.getOrDefault("work", repo.resolve("target/bench").toString())).toAbsolutePath();
        Path jar = repo.resolve(opts.getOrDefault("jar", "functions/account/target/account.jar"));
        String xmx = opts.getOrDefault("xmx", "256m");
        List<String> flags = opts.containsKey("flags") ? List.of(opts.get("flags").trim().split("\\s+")) : List.of();
        List<Integer> sizes = new ArrayList<>();
        for (String n : opts.getOrDefault("entries", "100000,1000000").split(",")) {
            sizes.add(Integer.parseInt(n.trim()));
        }
        Files.createDirectories(work);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it first (bin/bench does)");
        }
        boolean timeTool = new File("/usr/bin/time").canExecute();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

        System.out.printf("CSV export of a long log: %s in a fresh JVM (-Xmx%s -XX:+UseSerialGC%s; Lambda's JVM picks"
                + " SerialGC up to 1769 MB), DynamoDB emulator and S3 stand-in in this JVM; %s%n", jar.getFileName(), xmx,
                flags.isEmpty() ? "" : " " + String.join(" ", flags),
                timeTool ? "CPU and peak RSS from /usr/bin/time" : "no /usr/bin/time: no CPU/RSS columns");
        List<Result> results = new ArrayList<>();
        try (DynamoDbEmulator emulator = DynamoDbEmulator.startInMemory(); S3StandIn s3 = S3StandIn.start()) {
            s3.createBucket(BUCKET);
            DynamoDbClient dynamo = BenchDynamo.client(emulator);
            Ledger ledger = BenchDynamo.ledger(dynamo, TABLE);
            Map<String, String> env = BenchDynamo.functionEnv(emulator, TABLE);
            env.put("EXPORTS_BUCKET", BUCKET);
            env.put("S3_ENDPOINT", s3.endpoint().toString());
            for (int entries : sizes) {
                OrgId org = OrgId.of("org_export_" + entries);
                long loadStarted = System.nanoTime();
                load(dynamo, org, entries);
                System.err.printf("  %,d entries loaded in %.1f s%n", entries, (System.nanoTime() - loadStarted) / 1e9);

                // The ledger's read alone, in this (warm) JVM: what the export spends on DynamoDB.
                long readStarted = System.nanoTime();
                long[] read = {0};
                ledger.forEachLogEntry(org, e -> read[0]++);
                long readOnlyMs = (System.nanoTime() - readStarted) / 1_000_000;

                Path event = work.resolve("event-csv-export.json");
                SampleEvent.load(repo, "account/get-logs-csv.json").path("orgId", org.value())
                        .claim("org_id", org.value()).writeTo(event);
                Path gcLog = work.resolve("csv-export-gc.log");
                Files.deleteIfExists(gcLog);
                s3.reset();
                List<String> command = new ArrayList<>(List.of(java, "-Xmx" + xmx, "-XX:+UseSerialGC", "-Xlog:gc:file=" + gcLog));
                command.addAll(flags);
                command.addAll(List.of("-jar", jar.toString(), event.toString()));
                ColdStartBench.Run process = ColdStartBench.run(command, env, work, timeTool);
                String stderr = Files.readString(work.resolve("last-stderr.txt"), StandardCharsets.UTF_8);
                Matcher request = REQUEST_MS.matcher(stderr);
                long handlerMs = request.find() ? Long.parseLong(request.group(2)) : -1;
                long[] heap = heap(gcLog);

                String stdout = Files.readString(work.resolve("last-stdout.txt"), StandardCharsets.UTF_8);
                JsonNode response = JSON.readTree(stdout.lines().filter(l -> l.contains("\"statusCode\"")).findFirst().orElse("{}"));
                long downloadMs = -1;
                long rows = -1;
                double csvMb;
                if (process.status() == 303) {
                    long downloadStarted = System.nanoTime();
                    rows = download(URI.create(response.path("headers").path("location").asText()));
                    downloadMs = (System.nanoTime() - downloadStarted) / 1_000_000;
                    csvMb = JSON.readTree(response.path("body").asText()).path("bytes").asLong() / 1e6;
                } else {
                    csvMb = response.path("body").asText().getBytes(StandardCharsets.UTF_8).length / 1e6;
                    rows = response.path("body").asText().split("\r\n").length;
                }
                results.add(new Result(entries, process.status(), csvMb, s3.requestCount("UploadPart"), handlerMs, process,
                        heap[0], heap[1], (int) heap[2], downloadMs, rows, readOnlyMs));
                System.err.printf("  %,d entries exported: status %d in %d ms%n", entries, process.status(), handlerMs);
            }
        }

        System.out.println();
        System.out.println("| entries | status | CSV MB | S3 parts | export ms (handler) | process wall ms | CPU ms"
                + " | heap live max MB (after GC) | heap peak MB (before GC) | GCs | peak RSS MB | download ms | rows | ledger read alone ms |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Result r : results) {
            System.out.printf("| %,d | %d | %.1f | %d | %,d | %,.0f | %s | %d | %d | %d | %s | %s | %,d | %,d |%n", r.entries(),
                    r.status(), r.csvMb(), r.parts(), r.handlerMs(), r.process().wallMs(),
                    timeTool ? String.format("%,.0f", r.process().cpuMs()) : "–", r.heapLiveMaxMb(), r.heapPeakMb(), r.gcs(),
                    timeTool ? String.format("%.0f", r.process().rssMb()) : "–",
                    r.downloadMs() < 0 ? "–" : String.format("%,d", r.downloadMs()), r.rows(), r.readOnlyMs());
        }
        System.out.println();
        System.out.println("export ms: the function's own request time (its log line); process wall: JVM start to exit,"
                + " cold start included; rows: CSV lines downloaded through the link (header included);"
                + " ledger read alone: forEachLogEntry in the benchmark's warm JVM, no CSV, no S3.");
        System.exit(0);
    }

    /** A bonus of 1, then a correction of a quarter, alternately; descriptions and references of usual length. */
    private static void load(DynamoDbClient dynamo, OrgId org, int entries) {
        List<Purchase.Movement> movements = new ArrayList<>(entries);
        for (int i = 0; i < entries; i++) {
            movements.add(i % 2 == 0
                    ? new Purchase.Movement(EntryType.BONUS, Credits.ONE, "bonus_" + i, "loyalty bonus for the team")
                    : new Purchase.Movement(EntryType.ADJUSTMENT, Credits.parse("-0.25"), "adj_" + i,
                            "correction after the review of invoice INV-" + i));
        }
        BulkLoad load = new BulkLoad(dynamo, TABLE);
        load.org(org, movements, Instant.now().minusSeconds(3600));
        load.flush();
    }

    /** {max heap after a GC, max heap before a GC, GC count} from a {@code -Xlog:gc} file, in MB. */
    private static long[] heap(Path gcLog) throws Exception {
        long live = 0;
        long peak = 0;
        long count = 0;
        if (Files.isRegularFile(gcLog)) {
            for (String line : Files.readAllLines(gcLog)) {
                Matcher m = GC_PAUSE.matcher(line);
                if (m.find()) {
                    peak = Math.max(peak, Long.parseLong(m.group(1)));
                    live = Math.max(live, Long.parseLong(m.group(2)));
                    count++;
                }
            }
        }
        return new long[] {live, peak, count};
    }

    /** Follows the link as a browser would (no token) and counts the CSV's lines. */
    private static long download(URI link) throws Exception {
        HttpResponse<InputStream> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(link).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("the link answered " + response.statusCode());
        }
        long lines = 0;
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = response.body()) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        lines++;
                    }
                }
            }
        }
        return lines;
    }
}
