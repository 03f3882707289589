package app.credits.http;
import app.credits.runtime.Json;
import app.credits.runtime.Environment;
import app.credits.runtime.Telemetry;
import app.credits.runtime.DynamoClients;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * SnapStart priming: before Lambda snapshots an initialized sandbox, run the paths a first request takes so that
 * their classes are loaded, linked and initialized inside the snapshot instead of on the first request after
 * restore. Registered by every {@link HttpFunction}; a JVM without CRaC (tests, the local runner, {@code $LATEST})
 * never calls it.
 * <p>
 * It writes nothing: one consistent GetItem and one consistent BatchGetItem of a key no item can have (the
 * ledger's read path: IDs cannot contain '#', so {@code PRIMING#…} addresses nothing), and each of the function's
 * routes once through {@link HttpFunction#handle} with a synthetic event that cannot change anything: GET routes
 * as a staff caller on an org that does not exist (reads only), every other authenticated route without a token
 * (401 before the handler runs), and open routes (the Stripe webhook) with an unsigned body (400 before anything
 * is read). Their request logs are muted. Any failure is swallowed: priming only warms, it must never stop a
 * snapshot.
 */
public final class SnapStartPriming implements Resource {
    /** The org the GET routes read: never created (org ids cannot contain '#', but this one needs no stored item). */
    static final String ORG = "snapstart-priming";
    private static final String KEY = "PRIMING#snapstart";
    private static final String QUERY = "limit=25&from=2026-01-01&to=2026-01-31&granularity=day&credits=10";

    private final HttpFunction function;
    private final Supplier<DynamoDbClient> dynamo;
    private final String table;

    /**
     * @param dynamo the client the function's ledger uses, asked for only when priming runs (so a function built
     *               in a test never builds the environment's client)
     */
    public SnapStartPriming(HttpFunction function, Supplier<DynamoDbClient> dynamo, String table) {
        this.function = function;
        this.dynamo = dynamo;
        this.table = table;
    }

    /**
     * Registers priming for a function built by Lambda (its ledger on {@link DynamoClients#shared()} and
     * TABLE_NAME). The CRaC context holds resources weakly: the function keeps the returned object.
     */
    static SnapStartPriming register(HttpFunction function) {
        SnapStartPriming priming = new SnapStartPriming(function, DynamoClients::shared,
                Environment.system().tableName());
        Core.getGlobalContext().register(priming);
        return priming;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        prime();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // Nothing to undo: the SDK reopens connections that did not survive the snapshot.
    }

    /** What one priming did. {@code databaseAnswered}: both reads reached DynamoDB and were answered. */
    public record Report(boolean databaseAnswered, int routesPrimed, Map<String, Integer> statusByRoute) {
    }

    /** Runs the priming now; never throws. */
    public Report prime() {
        boolean answered = primeReads();
        Map<String, Integer> statuses = new LinkedHashMap<>();
        for (Route route : function.routes()) {
            try {
                HttpResponse response = function.handleQuietly(event(route));
                statuses.put(route.key(), response.statusCode());
            } catch (RuntimeException e) {
                statuses.put(route.key(), -1);
            }
        }
        primeBodyParsing();
        return new Report(answered, statuses.size(), statuses);
    }

    private boolean primeReads() {
        try {
            DynamoDbClient client = dynamo.get();
            Map<String, AttributeValue> key = Map.of("PK", AttributeValue.fromS(KEY), "SK", AttributeValue.fromS(KEY));
            client.getItem(b -> b.tableName(table).consistentRead(true).key(key));
            client.batchGetItem(b -> b.requestItems(Map.of(table,
                    KeysAndAttributes.builder().keys(List.of(key)).consistentRead(true).build())));
            return true;
        } catch (RuntimeException e) {
            // No table, no network, no permission: the snapshot is still worth taking.
            return false;
        }
    }

    /** The body parser's paths that the synthetic events do not reach (their POSTs stop at authorization). */
    private static void primeBodyParsing() {
        try {
            JsonBody body = JsonBody.parse(("{\"submissionId\":\"s1\",\"memberId\":\"m1\",\"credits\":\"1.25\","
                    + "\"expiresAt\":\"2026-01-01T00:00:00Z\",\"lowCreditEmails\":true,"
                    + "\"notificationEmails\":[\"a@b.co\"]}").getBytes(StandardCharsets.UTF_8));
            body.requiredId("submissionId");
            body.optionalId("inviteId");
            body.optionalCredits("credits");
            body.optionalTime("expiresAt");
            body.optionalBoolean("lowCreditEmails");
            body.optionalStringList("notificationEmails");
        } catch (RuntimeException ignored) {
            // Warming only.
        }
    }

    /** A payload-2.0 event for {@code route} that reads at most and never writes (see the class comment). */
    static byte[] event(Route route) {
        String method = route.method();
        boolean read = method.equals("GET");
        Map<String, String> params = new LinkedHashMap<>();
        String template = route.pathTemplate();
        for (int i = template.indexOf('{'); i >= 0; i = template.indexOf('{', i + 1)) {
            String name = template.substring(i + 1, template.indexOf('}', i));
            params.put(name, name.equals("orgId") ? ORG : "priming");
        }
        ObjectNode event = Json.object();
        event.put("version", "2.0");
        event.put("routeKey", route.key());
        event.put("rawPath", route.path(params));
        // The read routes' usual parameters (each route reads its own and ignores the others), so that usage and
        // pricing answer 200 instead of stopping at validation.
        event.put("rawQueryString", read ? QUERY : "");
        if (read) {
            ObjectNode query = event.putObject("queryStringParameters");
            for (String pair : QUERY.split("&")) {
                query.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
            }
        }
        event.putObject("headers").put("content-type", "application/json");
        ObjectNode context = event.putObject("requestContext");
        context.put("requestId", "snapstart-priming");
        context.put("routeKey", route.key());
        context.putObject("http").put("method", method).put("path", route.path(params));
        if (read && route.authenticated()) {
            context.putObject("authorizer").putObject("jwt").putObject("claims")
                    .put("sub", "snapstart-priming").put("role", Role.STAFF.wireName());
        }
        ObjectNode path = event.putObject("pathParameters");
        params.forEach(path::put);
        event.put("body", read ? "" : "{}");
        event.put("isBase64Encoded", false);
        return Json.write(event).getBytes(StandardCharsets.UTF_8);
    }

    /** Request logs of priming go nowhere: they are not requests. */
    static Telemetry muted() {
        return new Telemetry("priming", "Priming", line -> { }, Clock.systemUTC());
    }
}
