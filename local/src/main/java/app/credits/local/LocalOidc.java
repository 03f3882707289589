package app.credits.local;

import app.credits.ledger.Ids;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The local runner as an OpenID Connect provider ({@code /_local/oidc}), so that the Billing page signs in locally
 * exactly as it does against the deployment's issuer: Authorization Code with PKCE (S256 only). Its sign-in form
 * asks for Organization, Role, User and Email, and the access token it issues is the one {@code POST /_local/token}
 * mints (HS256, iss/aud {@code credits-local}); the ID token names this provider as issuer and the client as
 * audience, as OIDC requires. HS256 keys are not published, so the JWKS is empty.
 */
final class LocalOidc implements LocalServer.Extras {
    static final String PREFIX = "/_local/oidc";
    private static final Duration CODE_LIFETIME = Duration.ofMinutes(2);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What an authorization code stands for until the token endpoint redeems it, once. */
    private record Grant(String clientId, String redirectUri, String codeChallenge, String nonce, String scope,
                         Map<String, String> claims, Instant expiresAt) {
    }

    private final String jwtSecret;
    private final Jwt accessTokens;
    private final String runnerUrl;
    private final Clock clock;
    private final Map<String, Grant> grants = new ConcurrentHashMap<>();

    LocalOidc(String jwtSecret, Jwt accessTokens, String runnerUrl, Clock clock) {
        this.jwtSecret = jwtSecret;
        this.accessTokens = accessTokens;
        this.runnerUrl = runnerUrl;
        this.clock = clock;
    }

    /** The issuer as the browser reaches the runner (127.0.0.1 or localhost), so every call stays on one origin. */
    static String issuer(Map<String, List<String>> headers, String runnerUrl) {
        String host = header(headers, "Host").orElse("");
        boolean local = host.matches("(127\\.0\\.0\\.1|localhost)(:[0-9]{1,5})?");
        return (local ? "http://" + host : runnerUrl) + PREFIX;
    }

    @Override
    public Optional<LocalServer.Reply> handle(String method, String path, String rawQuery,
                                             Map<String, List<String>> headers, byte[] body) {
        if (!path.startsWith(PREFIX + "/")) {
            return Optional.empty();
        }
        String issuer = issuer(headers, runnerUrl);
        String query = rawQuery == null ? "" : rawQuery;
        return Optional.ofNullable(switch (method + " " + path.substring(PREFIX.length())) {
            case "GET /.well-known/openid-configuration" -> discovery(issuer);
            case "GET /jwks" -> LocalServer.Reply.json(200, ApiGatewayEvents.JSON.createObjectNode().set("keys",
                    ApiGatewayEvents.JSON.createArrayNode()));
            case "GET /authorize" -> authorize(form(query.getBytes(StandardCharsets.UTF_8)), null);
            case "POST /authorize" -> signIn(form(body));
            case "POST /token" -> token(form(body), issuer);
            default -> null;
        });
    }

    private static LocalServer.Reply discovery(String issuer) {
        ObjectNode d = ApiGatewayEvents.JSON.createObjectNode();
        d.put("issuer", issuer);
        d.put("authorization_endpoint", issuer + "/authorize");
        d.put("token_endpoint", issuer + "/token");
        d.put("jwks_uri", issuer + "/jwks");
        strings(d.putArray("response_types_supported"), "code");
        strings(d.putArray("grant_types_supported"), "authorization_code");
        strings(d.putArray("subject_types_supported"), "public");
        strings(d.putArray("id_token_signing_alg_values_supported"), "HS256");
        strings(d.putArray("code_challenge_methods_supported"), "S256");
        strings(d.putArray("token_endpoint_auth_methods_supported"), "none");
        strings(d.putArray("scopes_supported"), "openid", "email", "profile");
        strings(d.putArray("claims_supported"), "sub", "email", "org_id", "role", "iss", "aud", "exp", "iat", "nonce");
        return LocalServer.Reply.json(200, d);
    }

    /** GET: the sign-in form, once the request is one we may answer (else an error page, never a redirect). */
    private LocalServer.Reply authorize(Map<String, String> request, String problem) {
        Optional<String> refused = refusal(request);
        if (refused.isPresent()) {
            return page(400, "<h1>Sign-in request refused</h1><p role=\"alert\">" + escape(refused.get()) + "</p>");
        }
        StringBuilder hidden = new StringBuilder();
        for (String name : List.of("client_id", "redirect_uri", "state", "nonce", "code_challenge",
                "code_challenge_method", "scope", "response_type")) {
            hidden.append("<input type=\"hidden\" name=\"").append(name).append("\" value=\"")
                    .append(escape(request.getOrDefault(name, ""))).append("\">");
        }
        String role = request.getOrDefault("role", "admin");
        StringBuilder roles = new StringBuilder();
        for (String r : List.of("admin", "member", "staff", "service")) {
            roles.append("<option value=\"").append(r).append('"').append(r.equals(role) ? " selected" : "")
                    .append('>').append(r).append("</option>");
        }
        return page(problem == null ? 200 : 400, "<h1>Sign in to credits-local</h1>"
                + "<p>The local runner stands in for your identity provider: choose who you are.</p>"
                + (problem == null ? "" : "<p role=\"alert\" class=\"problem\">" + escape(problem) + "</p>")
                + "<form method=\"post\" action=\"" + PREFIX + "/authorize\">" + hidden
                + field("org_id", "Organization", request.getOrDefault("org_id", LocalRunner.DEMO_ORG), "text")
                + "<label for=\"role\">Role</label><select id=\"role\" name=\"role\">" + roles + "</select>"
                + field("sub", "User", request.getOrDefault("sub", LocalRunner.DEMO_ADMIN), "text")
                + field("email", "Email", request.getOrDefault("email", "admin@demo.example"), "email")
                + "<button type=\"submit\">Sign in</button></form>");
    }

    /** POST from the form: a code for the client, sent back to its redirect URI with the state it gave. */
    private LocalServer.Reply signIn(Map<String, String> form) {
        Optional<String> refused = refusal(form);
        if (refused.isPresent()) {
            return authorize(form, null);
        }
        Map<String, String> claims = new LinkedHashMap<>();
        claims.put("sub", form.getOrDefault("sub", "").trim());
        claims.put("org_id", form.getOrDefault("org_id", "").trim());
        claims.put("role", form.getOrDefault("role", "").trim());
        String email = form.getOrDefault("email", "").trim();
        if (!Ids.isValid(claims.get("org_id"))) {
            return authorize(form, "Organization must be 1-128 characters of A-Z a-z 0-9 _ . : -");
        }
        if (claims.get("sub").isEmpty()) {
            return authorize(form, "User is required (it becomes the token's sub).");
        }
        if (!LocalExtras.ROLES.contains(claims.get("role"))) {
            return authorize(form, "Role must be one of admin, member, staff, service.");
        }
        if (!email.isEmpty() && !email.contains("@")) {
            return authorize(form, "Email must be an email address, or empty.");
        }
        if (!email.isEmpty()) {
            claims.put("email", email);
        }
        String code = random();
        grants.put(code, new Grant(form.get("client_id"), form.get("redirect_uri"), form.get("code_challenge"),
                form.getOrDefault("nonce", ""), form.getOrDefault("scope", "openid"), Map.copyOf(claims),
                clock.instant().plus(CODE_LIFETIME)));
        String redirect = form.get("redirect_uri");
        String location = redirect + (redirect.contains("?") ? "&" : "?") + "code=" + code
                + "&state=" + URLEncoder.encode(form.getOrDefault("state", ""), StandardCharsets.UTF_8);
        return new LocalServer.Reply(303, Map.of("Location", location, "Cache-Control", "no-store"), new byte[0]);
    }

    /** The token endpoint: redeems a code once, for the client and redirect URI it was issued to, with PKCE. */
    private LocalServer.Reply token(Map<String, String> form, String issuer) {
        if (!"authorization_code".equals(form.get("grant_type"))) {
            return tokenError("unsupported_grant_type", "grant_type must be authorization_code");
        }
        Grant grant = grants.remove(form.getOrDefault("code", ""));
        if (grant == null || grant.expiresAt().isBefore(clock.instant())) {
            return tokenError("invalid_grant", "unknown, used or expired code");
        }
        if (!grant.clientId().equals(form.get("client_id")) || !grant.redirectUri().equals(form.get("redirect_uri"))) {
            return tokenError("invalid_grant", "client_id and redirect_uri must be those of the authorization request");
        }
        if (!grant.codeChallenge().equals(s256(form.getOrDefault("code_verifier", "")))) {
            return tokenError("invalid_grant", "code_verifier does not match the code_challenge (PKCE S256)");
        }
        Duration lifetime = LocalExtras.TOKEN_LIFETIME;
        Map<String, String> idClaims = new LinkedHashMap<>(grant.claims());
        if (!grant.nonce().isEmpty()) {
            idClaims.put("nonce", grant.nonce());
        }
        ObjectNode answer = ApiGatewayEvents.JSON.createObjectNode();
        answer.put("access_token", accessTokens.mint(grant.claims(), lifetime));
        answer.put("token_type", "Bearer");
        answer.put("expires_in", lifetime.toSeconds());
        answer.put("scope", grant.scope());
        answer.put("id_token", new Jwt(jwtSecret, issuer, grant.clientId(), clock).mint(idClaims, lifetime));
        return new LocalServer.Reply(200, Map.of("Content-Type", "application/json", "Cache-Control", "no-store"),
                answer.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Why a sign-in request cannot be answered at all; the redirect URI must be this machine's, and PKCE is required. */
    private static Optional<String> refusal(Map<String, String> request) {
        if (!"code".equals(request.get("response_type"))) {
            return Optional.of("response_type must be code (Authorization Code flow)");
        }
        if (request.getOrDefault("client_id", "").isBlank()) {
            return Optional.of("client_id is required");
        }
        if (!isLocalUrl(request.getOrDefault("redirect_uri", ""))) {
            return Optional.of("redirect_uri must be an http://127.0.0.1 or http://localhost URL");
        }
        if (request.getOrDefault("code_challenge", "").isBlank() || !"S256".equals(request.get("code_challenge_method"))) {
            return Optional.of("PKCE is required: code_challenge with code_challenge_method S256");
        }
        return Optional.empty();
    }

    static boolean isLocalUrl(String url) {
        try {
            URI uri = new URI(url);
            return "http".equals(uri.getScheme()) && uri.getRawUserInfo() == null && uri.getRawFragment() == null
                    && ("127.0.0.1".equals(uri.getHost()) || "localhost".equals(uri.getHost()));
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static LocalServer.Reply tokenError(String error, String description) {
        ObjectNode answer = ApiGatewayEvents.JSON.createObjectNode().put("error", error).put("error_description", description);
        return new LocalServer.Reply(400, Map.of("Content-Type", "application/json", "Cache-Control", "no-store"),
                answer.toString().getBytes(StandardCharsets.UTF_8));
    }

    static String s256(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }

    private static String random() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String field(String name, String label, String value, String type) {
        return "<label for=\"" + name + "\">" + label + "</label><input id=\"" + name + "\" name=\"" + name
                + "\" type=\"" + type + "\" value=\"" + escape(value) + "\" autocomplete=\"off\">";
    }

    private static LocalServer.Reply page(int status, String content) {
        String html = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Sign in · credits-local</title>"
                + "<style>body{font:16px/1.45 system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}"
                + "label{display:block;font-weight:600;margin:.75rem 0 .2rem}input,select{font:inherit;width:100%;padding:.4rem;"
                + "border:1px solid #6b7280;border-radius:4px}button{font:inherit;font-weight:600;margin-top:1rem;padding:.5rem 1rem;"
                + "background:#0b57d0;color:#fff;border:0;border-radius:4px}.problem{color:#a8071a}</style></head><body><main>"
                + content + "</main></body></html>";
        return new LocalServer.Reply(status, Map.of("Content-Type", "text/html; charset=utf-8", "Cache-Control", "no-store",
                "X-Frame-Options", "DENY"), html.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, String> form(byte[] body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
            int eq = pair.indexOf('=');
            if (!pair.isEmpty()) {
                form.putIfAbsent(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                        eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }

    private static void strings(ArrayNode array, String... values) {
        for (String v : values) {
            array.add(v);
        }
    }

    static Optional<String> header(Map<String, List<String>> headers, String name) {
        return headers.entrySet().stream().filter(e -> e.getKey() != null && e.getKey().equalsIgnoreCase(name))
                .flatMap(e -> e.getValue().stream()).findFirst();
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
