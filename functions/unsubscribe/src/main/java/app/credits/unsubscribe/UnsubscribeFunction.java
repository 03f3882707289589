package app.credits.unsubscribe;

import app.credits.http.ApiError;
import app.credits.http.Call;
import app.credits.http.HttpFunction;
import app.credits.http.HttpResponse;
import app.credits.http.Route;
import app.credits.ledger.Ledger;
import app.credits.runtime.Environment;
import app.credits.runtime.Html;
import app.credits.runtime.Json;
import app.credits.runtime.Ledgers;
import app.credits.runtime.UnsubscribeTokens;
import app.credits.runtime.UnsubscribeTokens.Recipient;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET} and {@code POST /unsubscribe?token=…}: one recipient stops an org's low-credit emails with the signed
 * token of the link in their email, without signing in. No JWT: the token says who, and only for that org and
 * that address.
 * <ul>
 * <li>{@code GET} answers a confirmation page whose button POSTs, and changes nothing: mail scanners and link
 * previews follow the links of an email, and must not unsubscribe anyone.</li>
 * <li>{@code POST} is RFC 8058's one-click, which mail providers send on the user's behalf (body
 * {@code List-Unsubscribe=One-Click}, no cookie, no session): it records the unsubscribe, which the next run of
 * the check already honours. Repeating it changes nothing.</li>
 * </ul>
 * A missing, tampered or foreign token is a {@code 400} in the contract's error shape, and nothing is written.
 */
public final class UnsubscribeFunction extends HttpFunction {
    public static final String CONFIRM = "GET /unsubscribe";
    public static final String UNSUBSCRIBE = "POST /unsubscribe";
    /** Counted once per unsubscribe recorded. */
    public static final String UNSUBSCRIBED_METRIC = "LowCreditEmailUnsubscribes";

    /**
     * The pages hold the token (in the form's action): kept out of caches, referrers, search engines and frames
     * (a framed page could trick a click on its button).
     */
    private static final Map<String, String> PAGE_HEADERS = pageHeaders();

    private final Ledger ledger;
    private final UnsubscribeTokens tokens;

    /** Lambda's constructor: the ledger from TABLE_NAME, the token secret from SSM (refuses to start without it). */
    public UnsubscribeFunction() {
        this(Ledgers.fromEnvironment(), UnsubscribeTokens.fromEnvironment(Environment.system()));
    }

    public UnsubscribeFunction(Ledger ledger, UnsubscribeTokens tokens) {
        this.ledger = ledger;
        this.tokens = tokens;
    }

    @Override
    protected List<Route> declareRoutes() {
        return List.of(Route.open(CONFIRM, this::confirm), Route.open(UNSUBSCRIBE, this::unsubscribe));
    }

    private HttpResponse confirm(Call call) {
        String token = call.query("token").orElse("");
        Recipient recipient = recipient(call);
        call.outcome("confirmation_page");
        return page(200, "Unsubscribe from low-credit emails",
                "<p>Stop the low-credit emails of <strong>" + Html.escape(recipient.org().value()) + "</strong> to <strong>"
                        + Html.escape(recipient.email()) + "</strong>?</p>"
                        // Relative to this page's own URL, so it works behind any host or stage.
                        + "<form method=\"post\" action=\"?token=" + Html.escape(token) + "\">"
                        + "<input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">"
                        + "<button type=\"submit\">Unsubscribe</button></form>");
    }

    private HttpResponse unsubscribe(Call call) {
        Recipient recipient = recipient(call);
        ledger.unsubscribe(recipient.org(), recipient.email());
        call.outcome("unsubscribed");
        call.metrics().count(UNSUBSCRIBED_METRIC);
        if (call.header("Accept").filter(accept -> accept.contains("text/html")).isPresent()) {
            return page(200, "Unsubscribed",
                    "<p><strong>" + Html.escape(recipient.email()) + "</strong> will get no more low-credit emails of <strong>"
                            + Html.escape(recipient.org().value()) + "</strong>.</p>");
        }
        return HttpResponse.json(200, Json.object()
                .put("orgId", recipient.org().value())
                .put("email", recipient.email())
                .put("unsubscribed", true));
    }

    /** The recipient the token names; a 400 for anything but a token this deployment signed. */
    private Recipient recipient(Call call) {
        String token = call.query("token").orElseThrow(() -> ApiError.invalidRequest("missing_parameter",
                "token is required: open the unsubscribe link of the email as it is"));
        return tokens.verify(token).orElseThrow(() -> ApiError.invalidRequest("invalid_token",
                "this unsubscribe link is not valid: open the link of the email as it is"));
    }

    private static HttpResponse page(int status, String title, String content) {
        String html = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + Html.escape(title) + "</title>"
                + "<style>body{font-family:sans-serif;line-height:1.5;max-width:36em;margin:3em auto;padding:0 1em}"
                + "button{font-size:1em;padding:.5em 1.5em}</style></head>"
                + "<body><main><h1>" + Html.escape(title) + "</h1>" + content + "</main></body></html>";
        HttpResponse response = HttpResponse.text(status, "text/html; charset=utf-8", html);
        for (Map.Entry<String, String> header : PAGE_HEADERS.entrySet()) {
            response = response.withHeader(header.getKey(), header.getValue());
        }
        return response;
    }

    private static Map<String, String> pageHeaders() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("cache-control", "no-store");
        headers.put("referrer-policy", "no-referrer");
        headers.put("x-robots-tag", "noindex");
        headers.put("x-content-type-options", "nosniff");
        headers.put("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                + "frame-ancestors 'none'; base-uri 'none'");
        return headers;
    }
}
