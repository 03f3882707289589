package app.credits.local;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Billing page at {@code /app/admin/billing/credits}: the web module's built files (on the classpath under
 * {@code credits-web/}), with the SPA rewrite (a sub-path that is not a file gets index.html, as CloudFront's
 * function does in AWS), a {@code config.json} naming this runner as the OIDC provider, and the same security
 * headers as the template's response headers policy, so the browser tests run the page under the real CSP.
 */
final class BillingPage implements LocalServer.Extras {
    static final String PATH = "/app/admin/billing/credits";
    static final String CLIENT_ID = "credits-billing-page";
    private static final String FILES = "credits-web/";
    /** Keep in step with BillingPageSecurityHeaders in template.yaml (there, connect-src adds the issuer). */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
            + "form-action 'self'; frame-ancestors 'none'";
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8",
            "json", "application/json", "txt", "text/plain; charset=utf-8", "svg", "image/svg+xml", "png", "image/png");

    private final String runnerUrl;
    private final ClassLoader classes;

    BillingPage(String runnerUrl) {
        this.runnerUrl = runnerUrl;
        this.classes = BillingPage.class.getClassLoader();
    }

    /** Whether the page's files are in this build (they are, unless the web module was left out). */
    boolean isBuilt() {
        return classes.getResource(FILES + "index.html") != null;
    }

    @Override
    public Optional<LocalServer.Reply> handle(String method, String path, String rawQuery,
                                             Map<String, List<String>> headers, byte[] body) throws IOException {
        if (!(path.equals(PATH) || path.startsWith(PATH + "/")) || !(method.equals("GET") || method.equals("HEAD"))) {
            return Optional.empty();
        }
        String file = path.length() <= PATH.length() + 1 ? "index.html" : path.substring(PATH.length() + 1);
        if (file.equals("config.json")) {
            return Optional.of(reply(200, "json", config(headers)));
        }
        if (file.contains("..") || file.contains("//") || file.contains("%") || file.contains("\\")) {
            return Optional.of(LocalServer.Reply.error(404, "not_found", "route_not_found", "no file " + path));
        }
        byte[] content = read(file);
        String name = file;
        if (content == null && !file.substring(file.lastIndexOf('/') + 1).contains(".")) {
            // A route of the page (e.g. /callback): the page itself, which reads its own URL.
            name = "index.html";
            content = read(name);
        }
        if (content == null) {
            return Optional.of(isBuilt()
                    ? LocalServer.Reply.error(404, "not_found", "route_not_found", "no file " + path)
                    : LocalServer.Reply.error(404, "not_found", "page_not_built",
                            "the Billing page is not in this build: run web/build, then rebuild the runner"));
        }
        return Optional.of(reply(200, name.substring(name.lastIndexOf('.') + 1), content));
    }

    /** What the page needs to know about where it runs: the OIDC provider and client, and the API's base URL. */
    private byte[] config(Map<String, List<String>> headers) {
        ObjectNode config = ApiGatewayEvents.JSON.createObjectNode();
        config.put("authority", LocalOidc.issuer(headers, runnerUrl));
        config.put("clientId", CLIENT_ID);
        config.put("scope", "openid email profile");
        config.put("apiBase", "");
        return config.toString().getBytes(StandardCharsets.UTF_8);
    }

    private byte[] read(String file) throws IOException {
        try (InputStream in = classes.getResourceAsStream(FILES + file)) {
            return in == null ? null : in.readAllBytes();
        }
    }

    private static LocalServer.Reply reply(int status, String extension, byte[] content) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", TYPES.getOrDefault(extension, "application/octet-stream"));
        headers.put("Cache-Control", "no-cache");
        headers.put("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("X-Frame-Options", "DENY");
        headers.put("Referrer-Policy", "strict-origin-when-cross-origin");
        return new LocalServer.Reply(status, headers, content);
    }
}
