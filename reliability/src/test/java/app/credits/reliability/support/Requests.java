package app.credits.reliability.support;

import app.credits.http.testing.Events;
import app.credits.ledger.Credits;
import app.credits.ledger.EntryType;
import app.credits.ledger.Ledger;
import app.credits.ledger.OrgId;
import app.credits.testkit.template.SamTemplate.HttpRoute;
import app.credits.runtime.UnsubscribeTokens;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A valid request for every route of template.yaml, held as data keyed by route: the authorization matrix sends
 * them in every role × org cell, and the fuzzer mutates them. A route of the template missing here fails the tests.
 */
public final class Requests {

    /** Who asks, about which org, with a suffix that makes this request's ids unique. */
    public record Context(Ledger ledger, String org, String sub, String unique, Instant now) {
    }

    @FunctionalInterface
    public interface Recipe {
        /** Adds path, query, headers and body to {@code base} (which holds the route and the claims). */
        Events build(Context c, Events base);
    }

    /** The unsubscribe links' keys of this suite's deployment ({@link Handlers} hands them to the route). */
    public static final UnsubscribeTokens UNSUBSCRIBE_TOKENS =
            new UnsubscribeTokens("reliability-suite-unsubscribe-secret-0123456789");

    public static final Map<String, Recipe> VALID = Map.ofEntries(
            Map.entry("GET /orgs/{orgId}/balance", (c, e) -> e.org(c.org())),
            Map.entry("GET /orgs/{orgId}/logs", (c, e) -> e.org(c.org()).query("limit", "10")),
            Map.entry("GET /orgs/{orgId}/usage", (c, e) -> e.org(c.org())
                    .query("from", "2026-01-01").query("to", "2026-01-31").query("granularity", "day")),
            Map.entry("POST /orgs/{orgId}/submissions", (c, e) -> e.org(c.org())
                    .body("{\"submissionId\":\"sub-" + c.unique() + "\",\"memberId\":\"" + c.sub() + "\"}")),
            Map.entry("POST /orgs/{orgId}/invites", (c, e) -> e.org(c.org())
                    .body("{\"inviteId\":\"inv-" + c.unique() + "\",\"email\":\"guest@example.com\"}")),
            Map.entry("GET /orgs/{orgId}/invites", (c, e) -> e.org(c.org()).query("status", "pending")),
            Map.entry("DELETE /orgs/{orgId}/invites/{inviteId}", (c, e) -> {
                // A pending invite to revoke, made through the ledger so that only the revoke is under test.
                c.ledger().reserveInvite(OrgId.of(c.org()), "del-" + c.unique(), "guest@example.com", Optional.empty());
                return e.org(c.org()).path("inviteId", "del-" + c.unique());
            }),
            Map.entry("POST /orgs/{orgId}/adjustments", (c, e) -> e.org(c.org()).header("Idempotency-Key", "adj-" + c.unique())
                    .body("{\"credits\":\"2.5\",\"reason\":\"goodwill\",\"kind\":\"bonus\"}")),
            Map.entry("GET /orgs/{orgId}/pricing", (c, e) -> e.org(c.org()).query("credits", "10")),
            Map.entry("POST /orgs/{orgId}/checkout", (c, e) -> e.org(c.org())
                    .body("{\"credits\":5,\"successUrl\":\"http://127.0.0.1:3000/ok\",\"cancelUrl\":\"http://127.0.0.1:3000/no\"}")),
            Map.entry("GET /orgs/{orgId}/settings", (c, e) -> e.org(c.org())),
            Map.entry("PUT /orgs/{orgId}/settings", (c, e) -> e.org(c.org())
                    .body("{\"lowCreditEmails\":true,\"lowCreditThreshold\":\"3\",\"notificationEmails\":[\"admin@example.com\"]}")),
            Map.entry("GET /orgs/{orgId}/plan", (c, e) -> e.org(c.org())),
            Map.entry("PUT /orgs/{orgId}/plan", (c, e) -> e.org(c.org())
                    .body("{\"package\":\"standard\",\"fixedUnitPrice\":null}")),
            Map.entry("GET /orgs/{orgId}/auto-top-up", (c, e) -> e.org(c.org())),
            Map.entry("PUT /orgs/{orgId}/auto-top-up", (c, e) -> e.org(c.org())
                    .body("{\"thresholdCredits\":\"5\",\"topUpCredits\":\"20\",\"monthlyLimit\":3}")),
            Map.entry("GET /orgs/{orgId}/auto-top-up/attempts", (c, e) -> e.org(c.org()).query("limit", "10")),
            Map.entry("POST /webhooks/stripe", (c, e) -> {
                String payload = app.credits.runtime.Json.write(StripeEvents.purchase(c.org(), 3).completed());
                return e.header("stripe-signature", app.credits.testkit.stripe.WebhookSignatures.sign(payload, StripeEvents.SECRET, c.now()))
                        .body(payload);
            }),
            Map.entry("GET /unsubscribe", (c, e) -> e.query("token",
                    UNSUBSCRIBE_TOKENS.issue(OrgId.of(c.org()), "ops-" + c.unique() + "@example.com"))),
            Map.entry("POST /unsubscribe", (c, e) -> e.query("token",
                            UNSUBSCRIBE_TOKENS.issue(OrgId.of(c.org()), "ops-" + c.unique() + "@example.com"))
                    .header("content-type", "application/x-www-form-urlencoded").body("List-Unsubscribe=One-Click")));

    private Requests() {
    }

    public static Recipe recipe(HttpRoute route) {
        Recipe recipe = VALID.get(route.routeKey());
        if (recipe == null) {
            throw new AssertionError("template.yaml deploys " + route.routeKey() + " but the reliability tests have no valid "
                    + "request for it: add it to Requests.VALID (and the authorization matrix's expected roles)");
        }
        return recipe;
    }

    /** Enough credits for any number of cells. */
    public static void fund(Ledger ledger, String org, long credits) {
        ledger.adjust(OrgId.of(org), "test-funding", EntryType.BONUS, Credits.whole(credits), "test funding");
    }
}
