package app.credits.reliability.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a test class tried, counted (requests sent, faults injected per kind, anomalies), printed as one summary
 * line per class and appended to target/reliability-summary.txt, from which docs/RELIABILITY.md takes its figures.
 */
public final class Tally {
    private final String name;
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    public Tally(String name) {
        this.name = name;
    }

    public void add(String what) {
        add(what, 1);
    }

    public void add(String what, long n) {
        counts.computeIfAbsent(what, k -> new LongAdder()).add(n);
    }

    public long get(String what) {
        LongAdder a = counts.get(what);
        return a == null ? 0 : a.sum();
    }

    public String summary() {
        Map<String, Long> sorted = new TreeMap<>();
        counts.forEach((k, v) -> sorted.put(k, v.sum()));
        StringBuilder line = new StringBuilder("RELIABILITY ").append(name).append(':');
        sorted.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
        return line.toString();
    }

    /** Prints the summary and appends it to target/reliability-summary.txt. */
    public void report() {
        String line = summary();
        System.out.println(line);
        try {
            Path file = Path.of("target", "reliability-summary.txt");
            Files.createDirectories(file.getParent());
            Files.writeString(file, line + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.out.println("(could not write target/reliability-summary.txt: " + e + ")");
        }
    }
}
