package app.credits.lowcredit;

import app.credits.ledger.OrgId;
import app.credits.runtime.Environment;
import app.credits.runtime.UnsubscribeTokens;

import java.net.URI;

/**
 * Where each recipient stops the low-credit emails: {@code UNSUBSCRIBE_URL} (the API's {@code /unsubscribe}) with
 * a token signed for that recipient and that org alone.
 */
public record UnsubscribeLinks(URI page, UnsubscribeTokens tokens) {

    public UnsubscribeLinks {
        String scheme = page.getScheme();
        if (!page.isAbsolute() || !("https".equals(scheme) || "http".equals(scheme)) || page.getHost() == null
                || page.getRawQuery() != null || page.getRawFragment() != null) {
            throw new IllegalArgumentException("UNSUBSCRIBE_URL must be an http(s) URL without a query or fragment, is " + page);
        }
    }

    /**
     * {@code UNSUBSCRIBE_URL} (template.yaml derives it from the API's URL; the local runner points it at itself) and
     * the token secret ({@link UnsubscribeTokens#fromEnvironment}): without either the function refuses to start.
     */
    public static UnsubscribeLinks fromEnvironment(Environment env) {
        URI page;
        try {
            page = URI.create(env.require("UNSUBSCRIBE_URL"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("UNSUBSCRIBE_URL is not a URL: " + e.getMessage(), e);
        }
        return new UnsubscribeLinks(page, UnsubscribeTokens.fromEnvironment(env));
    }

    /** The one-click link of {@code email} for {@code org}'s emails (the token needs no escaping in a query). */
    public URI linkFor(OrgId org, String email) {
        return URI.create(page + "?token=" + tokens.issue(org, email));
    }
}
