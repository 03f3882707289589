package app.credits.reconcile;

import app.credits.runtime.Json;
import app.credits.runtime.StripeClients;
import com.fasterxml.jackson.databind.JsonNode;
import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.net.ApiResource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Stripe's {@code GET /v1/events}, a page of 100 at a time. The events are kept as raw JSON, as Stripe rendered them
 * (each in the API version it was created in), and read by lib/stripe-events like a webhook delivery: stripe-java
 * only carries the request (key, timeouts, retries), its typed models are never used.
 */
public final class StripeEventList {
    /** Stripe's largest page. */
    public static final int PAGE_SIZE = 100;
    /** As every function's Stripe client ({@link StripeClients}). */
    public static final int NETWORK_RETRIES = StripeClients.NETWORK_RETRIES;
    public static final Duration CONNECT_TIMEOUT = StripeClients.CONNECT_TIMEOUT;
    public static final Duration READ_TIMEOUT = StripeClients.READ_TIMEOUT;

    private final StripeClient stripe;

    public StripeEventList(StripeClient stripe) {
        this.stripe = stripe;
    }

    /** {@code apiBase} replaces https://api.stripe.com (STRIPE_API_BASE: the test kit's stand-in, the local runner). */
    public static StripeEventList create(String apiKey, Optional<String> apiBase, Duration readTimeout) {
        return new StripeEventList(StripeClients.create(apiKey, apiBase, CONNECT_TIMEOUT, readTimeout, NETWORK_RETRIES));
    }

    /**
     * Every event of {@code types} created in [{@code fromSecond}, {@code untilSecond}) (Unix seconds), in Stripe's
     * order: newest first. Pages with {@code starting_after} until Stripe says there are no more.
     */
    public List<JsonNode> created(List<String> types, long fromSecond, long untilSecond) throws StripeException {
        List<JsonNode> events = new ArrayList<>();
        Optional<String> after = Optional.empty();
        while (true) {
            JsonNode page = Json.read(stripe.rawRequest(ApiResource.RequestMethod.GET,
                    "/v1/events?" + query(types, fromSecond, untilSecond, after), null).body());
            JsonNode data = page.path("data");
            if (!data.isArray()) {
                throw new IllegalStateException("GET /v1/events answered without a data list");
            }
            data.forEach(events::add);
            if (!page.path("has_more").asBoolean(false) || data.isEmpty()) {
                return events;
            }
            after = Optional.of(data.get(data.size() - 1).path("id").asText());
        }
    }

    private static String query(List<String> types, long fromSecond, long untilSecond, Optional<String> after) {
        StringBuilder q = new StringBuilder("limit=" + PAGE_SIZE);
        param(q, "created[gte]", Long.toString(fromSecond));
        param(q, "created[lt]", Long.toString(untilSecond));
        types.forEach(type -> param(q, "types[]", type));
        after.ifPresent(id -> param(q, "starting_after", id));
        return q.toString();
    }

    private static void param(StringBuilder q, String name, String value) {
        q.append('&').append(URLEncoder.encode(name, StandardCharsets.UTF_8)).append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
}
