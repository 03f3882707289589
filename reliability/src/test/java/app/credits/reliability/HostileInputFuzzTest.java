package app.credits.reliability;

import app.credits.testkit.stripe.WebhookSignatures;
import app.credits.checkout.StripeCheckout;
import app.credits.http.HttpFunction;
import app.credits.http.HttpResponse;
import app.credits.runtime.Json;
import app.credits.http.Role;
import app.credits.http.testing.Events;
import app.credits.http.testing.Responses;
import app.credits.http.testing.TableSnapshot;
import app.credits.http.testing.TestTelemetry;
import app.credits.ledger.Ids;
import app.credits.ledger.OrgId;
import app.credits.ledger.testing.MutableClock;
import app.credits.ledger.testing.TestDynamo;
import app.credits.reliability.support.Handlers;
import app.credits.reliability.support.Requests;
import app.credits.reliability.support.StripeEvents;
import app.credits.testkit.stripe.StripeStandIn;
import app.credits.reliability.support.Tally;
import app.credits.testkit.template.SamTemplate;
import app.credits.testkit.template.SamTemplate.HttpRoute;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Property-based fuzzing (jqwik) of every route template.yaml deploys, through the real handlers: a valid request of
 * the route is mutated (its body truncated, replaced, nested deep, its fields given wrong types, huge or non-finite
 * numbers, control characters, ids shaped like the table's keys; its path ids, query parameters and headers made
 * hostile), signed again when it is a webhook, and sent. The answer is never a 5xx, every error is in the contract's
 * shape, an error writes nothing, and a mutation that is invalid by construction is refused with a 4xx.
 */
class HostileInputFuzzTest {
    static final String ORG = "fuzz-org";
    static final Tally TALLY = new Tally("HostileInputFuzzTest");

    /** Values no route may take as an id, many shaped like the single table's keys. */
    static final List<String> INVALID_IDS = List.of("", " ", "#", "ORG#x", "ORG#" + ORG, "LOG#000000000001", "INV#x",
            "ACCOUNT#", "a#b", "x".repeat(129), "ünïcode", "emoji🙂", "a b", "a/b", "../..", "%2F", "a\u0000b", "\u0000",
            "line\nbreak", "tab\t", "<script>", "' OR 1=1 --", "a,b", "\u202Eevil", "\ud800");

    /** Raw JSON fragments put in place of a field's value. */
    static final List<String> HOSTILE_VALUES = List.of("null", "true", "false", "[]", "{}", "[[[[[]]]]]", "0", "-0",
            "1e400", "-1e400", "1E3", "0.001", "1000001", "-1000000.01", "99999999999999999999999999999",
            "123456789012345678901234567890.5", "\"1e3\"", "\"NaN\"", "\"Infinity\"", "\"0x10\"", "\"1,5\"", "\"0.125\"",
            "\"+1\"", "\" 1\"", "\"\"", "\"\\u0000\"", "\"\\ud800\"", "\"ünïcødé🙂\"", "\"\\n\\r\\t\"",
            "\"ORG#x\"", "\"LOG#000000000001\"", "\"" + "x".repeat(600) + "\"", "\"a@b\"", "\"@\"", "\"not-an-email\"",
            "\"2026-13-45T99:99:99Z\"", "\"1970-01-01T00:00:00Z\"", "\"9999-12-31T23:59:59Z\"", "\"lite\"", "\"bonus\"",
            "[\"a@b.co\"]", "[1,2]", "{\"amount\":-1,\"currency\":\"usd\"}", "{\"amount\":1e30,\"currency\":\"USD\"}");

    static MutableClock clock;
    static TestDynamo.World world;
    static StripeStandIn stripe;
    static Map<String, HttpFunction> functions;
    static final AtomicInteger unique = new AtomicInteger();

    /** A fresh table per property, so that the table scans proving "nothing written" stay small. */
    @BeforeProperty
    void freshWorld() {
        if (stripe == null) {
            stripe = StripeStandIn.start();
        }
        clock = MutableClock.at("2026-11-23T10:00:00Z");
        world = TestDynamo.world(clock);
        functions = Handlers.forTemplate(new Handlers.Wiring(world.ledger(), clock, new TestTelemetry().telemetry(),
                Optional.of(StripeCheckout.create("sk_test_fuzz", Optional.of(stripe.apiBase())))));
        Requests.fund(world.ledger(), ORG, 100_000);
    }

    /** Whatever the property sent, the fuzzed org's books balance. */
    @AfterProperty
    void reconciles() {
        world.assertReconciles(OrgId.of(ORG));
    }

    @AfterContainer
    static void report() {
        if (stripe != null) {
            stripe.close();
        }
        TALLY.report();
    }

    /** A request under test: the API Gateway event as a tree, and whether its mutation is invalid by construction. */
    record Request(HttpRoute route, ObjectNode event) {
        /** The one-click unsubscribe POST does not read its body (RFC 8058's form): the token says everything. */
        boolean readsBody() {
            return (route.method().equals("POST") || route.method().equals("PUT")) && !route.path().equals("/unsubscribe");
        }

        boolean webhook() {
            return route.routeKey().equals(StripeEvents.ROUTE);
        }
    }

    /** A valid request of {@code route}, as staff of the fuzzed org (the webhook ignores the claims). */
    static Request valid(HttpRoute route) {
        Requests.Context context = new Requests.Context(world.ledger(), ORG, "staff_user", "f" + unique.incrementAndGet(),
                clock.instant());
        Events event = Requests.recipe(route).build(context, Events.http(route.routeKey()).claims("staff_user", ORG, Role.STAFF));
        return new Request(route, (ObjectNode) Json.read(new String(event.build(), java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Provide
    Arbitrary<HttpRoute> routes() {
        return Arbitraries.of(SamTemplate.ofRepository().httpRoutes());
    }

    @Provide
    Arbitrary<HttpRoute> readRoutes() {
        return Arbitraries.of(SamTemplate.ofRepository().httpRoutes().stream().filter(r -> r.method().equals("GET")).toList());
    }

    /** A body mutation: its name, the new body given the valid one, and whether it is invalid whatever the route. */
    record BodyMutation(String name, java.util.function.UnaryOperator<String> apply, boolean invalid) {
        @Override
        public String toString() {
            return name;
        }
    }

    @Provide
    Arbitrary<BodyMutation> bodyMutations() {
        Arbitrary<BodyMutation> truncated = Arbitraries.integers().between(0, 10_000).map(cut ->
                new BodyMutation("truncated at " + cut, b -> b.isEmpty() ? b : b.substring(0, cut % b.length()), true));
        Arbitrary<BodyMutation> notAnObject = Arbitraries.of("", "   ", "[]", "[{}]", "\"x\"", "1", "null", "true", "{}{}",
                        "{\"a\":1} trailing", "\uFEFF{}", "{'a':1}", "{a:1}", "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":01}",
                        "{\"a\":1,}", "/* c */{}", "{\"a\":\"\\x\"}")
                .map(text -> new BodyMutation("body " + text, b -> text, !text.equals("{}")));
        Arbitrary<BodyMutation> deep = Arbitraries.integers().between(200, 50_000).map(depth ->
                new BodyMutation("nested " + depth + " deep", b -> "{\"x\":" + "[".repeat(depth) + "]".repeat(depth) + "}", false));
        Arbitrary<BodyMutation> fieldValue = Combinators.combine(Arbitraries.integers().between(0, 20), Arbitraries.of(HOSTILE_VALUES))
                .as((index, value) -> new BodyMutation("field #" + index + " = " + abbreviate(value), b -> replaceField(b, index, value),
                        false));
        Arbitrary<BodyMutation> idValue = Combinators.combine(Arbitraries.integers().between(0, 20), Arbitraries.of(INVALID_IDS))
                .as((index, id) -> new BodyMutation("id field #" + index + " = " + abbreviate(id),
                        b -> replaceIdField(b, index, Json.write(Json.MAPPER.getNodeFactory().textNode(id))), true));
        Arbitrary<BodyMutation> randomText = Arbitraries.strings().all().ofMaxLength(200).map(text ->
                new BodyMutation("field #0 = random text", b -> replaceField(b, 0, Json.write(Json.MAPPER.getNodeFactory().textNode(text))), false));
        Arbitrary<BodyMutation> extra = Combinators.combine(Arbitraries.strings().all().ofMaxLength(40), Arbitraries.of(HOSTILE_VALUES))
                .as((key, value) -> new BodyMutation("extra field", b -> addField(b, key, value), false));
        Arbitrary<BodyMutation> duplicate = Arbitraries.of(HOSTILE_VALUES).map(value ->
                new BodyMutation("first field repeated", b -> duplicateFirstField(b, value), true));
        Arbitrary<BodyMutation> huge = Arbitraries.integers().between(65 * 1024, 200 * 1024).map(size ->
                new BodyMutation("body of " + size + " bytes", b -> addField(b, "padding", "\"" + "p".repeat(size) + "\""), true));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, truncated), net.jqwik.api.Tuple.of(3, notAnObject), net.jqwik.api.Tuple.of(1, deep),
                net.jqwik.api.Tuple.of(5, fieldValue), net.jqwik.api.Tuple.of(4, idValue), net.jqwik.api.Tuple.of(2, randomText),
                net.jqwik.api.Tuple.of(2, extra), net.jqwik.api.Tuple.of(1, duplicate), net.jqwik.api.Tuple.of(1, huge));
    }

    @Property(tries = 400, seed = "20261121")
    void hostileBodiesNeverAnswer5xxAndWhatIsRefusedWritesNothing(@ForAll("routes") HttpRoute route,
                                                                  @ForAll("bodyMutations") BodyMutation mutation,
                                                                  @ForAll boolean signAgain) {
        // GIVEN a valid request of the route whose body is mutated (and a webhook signed again, half of the time)
        Request request = valid(route);
        String body = request.event().path("body").asText("");
        String mutated = mutation.apply().apply(body);
        request.event().put("body", mutated);
        if (request.webhook() && signAgain) {
            ((ObjectNode) request.event().path("headers")).put("stripe-signature",
                    WebhookSignatures.sign(mutated, StripeEvents.SECRET, clock.instant()));
        }
        // THEN (an invalid body of a route that reads one must be refused)
        boolean mustRefuse = mutation.invalid() && request.readsBody() && !mutated.equals(body);
        send(request, mustRefuse, "body: " + mutation);
    }

    @Provide
    Arbitrary<String> invalidIds() {
        return Arbitraries.oneOf(Arbitraries.of(INVALID_IDS),
                Arbitraries.strings().all().ofMinLength(1).ofMaxLength(300).filter(s -> !Ids.isValid(s)));
    }

    @Property(tries = 200, seed = "20261122")
    void hostileIdsInThePathAreRefusedWith400AndWriteNothing(@ForAll("routes") HttpRoute route,
                                                             @ForAll("invalidIds") String id) {
        // GIVEN a valid request of a route with ids in its path, one of them replaced by an invalid id
        Request request = valid(route);
        JsonNode params = request.event().path("pathParameters");
        if (!params.isObject() || params.isEmpty()) {
            send(request, false, "no path ids");
            return;
        }
        List<String> names = new ArrayList<>();
        params.fieldNames().forEachRemaining(names::add);
        String name = names.get(Math.floorMod(id.hashCode(), names.size()));
        ((ObjectNode) params).put(name, id);
        // THEN 400, nothing written
        HttpResponse response = send(request, true, "path " + name + " = " + abbreviate(id));
        if (response.statusCode() != 400 && response.statusCode() != 404) {
            throw new AssertionError(route + " with " + name + "=" + abbreviate(id) + ": expected 400, got "
                    + response.statusCode() + " " + response.body());
        }
    }

    @Provide
    Arbitrary<String> queryNames() {
        return Arbitraries.oneOf(Arbitraries.of("limit", "cursor", "status", "from", "to", "granularity", "credits"),
                Arbitraries.strings().all().ofMaxLength(30));
    }

    @Provide
    Arbitrary<String> queryValues() {
        return Arbitraries.oneOf(
                Arbitraries.of("", "0", "-1", "101", "1e2", "1.5", "NaN", "Infinity", "99999999999999999999", "0x10", "abc",
                        "pending ", "PENDING", "expired", "month", "year", "2026-02-30", "2026-1-1", "0000-00-00",
                        "9999-12-31", "-999999999-01-01", "bG9nOjk5OTk5OTk5OTk5OQ", "bG9nOjE", "aW52OiM=", "inv:#",
                        "log:1", "x".repeat(2000), "%00", "\u0000", "🙂"),
                Arbitraries.strings().all().ofMaxLength(100));
    }

    @Property(tries = 200, seed = "20261123")
    void hostileQueryParametersOfReadsNeverAnswer5xxNorWrite(@ForAll("readRoutes") HttpRoute route,
                                                            @ForAll("queryNames") String name,
                                                            @ForAll("queryValues") String value,
                                                            @ForAll boolean alone) {
        // GIVEN a read whose query parameters are replaced by, or extended with, a hostile one
        Request request = valid(route);
        ObjectNode query = alone || !request.event().path("queryStringParameters").isObject()
                ? request.event().putObject("queryStringParameters")
                : (ObjectNode) request.event().path("queryStringParameters");
        query.put(name, value);
        request.event().put("rawQueryString", name + "=" + value);
        // THEN never a 5xx, and nothing written
        send(request, false, "query " + abbreviate(name) + "=" + abbreviate(value));
    }

    @Provide
    Arbitrary<String> headerNames() {
        return Arbitraries.oneOf(Arbitraries.of("idempotency-key", "stripe-signature", "content-type", "accept",
                "authorization", "content-length", "x-forwarded-for"), Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(20));
    }

    @Property(tries = 200, seed = "20261124")
    void hostileOrMissingHeadersNeverAnswer5xxAndWhatIsRefusedWritesNothing(@ForAll("routes") HttpRoute route,
                                                                           @ForAll("headerNames") String name,
                                                                           @ForAll("queryValues") String value,
                                                                           @ForAll boolean remove) {
        // GIVEN a valid request with one header removed, doubled (API Gateway joins repeats with a comma) or hostile
        Request request = valid(route);
        ObjectNode headers = (ObjectNode) request.event().path("headers");
        String description;
        if (remove) {
            headers.remove(name);
            description = "without header " + name;
        } else if (headers.has(name)) {
            headers.put(name, headers.path(name).asText() + "," + value);
            description = "header " + name + " doubled";
        } else {
            headers.put(name, value);
            description = "header " + name + " = " + abbreviate(value);
        }
        // THEN never a 5xx; a request whose required header is gone is refused, and so is a doubled Idempotency-Key
        // (a doubled Stripe-Signature still holds Stripe's valid signature: Stripe itself sends several during rotation)
        boolean adjustmentKey = name.equals("idempotency-key") && route.routeKey().endsWith("/adjustments");
        boolean signature = name.equals("stripe-signature") && route.routeKey().equals(StripeEvents.ROUTE);
        send(request, remove ? adjustmentKey || signature : adjustmentKey && description.contains("doubled"), description);
    }

    // ---------------------------------------------------------------- plumbing

    static HttpResponse send(Request request, boolean mustRefuse, String what) {
        TableSnapshot before = TableSnapshot.of(world.dynamo(), world.table());
        HttpResponse response = functions.get(request.route().handlerClass())
                .handle(Json.write(request.event()).getBytes(java.nio.charset.StandardCharsets.UTF_8), null);
        TALLY.add("requests");
        int status = response.statusCode();
        TALLY.add("answered" + (status / 100) + "xx");
        String context = request.route() + " with " + what + ": ";
        if (status >= 500) {
            throw new AssertionError(context + "answered " + status + " " + response.body());
        }
        if (status >= 400 && !Responses.isContractError(response)) {
            throw new AssertionError(context + "error not in the contract's shape: " + status + " " + response.body());
        }
        if (mustRefuse && status < 400) {
            throw new AssertionError(context + "should have been refused, got " + status + " " + response.body());
        }
        boolean refused = status >= 400;
        boolean read = request.route().method().equals("GET");
        if ((refused || read) && request.route().jwt()) {
            before.assertUnchanged(TableSnapshot.of(world.dynamo(), world.table()), context + "answered " + status + " but");
        } else if (refused) {
            // The webhook: a refused delivery writes nothing either.
            before.assertUnchanged(TableSnapshot.of(world.dynamo(), world.table()), context + "answered " + status + " but");
        }
        return response;
    }

    static String replaceField(String body, int index, String rawValue) {
        JsonNode tree = tryRead(body);
        if (!(tree instanceof ObjectNode object) || object.isEmpty()) {
            return body;
        }
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        String name = names.get(index % names.size());
        return rebuild(object, name, rawValue);
    }

    static final Set<String> ID_FIELDS = Set.of("submissionId", "memberId", "inviteId");

    static String replaceIdField(String body, int index, String rawValue) {
        JsonNode tree = tryRead(body);
        if (!(tree instanceof ObjectNode object)) {
            return body;
        }
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(n -> {
            if (ID_FIELDS.contains(n)) {
                names.add(n);
            }
        });
        if (names.isEmpty()) {
            return body; // no id in this body: unchanged, so not "invalid by construction"
        }
        return rebuild(object, names.get(index % names.size()), rawValue);
    }

    /** The object's JSON with field {@code name}'s value written as {@code rawValue} (any text, even invalid JSON). */
    static String rebuild(ObjectNode object, String name, String rawValue) {
        StringBuilder out = new StringBuilder("{");
        Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
        boolean first = true;
        while (fields.hasNext()) {
            var field = fields.next();
            if (!first) {
                out.append(',');
            }
            first = false;
            out.append(Json.write(Json.MAPPER.getNodeFactory().textNode(field.getKey()))).append(':')
                    .append(field.getKey().equals(name) ? rawValue : Json.write(field.getValue()));
        }
        return out.append('}').toString();
    }

    static String addField(String body, String key, String rawValue) {
        String trimmed = body.strip();
        if (!trimmed.startsWith("{") || !trimmed.endsWith("}")) {
            return body;
        }
        String inner = trimmed.substring(1, trimmed.length() - 1).strip();
        return "{" + inner + (inner.isEmpty() ? "" : ",") + Json.write(Json.MAPPER.getNodeFactory().textNode(key)) + ":" + rawValue + "}";
    }

    static String duplicateFirstField(String body, String rawValue) {
        JsonNode tree = tryRead(body);
        if (!(tree instanceof ObjectNode object) || object.isEmpty()) {
            return "{\"a\":1,\"a\":" + rawValue + "}";
        }
        return addField(body, object.fieldNames().next(), rawValue);
    }

    static JsonNode tryRead(String body) {
        try {
            return Json.MAPPER.readTree(body);
        } catch (Exception e) {
            return null;
        }
    }

    static String abbreviate(String s) {
        String printable = s.codePoints().mapToObj(c -> c < 0x20 || c == 0x7f ? String.format("\\u%04x", c) : Character.toString(c))
                .collect(java.util.stream.Collectors.joining());
        return printable.length() > 40 ? printable.substring(0, 40) + "…(" + s.length() + ")" : printable;
    }
}
