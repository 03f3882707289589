package app.credits.reliability;

import app.credits.http.HttpFunction;
import app.credits.http.HttpResponse;
import app.credits.http.Role;
import app.credits.http.Route;
import app.credits.http.testing.Events;
import app.credits.http.testing.TableSnapshot;
import app.credits.http.testing.TestTelemetry;
import app.credits.ledger.OrgId;
import app.credits.ledger.testing.MutableClock;
import app.credits.ledger.testing.TestDynamo;
import app.credits.reliability.support.Handlers;
import app.credits.reliability.support.Requests;
import app.credits.testkit.stripe.StripeStandIn;
import app.credits.reliability.support.StripeEvents;
import app.credits.reliability.support.Tally;
import app.credits.testkit.template.SamTemplate;
import app.credits.testkit.template.SamTemplate.HttpRoute;
import app.credits.checkout.StripeCheckout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

import static app.credits.http.Role.ADMIN;
import static app.credits.http.Role.MEMBER;
import static app.credits.http.Role.SERVICE;
import static app.credits.http.Role.STAFF;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The authorization matrix of the whole API: every route template.yaml deploys × every role × (own org, another
 * org), plus no claims and unusable claims, sent through the real handlers. The expected roles are docs/api.md's roles
 * table, held here as data keyed by route: a route deployed without a row here fails.
 */
class AuthorizationMatrixTest {
    /** docs/api.md, "Roles" and each route's heading. An empty set: the route is open (no JWT; it authenticates itself). */
    static final Map<String, Set<Role>> EXPECTED = Map.ofEntries(
            Map.entry("GET /orgs/{orgId}/balance", EnumSet.of(ADMIN, SERVICE, STAFF)),
            Map.entry("GET /orgs/{orgId}/logs", EnumSet.of(ADMIN, STAFF)),
            Map.entry("GET /orgs/{orgId}/usage", EnumSet.of(ADMIN, STAFF)),
            Map.entry("POST /orgs/{orgId}/submissions", EnumSet.of(MEMBER, ADMIN, SERVICE, STAFF)),
            Map.entry("POST /orgs/{orgId}/invites", EnumSet.of(ADMIN, SERVICE, STAFF)),
            Map.entry("GET /orgs/{orgId}/invites", EnumSet.of(ADMIN, SERVICE, STAFF)),
            Map.entry("DELETE /orgs/{orgId}/invites/{inviteId}", EnumSet.of(ADMIN, SERVICE, STAFF)),
            Map.entry("POST /orgs/{orgId}/adjustments", EnumSet.of(STAFF)),
            Map.entry("GET /orgs/{orgId}/pricing", EnumSet.of(ADMIN, STAFF)),
            Map.entry("POST /orgs/{orgId}/checkout", EnumSet.of(ADMIN, STAFF)),
            Map.entry("GET /orgs/{orgId}/settings", EnumSet.of(ADMIN, STAFF)),
            Map.entry("PUT /orgs/{orgId}/settings", EnumSet.of(ADMIN, STAFF)),
            Map.entry("GET /orgs/{orgId}/plan", EnumSet.of(ADMIN, STAFF)),
            Map.entry("PUT /orgs/{orgId}/plan", EnumSet.of(STAFF)),
            Map.entry("GET /orgs/{orgId}/auto-top-up", EnumSet.of(ADMIN, STAFF)),
            Map.entry("PUT /orgs/{orgId}/auto-top-up", EnumSet.of(ADMIN, STAFF)),
            Map.entry("GET /orgs/{orgId}/auto-top-up/attempts", EnumSet.of(ADMIN, STAFF)),
            Map.entry("POST /webhooks/stripe", EnumSet.noneOf(Role.class)),
            Map.entry("GET /unsubscribe", EnumSet.noneOf(Role.class)),
            Map.entry("POST /unsubscribe", EnumSet.noneOf(Role.class)));

    static final String OWN = "org_own";
    static final String OTHER = "org_other";

    static final Tally TALLY = new Tally("AuthorizationMatrixTest");
    static final MutableClock CLOCK = MutableClock.at("2026-11-23T10:00:00Z");
    static TestDynamo.World world;
    static StripeStandIn stripe;
    static Map<String, HttpFunction> functions;
    static final AtomicInteger unique = new AtomicInteger();

    @BeforeAll
    static void world() {
        world = TestDynamo.world(CLOCK);
        stripe = StripeStandIn.start();
        functions = Handlers.forTemplate(new Handlers.Wiring(world.ledger(), CLOCK, new TestTelemetry().telemetry(),
                Optional.of(StripeCheckout.create("sk_test_reliability", Optional.of(stripe.apiBase())))));
        Requests.fund(world.ledger(), OWN, 10_000);
        Requests.fund(world.ledger(), OTHER, 10_000);
    }

    @AfterAll
    static void report() {
        stripe.close();
        TALLY.report();
    }

    @Test
    void everyDeployedRouteHasARowInTheRolesTableAndEveryRowIsDeployed() {
        // GIVEN the routes template.yaml deploys
        Set<String> deployed = new TreeSet<>();
        SamTemplate.ofRepository().httpRoutes().forEach(r -> deployed.add(r.routeKey()));

        // THEN each has its expected roles here, and no row names a route that is not deployed
        Set<String> missing = new TreeSet<>(deployed);
        missing.removeAll(EXPECTED.keySet());
        assertTrue(missing.isEmpty(), "deployed routes without a row in the expected roles table: " + missing);
        Set<String> stale = new TreeSet<>(EXPECTED.keySet());
        stale.removeAll(deployed);
        assertTrue(stale.isEmpty(), "rows for routes template.yaml does not deploy: " + stale);
    }

    @Test
    void eachHandlerServesExactlyItsTemplateRoutesBehindTheSameAuthorizer() {
        // GIVEN each handler class of the template, as Lambda would load it
        List<String> problems = new ArrayList<>();
        for (HttpRoute route : SamTemplate.ofRepository().httpRoutes()) {
            HttpFunction function = functions.get(route.handlerClass());
            Optional<Route> declared = function.routes().stream().filter(r -> r.key().equals(route.routeKey())).findFirst();
            // THEN the handler declares the route, with a JWT exactly when API Gateway's authorizer guards it
            if (declared.isEmpty()) {
                problems.add(route.handlerClass() + " does not serve " + route.routeKey() + " (API Gateway would route it there)");
            } else if (declared.get().authenticated() != route.jwt()) {
                problems.add(route.routeKey() + ": template jwt=" + route.jwt() + ", handler authenticated=" + declared.get().authenticated());
            }
        }
        // AND no handler serves a route API Gateway never sends it
        functions.forEach((name, function) -> function.routes().forEach(r -> {
            if (SamTemplate.ofRepository().httpRoutes().stream().noneMatch(t -> t.routeKey().equals(r.key()) && t.handlerClass().equals(name))) {
                problems.add(name + " declares " + r.key() + ", which template.yaml does not route to it");
            }
        }));
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void everyRouteRoleAndOrgCellAnswersAsApiMdsRolesTableSays() {
        List<String> failures = new ArrayList<>();
        for (HttpRoute route : SamTemplate.ofRepository().httpRoutes()) {
            if (!route.jwt()) {
                continue;
            }
            Set<Role> allowedRoles = EXPECTED.get(route.routeKey());
            for (Role role : Role.values()) {
                for (boolean own : new boolean[]{true, false}) {
                    // GIVEN a valid request for this route, from this role, on its own org or another one
                    String org = own ? OWN : OTHER;
                    String sub = role.wireName() + "_user";
                    Requests.Context context = new Requests.Context(world.ledger(), org, sub,
                            "c" + unique.incrementAndGet(), CLOCK.instant());
                    Events event = Requests.recipe(route).build(context, Events.http(route.routeKey()).claims(sub, OWN, role));
                    boolean allowed = allowedRoles.contains(role) && (own || role.actsOnAnyOrg());
                    TableSnapshot before = TableSnapshot.of(world.dynamo(), world.table());

                    // WHEN it is sent
                    HttpResponse response = functions.get(route.handlerClass()).handle(event.build(), null);
                    TALLY.add("requests");
                    TALLY.add(allowed ? "cellsAllowed" : "cellsDenied");

                    // THEN an allowed cell succeeds, a denied one is 403 in the contract's shape and writes nothing
                    String cell = route.routeKey() + " as " + role.wireName() + " of " + (own ? "its own org" : "another org");
                    int status = response.statusCode();
                    if (allowed && (status < 200 || status > 299)) {
                        failures.add(cell + ": expected 2xx, got " + status + " " + response.body());
                    } else if (!allowed) {
                        if (status != 403 || !"permission".equals(response.bodyJson().path("error").path("type").asText())) {
                            failures.add(cell + ": expected 403 permission, got " + status + " " + response.body());
                        }
                        if (!before.items().equals(TableSnapshot.of(world.dynamo(), world.table()).items())) {
                            failures.add(cell + ": refused but wrote to the table");
                        }
                    }
                }
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " cells wrong:\n" + String.join("\n", failures));
        world.assertReconciles(OrgId.of(OWN));
        world.assertReconciles(OrgId.of(OTHER));
    }

    @Test
    void withoutUsableClaimsEveryJwtRouteAnswers401AndWritesNothing() {
        List<String> failures = new ArrayList<>();
        for (HttpRoute route : SamTemplate.ofRepository().httpRoutes()) {
            if (!route.jwt()) {
                continue;
            }
            // GIVEN a valid request with no claims, or claims API Gateway could pass but that name no usable identity
            List<Map.Entry<String, java.util.function.UnaryOperator<Events>>> variants = List.of(
                    Map.entry("no claims", Events::noClaims),
                    Map.entry("unknown role", e -> e.claims("x", OWN, STAFF).claim("role", "superuser")),
                    Map.entry("role in another case", e -> e.claims("x", OWN, STAFF).claim("role", "STAFF")),
                    Map.entry("empty sub", e -> e.claims("x", OWN, STAFF).claim("sub", "")),
                    Map.entry("admin without org_id", e -> e.claims("x", null, ADMIN)),
                    Map.entry("org_id breaking the key layout", e -> e.claims("x", OWN, ADMIN).claim("org_id", "ORG#org_own")));
            for (var variant : variants) {
                Requests.Context context = new Requests.Context(world.ledger(), OWN, "x", "n" + unique.incrementAndGet(),
                        CLOCK.instant());
                Events event = variant.getValue().apply(
                        Requests.recipe(route).build(context, Events.http(route.routeKey()).claims("x", OWN, STAFF)));
                TableSnapshot before = TableSnapshot.of(world.dynamo(), world.table());

                // WHEN it is sent
                HttpResponse response = functions.get(route.handlerClass()).handle(event.build(), null);
                TALLY.add("requests");
                TALLY.add("cellsUnauthenticated");

                // THEN 401 authentication, nothing written
                if (response.statusCode() != 401
                        || !"authentication".equals(response.bodyJson().path("error").path("type").asText())) {
                    failures.add(route.routeKey() + " with " + variant.getKey() + ": expected 401, got "
                            + response.statusCode() + " " + response.body());
                }
                if (!before.items().equals(TableSnapshot.of(world.dynamo(), world.table()).items())) {
                    failures.add(route.routeKey() + " with " + variant.getKey() + ": wrote to the table");
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        world.assertReconciles(OrgId.of(OWN));
    }

    @Test
    void theOpenRoutesIgnoreJwtClaimsAndTrustOnlyTheirOwnCredential() {
        for (HttpRoute route : SamTemplate.ofRepository().httpRoutes()) {
            if (route.jwt()) {
                continue;
            }
            // GIVEN a staff token but not the route's own credential (the Stripe signature, the unsubscribe token)
            Requests.Context context = new Requests.Context(world.ledger(), OWN, "staff_user", "w" + unique.incrementAndGet(),
                    CLOCK.instant());
            Events built = Requests.recipe(route).build(context, Events.http(route.routeKey()).claims("staff_user", OWN, STAFF));
            Events unsigned = route.routeKey().equals(StripeEvents.ROUTE) ? built.header("stripe-signature", "")
                    : built.query("token", "");
            TableSnapshot before = TableSnapshot.of(world.dynamo(), world.table());

            // WHEN it is sent, THEN the token buys nothing: 400 and nothing written
            HttpResponse refused = functions.get(route.handlerClass()).handle(unsigned.build(), null);
            TALLY.add("requests");
            assertEquals(400, refused.statusCode(), route + ": " + refused.body());
            before.assertUnchanged(TableSnapshot.of(world.dynamo(), world.table()), route + " without its credential");

            // AND a request with its credential and no claims at all is accepted
            Requests.Context signed = new Requests.Context(world.ledger(), OWN, "", "w" + unique.incrementAndGet(), CLOCK.instant());
            HttpResponse accepted = functions.get(route.handlerClass())
                    .handle(Requests.recipe(route).build(signed, Events.http(route.routeKey()).noClaims()).build(), null);
            TALLY.add("requests");
            assertEquals(200, accepted.statusCode(), accepted.body());
        }
        world.assertReconciles(OrgId.of(OWN));
    }
}
