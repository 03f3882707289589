package app.credits.webtests;

import com.fasterxml.jackson.databind.JsonNode;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Debian's Chromium driven through chromedriver, and the way a person finds things on a page: by role and
 * accessible name, as Chromium's own accessibility tree computes them (the DevTools Accessibility domain), never
 * by CSS class or test id.
 */
final class Browser implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Duration WAIT = Duration.ofSeconds(20);
    private static final Set<String> FIELD_ROLES = Set.of("textbox", "spinbutton", "combobox", "checkbox", "radio");

    final ChromeDriver driver;
    final Path downloads;
    private final Path profile;

    private Browser(ChromeDriver driver, Path downloads, Path profile) {
        this.driver = driver;
        this.downloads = downloads;
        this.profile = profile;
    }

    static Browser start(Path dir) throws IOException {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new AssertionError("Chromium is missing: apt-get install -y chromium chromium-driver (bin/test does it)");
        }
        Path downloads = Files.createDirectories(dir.resolve("downloads"));
        Path profile = Files.createTempDirectory("credits-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,800", "--user-data-dir=" + profile);
        options.setExperimentalOption("prefs", Map.of("download.default_directory", downloads.toString(),
                "download.prompt_for_download", false));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
                .withLogFile(dir.resolve("chromedriver.log").toFile()).build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.executeCdpCommand("Browser.setDownloadBehavior",
                Map.of("behavior", "allow", "downloadPath", downloads.toString()));
        Browser browser = new Browser(driver, downloads, profile);
        browser.desktop();
        return browser;
    }

    /** 1280×800, as on a laptop. */
    void desktop() {
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", 1280, "height", 800, "deviceScaleFactor", 1, "mobile", false));
    }

    /** 390×844, a phone held upright. */
    void phone() {
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", 390, "height", 844, "deviceScaleFactor", 1, "mobile", true));
    }

    void open(String url) {
        driver.get(url);
    }

    // ------------------------------------------------------------------ finding things as a person would

    /** The one element with this role and accessible name; waits for it to appear. */
    WebElement byRole(String role, String name) {
        return waitFor(() -> find(Set.of(role), name).stream().findFirst().orElse(null), role + " \"" + name + "\"");
    }

    /** The form field (text box, number, select, check box, radio) labelled {@code label}. */
    WebElement field(String label) {
        return waitFor(() -> find(FIELD_ROLES, label).stream().findFirst().orElse(null), "a field labelled \"" + label + "\"");
    }

    boolean isShown(String role, String name) {
        return !find(Set.of(role), name).isEmpty();
    }

    /** The value shown for a term of a description list ("Credits left" → "16"), once it is no longer loading. */
    String valueOf(String term) {
        WebElement dt = byRole("term", term);
        WebElement dd = dt.findElement(By.xpath("following-sibling::dd[1]"));
        return waitFor(() -> {
            String text = dd.getText().trim();
            return text.isEmpty() || text.equals("…") ? null : text;
        }, "a value for \"" + term + "\"");
    }

    /** The text of the alert inside the section headed {@code heading}, once there is one. */
    String alertIn(String heading) {
        WebElement section = byRole("heading", heading).findElement(By.xpath("ancestor::section[1]"));
        return waitFor(() -> section.findElements(By.cssSelector("[role=alert]")).stream().map(WebElement::getText)
                .filter(t -> !t.isBlank()).findFirst().orElse(null), "an alert under \"" + heading + "\"");
    }

    /** Waits until the page's text contains {@code text} (what a person reads). */
    void awaitText(String text) {
        waitFor(() -> driver.findElement(By.tagName("body")).getText().contains(text) ? Boolean.TRUE : null,
                "the text \"" + text + "\"");
    }

    String text() {
        return driver.findElement(By.tagName("body")).getText();
    }

    void type(WebElement field, String text) {
        field.clear();
        field.sendKeys(text);
    }

    @SuppressWarnings("unchecked")
    private List<WebElement> find(Set<String> roles, String name) {
        Map<String, Object> document = driver.executeCdpCommand("DOM.getDocument", Map.of("depth", 0));
        Object rootId = ((Map<String, Object>) document.get("root")).get("nodeId");
        Map<String, Object> found = driver.executeCdpCommand("Accessibility.queryAXTree",
                Map.of("nodeId", rootId, "accessibleName", name));
        List<WebElement> elements = new ArrayList<>();
        for (Map<String, Object> node : (List<Map<String, Object>>) found.get("nodes")) {
            Map<String, Object> role = (Map<String, Object>) node.get("role");
            if (Boolean.TRUE.equals(node.get("ignored")) || node.get("backendDOMNodeId") == null
                    || role == null || !roles.contains(String.valueOf(role.get("value")))) {
                continue;
            }
            Map<String, Object> resolved = driver.executeCdpCommand("DOM.resolveNode",
                    Map.of("backendNodeId", node.get("backendDOMNodeId")));
            String objectId = String.valueOf(((Map<String, Object>) resolved.get("object")).get("objectId"));
            String mark = UUID.randomUUID().toString();
            driver.executeCdpCommand("Runtime.callFunctionOn", Map.of("objectId", objectId,
                    "functionDeclaration", "function (mark) { this.setAttribute('data-found-as', mark); }",
                    "arguments", List.of(Map.of("value", mark))));
            elements.addAll(driver.findElements(By.cssSelector("[data-found-as='" + mark + "']")));
        }
        return elements;
    }

    <T> T waitFor(Supplier<T> condition, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                T value = condition.get();
                if (value != null) {
                    return value;
                }
            } catch (RuntimeException e) {
                last = e; // the page is re-rendering: look again
            }
            sleep(100);
        }
        throw new AssertionError("waited " + WAIT.toSeconds() + " s for " + what + " on " + driver.getCurrentUrl()
                + "\n--- page text ---\n" + safeText(), last);
    }

    private String safeText() {
        try {
            return text();
        } catch (RuntimeException e) {
            return "(unreadable: " + e + ")";
        }
    }

    // ------------------------------------------------------------------ evidence

    /** A PNG of what the viewport shows now. */
    Path screenshot(String name) throws IOException {
        Path dir = Files.createDirectories(Path.of(System.getProperty("screenshots.dir", "target/screenshots")));
        Path file = dir.resolve(name + ".png");
        Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        return file;
    }

    /** axe-core's violations of impact serious or critical on the page as it is now: "id (impact): targets". */
    List<String> seriousAccessibilityViolations() throws IOException {
        Path axe = Runner.REPO.resolve("web/node_modules/axe-core/axe.min.js");
        if (!Files.isRegularFile(axe)) {
            throw new AssertionError(axe + " is missing: run web/build (npm ci installs axe-core)");
        }
        String script = Files.readString(axe) + "\nconst done = arguments[arguments.length - 1];"
                + "axe.run(document, {resultTypes: ['violations']}).then(r => done(JSON.stringify(r.violations)),"
                + " e => done(JSON.stringify({error: String(e)})));";
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
        JsonNode violations = Runner.JSON.readTree((String) ((JavascriptExecutor) driver).executeAsyncScript(script));
        if (violations.has("error")) {
            throw new AssertionError("axe-core failed: " + violations);
        }
        List<String> serious = new ArrayList<>();
        for (JsonNode v : violations) {
            String impact = v.path("impact").asText();
            if (impact.equals("serious") || impact.equals("critical")) {
                List<String> targets = new ArrayList<>();
                v.path("nodes").forEach(n -> targets.add(n.path("target").toString()));
                serious.add(v.path("id").asText() + " (" + impact + "): " + v.path("help").asText() + " " + targets);
            }
        }
        return serious;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        driver.quit();
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }
}
