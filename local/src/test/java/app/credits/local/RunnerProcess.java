package app.credits.local;

import app.credits.testkit.local.RunnerApi;
import app.credits.testkit.local.RunnerEnvironment;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** {@code java -jar local/target/credits-local.jar} as a child process, started the way a person starts it. */
final class RunnerProcess implements AutoCloseable {
    static final Path REPO = Path.of(System.getProperty("repo.root", "..")).toAbsolutePath().normalize();
    static final Path JAR = Path.of(System.getProperty("runner.jar", REPO.resolve("local/target/credits-local.jar").toString()));
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final Process process;
    final int port;
    final Path stdout;
    final Path stderr;
    final long startedNanos;

    private RunnerProcess(Process process, int port, Path stdout, Path stderr, long startedNanos) {
        this.process = process;
        this.port = port;
        this.stdout = stdout;
        this.stderr = stderr;
        this.startedNanos = startedNanos;
    }

    /** Starts the runner in {@code workDir} with {@code env} on top of a clean copy of this environment. */
    static RunnerProcess start(Path workDir, Path logDir, String name, Map<String, String> env, String... args) throws IOException {
        var command = new java.util.ArrayList<String>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-jar");
        command.add(JAR.toString());
        command.addAll(java.util.List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        Map<String, String> environment = builder.environment();
        RunnerEnvironment.scrub(environment);
        environment.putAll(env);
        Files.createDirectories(logDir);
        Path out = logDir.resolve(name + ".out");
        Path err = logDir.resolve(name + ".err");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile());
        long started = System.nanoTime();
        return new RunnerProcess(builder.start(), Integer.parseInt(env.getOrDefault("PORT", "3000")), out, err, started);
    }

    /** Waits until the runner answers; returns the milliseconds from process start to that first answer. */
    long awaitFirstAnswer(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the runner exited with " + process.exitValue() + ": " + Files.readString(stderr)
                        + Files.readString(stdout));
            }
            try {
                HttpResponse<String> r = send("POST", "/_local/token", null,
                        "{\"sub\":\"probe\",\"org_id\":\"org_probe\",\"role\":\"admin\"}");
                if (r.statusCode() == 200) {
                    return (System.nanoTime() - startedNanos) / 1_000_000;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the runner did not answer within " + timeout + ": " + Files.readString(stdout)
                + Files.readString(stderr));
    }

    HttpResponse<String> send(String method, String path, String token, String body) throws IOException, InterruptedException {
        return new RunnerApi("http://127.0.0.1:" + port).send(method, path, token, body);
    }

    /** A browser-like request to an absolute URL (no redirects followed). */
    HttpResponse<String> browser(String method, String url, String form) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .method(method, form == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(form));
        if (form != null) {
            request.header("Content-Type", "application/x-www-form-urlencoded");
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Sends and expects {@code status}; returns the JSON body. */
    JsonNode call(int status, String method, String path, String token, String body) throws Exception {
        HttpResponse<String> r = send(method, path, token, body);
        if (r.statusCode() != status) {
            throw new AssertionError(method + " " + path + " answered " + r.statusCode() + " (expected " + status + "): " + r.body());
        }
        return JSON.readTree(r.body());
    }

    String token(String sub, String org, String role) throws Exception {
        return call(200, "POST", "/_local/token", null,
                "{\"sub\":\"" + sub + "\",\"org_id\":\"" + org + "\",\"role\":\"" + role + "\"}").path("token").asText();
    }

    /** Waits for the process to end by itself; returns its exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the runner did not exit within " + timeout);
        }
        return process.exitValue();
    }

    String stderrText() throws IOException {
        return Files.readString(stderr);
    }

    String stdoutText() throws IOException {
        return Files.readString(stdout);
    }

    static int freePort() {
        return RunnerEnvironment.freePort();
    }

    static Map<String, String> env(Object... pairs) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(String.valueOf(pairs[i]), String.valueOf(pairs[i + 1]));
        }
        return env;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
