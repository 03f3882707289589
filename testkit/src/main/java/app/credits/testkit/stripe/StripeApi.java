package app.credits.testkit.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stripe's REST API over the {@link StripeAccount}: routing, API keys, form parameters, idempotency keys,
 * {@code expand[]}, Stripe's error shape and headers, faults. Whoever serves HTTP (the stand-in's own server, or the
 * local runner under {@code /_local/stripe}) hands each request here and writes the answer back.
 */
final class StripeApi {

    /** What the HTTP side must do: answer, drop the connection, or hold it unanswered until the client gives up. */
    enum Disposition { ANSWER, DISCONNECT, HOLD }

    record Request(String method, String path, String rawQuery, Map<String, List<String>> headers, byte[] body) {
        Optional<String> header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream()).findFirst();
        }
    }

    record Answer(int status, Map<String, String> headers, byte[] body, Disposition disposition) {
        Answer with(String header, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(header, value);
            return new Answer(status, more, body, disposition);
        }

        Answer as(Disposition other) {
            return new Answer(status, headers, body, other);
        }
    }

    private record Route(String method, Pattern path, BiFunction<Matcher, Call, JsonNode> operation) {
    }

    /** One API call being served: its parameters and the origin its events name. */
    record Call(Params params, Origin origin) {
    }

    private final StripeAccount account;
    private final EventLog events;
    private final Webhooks webhooks;
    private final Faults faults;
    private final Idempotency idempotency;
    private final Clock clock;
    private final String apiVersion;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<Route> routes = new ArrayList<>();
    private volatile Set<String> apiKeys = Set.of();

    StripeApi(StripeAccount account, EventLog events, Webhooks webhooks, Faults faults, Clock clock, String apiVersion) {
        this.account = account;
        this.events = events;
        this.webhooks = webhooks;
        this.faults = faults;
        this.idempotency = new Idempotency(clock);
        this.clock = clock;
        this.apiVersion = apiVersion;
        declareRoutes();
    }

    private void declareRoutes() {
        String id = "([A-Za-z0-9_]+)";
        route("POST", "/v1/customers", (m, c) -> account.createCustomer(c.params(), c.origin()));
        route("GET", "/v1/customers", (m, c) -> {
            c.params().allowOnly(Set.of("email", "limit", "starting_after", "ending_before", "created", "expand"));
            Optional<String> email = c.params().string("email");
            return account.list("customer", o -> email.isEmpty() || email.get().equals(o.path("email").asText()),
                    c.params(), "/v1/customers");
        });
        route("GET", "/v1/customers/" + id, (m, c) -> retrieve(c, () -> account.get(m.group(1), "customer", "customer", "id")));
        route("POST", "/v1/customers/" + id, (m, c) -> account.updateCustomer(m.group(1), c.params(), c.origin()));
        route("GET", "/v1/customers/" + id + "/payment_methods", (m, c) -> customerPaymentMethods(m.group(1), c.params()));
        route("GET", "/v1/payment_methods", (m, c) -> customerPaymentMethods(c.params().required("customer"), c.params()));
        route("GET", "/v1/payment_methods/" + id,
                (m, c) -> retrieve(c, () -> account.get(m.group(1), "payment_method", "PaymentMethod", "payment_method")));
        route("POST", "/v1/payment_methods/" + id + "/attach", (m, c) -> {
            c.params().allowOnly(Set.of("customer", "expand"));
            return account.attach(m.group(1), c.params().required("customer"), "payment_method", c.origin());
        });
        route("POST", "/v1/payment_methods/" + id + "/detach", (m, c) -> {
            c.params().allowOnly(Set.of("expand"));
            return account.detach(m.group(1), c.origin());
        });
        route("POST", "/v1/payment_intents", (m, c) -> account.createPaymentIntent(c.params(), c.origin()));
        route("GET", "/v1/payment_intents", (m, c) -> {
            c.params().allowOnly(Set.of("customer", "limit", "starting_after", "ending_before", "created", "expand"));
            Optional<String> customer = c.params().string("customer");
            return account.list("payment_intent", o -> customer.isEmpty() || customer.get().equals(o.path("customer").asText()),
                    c.params(), "/v1/payment_intents");
        });
        route("GET", "/v1/payment_intents/" + id,
                (m, c) -> retrieve(c, () -> account.get(m.group(1), "payment_intent", "payment_intent", "intent")));
        route("POST", "/v1/payment_intents/" + id + "/confirm",
                (m, c) -> account.confirmPaymentIntent(m.group(1), c.params(), c.origin()));
        route("POST", "/v1/checkout/sessions", (m, c) -> account.createCheckoutSession(c.params(), c.origin()));
        route("GET", "/v1/checkout/sessions", (m, c) -> {
            c.params().allowOnly(Set.of("payment_intent", "customer", "status", "limit", "starting_after", "ending_before",
                    "created", "expand"));
            Map<String, Optional<String>> wanted = Map.of("payment_intent", c.params().string("payment_intent"),
                    "customer", c.params().string("customer"), "status", c.params().string("status"));
            return account.list("checkout.session", o -> wanted.entrySet().stream().allMatch(w -> w.getValue().isEmpty()
                    || w.getValue().get().equals(o.path(w.getKey()).asText())), c.params(), "/v1/checkout/sessions");
        });
        route("GET", "/v1/checkout/sessions/" + id,
                (m, c) -> retrieve(c, () -> account.get(m.group(1), "checkout.session", "checkout.session", "session")));
        route("POST", "/v1/checkout/sessions/" + id + "/expire", (m, c) -> {
            c.params().allowOnly(Set.of("expand"));
            return account.expireCheckoutSession(m.group(1), c.origin());
        });
        route("GET", "/v1/charges", (m, c) -> {
            c.params().allowOnly(Set.of("payment_intent", "customer", "limit", "starting_after", "ending_before", "created",
                    "expand"));
            Optional<String> pi = c.params().string("payment_intent");
            Optional<String> customer = c.params().string("customer");
            return account.list("charge", o -> (pi.isEmpty() || pi.get().equals(o.path("payment_intent").asText()))
                    && (customer.isEmpty() || customer.get().equals(o.path("customer").asText())), c.params(), "/v1/charges");
        });
        route("GET", "/v1/charges/" + id, (m, c) -> retrieve(c, () -> account.get(m.group(1), "charge", "charge", "charge")));
        route("POST", "/v1/refunds", (m, c) -> account.createRefund(c.params(), c.origin()));
        route("GET", "/v1/refunds/" + id, (m, c) -> retrieve(c, () -> account.get(m.group(1), "refund", "refund", "refund")));
        route("GET", "/v1/disputes/" + id, (m, c) -> retrieve(c, () -> account.get(m.group(1), "dispute", "dispute", "dispute")));
        route("GET", "/v1/events", (m, c) -> events.list(c.params(), r -> webhooks.deliveredToAll(r.id())));
        route("GET", "/v1/events/" + id, (m, c) -> retrieve(c, () -> events.find(m.group(1))
                .map(r -> r.event().deepCopy()).orElseThrow(() -> StripeError.noSuch("event", m.group(1), "id"))));
    }

    private void route(String method, String path, BiFunction<Matcher, Call, JsonNode> operation) {
        routes.add(new Route(method, Pattern.compile(path), operation));
    }

    private JsonNode retrieve(Call c, java.util.function.Supplier<ObjectNode> find) {
        c.params().allowOnly(Set.of("expand"));
        return find.get();
    }

    private JsonNode customerPaymentMethods(String customerId, Params params) {
        params.allowOnly(Set.of("customer", "type", "limit", "starting_after", "ending_before", "expand", "allow_redisplay"));
        account.get(customerId, "customer", "customer", "customer");
        Optional<String> type = params.string("type");
        return account.list("payment_method", o -> customerId.equals(o.path("customer").asText())
                        && (type.isEmpty() || type.get().equals(o.path("type").asText())), params,
                "/v1/customers/" + customerId + "/payment_methods");
    }

    /** Only these secret keys are accepted (empty: any {@code sk_test_} or {@code rk_test_} key). */
    void acceptOnly(Set<String> keys) {
        this.apiKeys = Set.copyOf(keys);
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    void clear() {
        received.clear();
        idempotency.clear();
    }

    Answer handle(Request request) {
        String requestId = StripeJson.id("req_", 14);
        String endpoint = Received.endpointOf(request.method(), request.path());
        Params params;
        try {
            params = Params.parse(request.method().equals("GET") || request.method().equals("DELETE")
                    ? request.rawQuery() : new String(request.body(), StandardCharsets.UTF_8));
        } catch (StripeError e) {
            record(request, endpoint, Params.empty());
            return error(e, requestId, request);
        }
        record(request, endpoint, params);
        Optional<Faults.Fault> fault = faults.take(endpoint);
        if (fault.isPresent() && fault.get().kind == Faults.Fault.Kind.DISCONNECT_BEFORE) {
            return new Answer(0, Map.of(), new byte[0], Disposition.DISCONNECT);
        }
        if (fault.isPresent() && fault.get().kind == Faults.Fault.Kind.ANSWER_BEFORE) {
            return json(fault.get().status, fault.get().body, requestId, request);
        }
        Optional<String> apiKey = apiKey(request);
        try {
            if (apiKey.isEmpty()) {
                throw StripeError.authentication("You did not provide an API key. You need to provide your API key in the "
                        + "Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').");
            }
            if (!accepted(apiKey.get())) {
                String key = apiKey.get();
                throw StripeError.authentication("Invalid API Key provided: " + key.substring(0, Math.min(8, key.length()))
                        + "****" + key.substring(Math.max(0, key.length() - 4)));
            }
        } catch (StripeError e) {
            return error(e, requestId, request);
        }
        Optional<String> key = request.header("Idempotency-Key").filter(k -> request.method().equals("POST"));
        Answer answer;
        if (key.isEmpty()) {
            answer = perform(request, params, new Origin(requestId, null, true), requestId);
        } else {
            String scoped = apiKey.get() + "\n" + key.get();
            String fingerprint = endpoint + " " + request.path() + " " + params.fingerprint();
            Idempotency.Begin begin = idempotency.begin(scoped, fingerprint);
            answer = switch (begin) {
                case Idempotency.Replay(Answer saved, String original) -> saved.with("Idempotent-Replayed", "true")
                        .with("Original-Request", original).with("Request-Id", requestId);
                case Idempotency.Refused(StripeError e) -> error(e, requestId, request);
                case Idempotency.Proceed p -> {
                    // perform() answers every failure (a crash is a 500, kept like Stripe keeps it): finish() always runs.
                    Answer done = perform(request, params, new Origin(requestId, key.get(), true), requestId);
                    idempotency.finish(scoped, fingerprint, done, requestId);
                    yield done;
                }
            };
            answer = answer.with("Idempotency-Key", key.get());
        }
        webhooks.flush();
        if (fault.isPresent() && fault.get().kind == Faults.Fault.Kind.TIMEOUT_AFTER) {
            return answer.as(Disposition.HOLD);
        }
        return answer;
    }

    private Answer perform(Request request, Params params, Origin origin, String requestId) {
        for (Route route : routes) {
            Matcher m = route.path().matcher(request.path());
            if (m.matches() && route.method().equals(request.method())) {
                try {
                    JsonNode result = route.operation().apply(m, new Call(params, origin));
                    if (result instanceof ObjectNode object) {
                        expand(object, params.strings("expand"));
                    }
                    return json(200, result, requestId, request);
                } catch (StripeError e) {
                    return error(e, requestId, request);
                } catch (RuntimeException e) {
                    return error(StripeError.of(500, "api_error", null, "The Stripe stand-in failed: " + e), requestId, request);
                }
            }
        }
        return error(StripeError.of(404, "invalid_request_error", null, "Unrecognized request URL (" + request.method()
                + ": " + request.path() + "). Please see https://stripe.com/docs or we can help at https://support.stripe.com/."),
                requestId, request);
    }

    /** {@code expand[]=payment_intent}, {@code latest_charge}, {@code data.customer} (in lists), {@code a.b}. */
    private void expand(ObjectNode object, List<String> paths) {
        for (String path : paths) {
            expandPath(object, path);
        }
    }

    private void expandPath(ObjectNode node, String path) {
        int dot = path.indexOf('.');
        String field = dot < 0 ? path : path.substring(0, dot);
        String rest = dot < 0 ? "" : path.substring(dot + 1);
        JsonNode value = node.path(field);
        if (field.equals("data") && value.isArray()) {
            value.forEach(item -> {
                if (item instanceof ObjectNode o && !rest.isEmpty()) {
                    expandPath(o, rest);
                }
            });
            return;
        }
        if (field.equals("line_items") && "checkout.session".equals(node.path("object").asText())) {
            ObjectNode list = StripeJson.object();
            list.put("object", "list");
            list.set("data", account.lineItems(node.path("id").asText()));
            list.put("has_more", false);
            list.put("url", "/v1/checkout/sessions/" + node.path("id").asText() + "/line_items");
            node.set("line_items", list);
            return;
        }
        if (value.isTextual()) {
            Optional<ObjectNode> found = account.find(value.asText());
            if (found.isEmpty()) {
                return;
            }
            node.set(field, found.get());
            value = found.get();
        }
        if (!rest.isEmpty() && value instanceof ObjectNode o) {
            expandPath(o, rest);
        }
    }

    private void record(Request request, String endpoint, Params params) {
        Map<String, String> headers = new LinkedHashMap<>();
        request.headers().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values.getFirst()));
        received.add(new Received(request.method(), request.path(), endpoint, headers, params.flat(), clock.instant()));
    }

    private Optional<String> apiKey(Request request) {
        Optional<String> authorization = request.header("Authorization").map(String::trim);
        if (authorization.isEmpty()) {
            return Optional.empty();
        }
        String value = authorization.get();
        if (value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.of(value.substring(7).trim()).filter(k -> !k.isEmpty());
        }
        if (value.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String decoded = new String(Base64.getDecoder().decode(value.substring(6).trim()), StandardCharsets.UTF_8);
                return Optional.of(decoded.contains(":") ? decoded.substring(0, decoded.indexOf(':')) : decoded)
                        .filter(k -> !k.isEmpty());
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private boolean accepted(String key) {
        Set<String> only = apiKeys;
        return only.isEmpty() ? key.startsWith("sk_test_") || key.startsWith("rk_test_") : only.contains(key);
    }

    private Answer error(StripeError e, String requestId, Request request) {
        return json(e.status(), e.body(), requestId, request);
    }

    private Answer json(int status, JsonNode body, String requestId, Request request) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Request-Id", requestId);
        headers.put("Stripe-Version", request.header("Stripe-Version").orElse(apiVersion));
        return new Answer(status, headers, StripeJson.write(body).getBytes(StandardCharsets.UTF_8), Disposition.ANSWER);
    }
}
