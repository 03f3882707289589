package app.credits.bench.web;

import app.credits.testkit.local.RunnerEnvironment;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * The Billing page's budget, as numbers (never asserted): the bytes of a first load, raw, gzip and brotli (what
 * CloudFront sends with Compress on), and the time from navigation to the numbers shown, in Debian's Chromium
 * against the local runner (local/target/credits-local.jar, started here on free ports).
 *
 * <p>Usage: {@code java -cp bench/target/bench.jar app.credits.bench.web.BillingPageBench [--runs N]} from the
 * repository root (needs /usr/bin/chromium, /usr/bin/chromedriver, node for brotli).
 */
public final class BillingPageBench {
    private static final String PAGE = "/app/admin/billing/credits";
    /** Records when "Credits left" first shows a number, in ms since navigation start (performance.now()). */
    private static final String WATCH = """
            new MutationObserver((changes, observer) => {
              for (const dt of document.querySelectorAll('dt')) {
                if (dt.textContent.trim() === 'Credits left' && /^-?[0-9]/.test(dt.nextElementSibling?.textContent.trim() ?? '')) {
                  window.__numbersAt = performance.now();
                  observer.disconnect();
                }
              }
            }).observe(document, {subtree: true, childList: true, characterData: true});
            """;

    public static void main(String[] args) throws Exception {
        int runs = args.length == 2 && args[0].equals("--runs") ? Integer.parseInt(args[1]) : 15;
        Path repo = Path.of("").toAbsolutePath();
        Path jar = repo.resolve("local/target/credits-local.jar");
        Path dist = repo.resolve("web/target/dist");
        if (!Files.isRegularFile(jar) || !Files.isDirectory(dist)) {
            throw new IllegalStateException("run from the repository root after building local (and web): " + jar);
        }
        Path work = Files.createTempDirectory("billing-bench-");
        int port = RunnerEnvironment.freePort();
        ProcessBuilder builder = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-jar",
                jar.toString(), "--no-schedule").directory(repo.toFile()).redirectErrorStream(true)
                .redirectOutput(work.resolve("runner.log").toFile());
        RunnerEnvironment.scrub(builder.environment());
        builder.environment().put("PORT", String.valueOf(port));
        builder.environment().put("DYNAMODB_PORT", String.valueOf(RunnerEnvironment.freePort()));
        builder.environment().put("CREDITS_DATA_DIR", work.resolve("data").toString());
        Process runner = builder.start();
        String base = "http://127.0.0.1:" + port;
        ChromeDriver browser = null;
        try {
            awaitPage(base);
            post(base + "/_local/simulate-purchase", "{\"orgId\":\"org_bench\",\"credits\":25}");
            browser = chromium(work);
            double afterSignIn = signIn(browser, base);

            List<String> files = firstLoadFiles(browser);
            printWeight(dist, files);

            List<Double> times = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                browser.get(base + PAGE);
                times.add(numbersShownAt(browser));
            }
            times.sort(Comparator.naturalOrder());
            System.out.println();
            System.out.println("| time from navigation to numbers shown (Credits left), signed in | ms |");
            System.out.println("|---|---:|");
            System.out.printf("| back from the sign-in form (code exchange, then the functions' first calls) | %.0f |%n", afterSignIn);
            System.out.printf("| signed in, median of %d loads | %.0f |%n", times.size(), times.get(times.size() / 2));
            System.out.printf("| fastest / slowest of those | %.0f / %.0f |%n", times.getFirst(), times.getLast());
        } finally {
            if (browser != null) {
                browser.quit();
            }
            runner.destroy();
            runner.waitFor(15, TimeUnit.SECONDS);
        }
    }

    private static ChromeDriver chromium(Path work) throws IOException {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(new File("/usr/bin/chromium"));
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--window-size=1280,800", "--user-data-dir=" + Files.createDirectories(work.resolve("profile")));
        ChromeDriver driver = new ChromeDriver(new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build(), options);
        driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", WATCH));
        return driver;
    }

    /** Signs in through the runner's form; returns the time to numbers of the navigation back to the page. */
    private static double signIn(ChromeDriver browser, String base) {
        browser.get(base + PAGE);
        waitFor(() -> !browser.findElements(By.id("org_id")).isEmpty());
        browser.findElement(By.id("org_id")).clear();
        browser.findElement(By.id("org_id")).sendKeys("org_bench");
        new Select(browser.findElement(By.id("role"))).selectByValue("admin");
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        return numbersShownAt(browser);
    }

    private static double numbersShownAt(ChromeDriver browser) {
        Object[] at = new Object[1];
        waitFor(() -> (at[0] = browser.executeScript("return window.__numbersAt ?? null")) != null);
        return ((Number) at[0]).doubleValue();
    }

    /** What a signed-in first load fetches from the page's own origin (its files, not the API's answers). */
    @SuppressWarnings("unchecked")
    private static List<String> firstLoadFiles(ChromeDriver browser) {
        List<String> names = (List<String>) browser.executeScript(
                "return [location.pathname, ...performance.getEntriesByType('resource').map(e => new URL(e.name).pathname)]"
                        + ".filter(p => p.startsWith('" + PAGE + "'))");
        return names.stream().map(p -> p.equals(PAGE) || !p.substring(PAGE.length() + 1).contains(".") ? "index.html"
                : p.substring(PAGE.length() + 1)).distinct().toList();
    }

    private static void printWeight(Path dist, List<String> files) throws IOException, InterruptedException {
        System.out.println("| first load of the page (files its origin serves) | raw bytes | gzip -9 | brotli -11 |");
        System.out.println("|---|---:|---:|---:|");
        long raw = 0;
        long gzip = 0;
        long brotli = 0;
        for (String file : files) {
            byte[] content = file.equals("config.json")
                    ? "{\"authority\":\"https://auth.example.com/\",\"clientId\":\"billing-page\",\"scope\":\"openid email profile\",\"apiBase\":\"\"}"
                    .getBytes(StandardCharsets.UTF_8)
                    : Files.readAllBytes(dist.resolve(file));
            long g = gzip(content);
            long b = brotli(content);
            System.out.printf("| %s | %d | %d | %d |%n", file, content.length, g, b);
            raw += content.length;
            gzip += g;
            brotli += b;
        }
        System.out.printf("| **total** | %d | **%d (%.1f KB)** | **%d (%.1f KB)** |%n", raw, gzip, gzip / 1024.0, brotli, brotli / 1024.0);
    }

    private static long gzip(byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out) {
            {
                def.setLevel(Deflater.BEST_COMPRESSION);
            }
        }) {
            gz.write(content);
        }
        return out.size();
    }

    /** Brotli through Node.js's zlib (the JDK has none). */
    private static long brotli(byte[] content) throws IOException, InterruptedException {
        Process node = new ProcessBuilder("node", "-e", "const z = require('zlib'); let b = [];"
                + " process.stdin.on('data', d => b.push(d)).on('end', () => console.log(z.brotliCompressSync(Buffer.concat(b),"
                + " {params: {[z.constants.BROTLI_PARAM_QUALITY]: 11}}).length));").start();
        node.getOutputStream().write(content);
        node.getOutputStream().close();
        String answer = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        node.waitFor(30, TimeUnit.SECONDS);
        return Long.parseLong(answer);
    }

    private static void awaitPage(String base) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + PAGE
                        + "/config.json")).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the runner did not start");
    }

    private static void post(String url, String json) throws Exception {
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(json))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
