package app.credits.account;

import app.credits.http.HttpResponse;
import app.credits.http.Role;
import app.credits.http.testing.AuthorizationMatrix;
import app.credits.http.testing.Events;
import app.credits.http.testing.SampleEvents;
import app.credits.http.testing.TableSnapshot;
import app.credits.http.testing.TestTelemetry;
import app.credits.ledger.CompletedCheckout;
import app.credits.ledger.Credits;
import app.credits.ledger.EntryType;
import app.credits.ledger.Money;
import app.credits.ledger.OrgId;
import app.credits.ledger.Pricing;
import app.credits.ledger.testing.MutableClock;
import app.credits.ledger.testing.TestDynamo;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static app.credits.http.testing.Responses.assertError;
import static app.credits.http.testing.Responses.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AccountFunctionTest {
    private static final OrgId ACME = OrgId.of("org_acme");

    private final MutableClock clock = MutableClock.at("2026-11-23T18:04:05.123Z");
    private final TestDynamo.World world = TestDynamo.world(clock);
    private final AccountFunction function = new AccountFunction(world.ledger(), Pricing.standard());
    private final AtomicInteger sessions = new AtomicInteger();

    AccountFunctionTest() {
        function.telemetry(new TestTelemetry().telemetry());
    }

    private void buy(OrgId org, long credits, String email) {
        int n = sessions.incrementAndGet();
        world.ledger().creditPurchase(new CompletedCheckout("cs_" + n, org, credits, Money.of(credits * 2900, "usd"),
                Optional.of("pi_" + n), Optional.ofNullable(email)));
    }

    private Events as(String routeKey, Role role) {
        return Events.http(routeKey).org("org_acme").claims(role.wireName() + "_1", "org_acme", role);
    }

    private HttpResponse call(Events event) {
        return function.handle(event.build(), null);
    }

    private TableSnapshot snapshot() {
        return TableSnapshot.of(world.dynamo(), world.table());
    }

    private HttpResponse adjust(String key, String body) {
        Events event = as("POST /orgs/{orgId}/adjustments", Role.STAFF).body(body);
        if (key != null) {
            event.header("Idempotency-Key", key);
        }
        return call(event);
    }

    @Test
    void authorizationMatrixFollowsTheDeclaredRoles() {
        buy(OrgId.of(AuthorizationMatrix.OWN_ORG), 10, null);
        buy(OrgId.of(AuthorizationMatrix.OTHER_ORG), 10, null);
        AtomicInteger n = new AtomicInteger();
        List<String> failures = AuthorizationMatrix.check(function, (cell, event) -> switch (cell.route().key()) {
            case "GET /orgs/{orgId}/usage" -> event.query("from", "2026-11-01").query("to", "2026-11-30");
            case "POST /orgs/{orgId}/adjustments" -> event.header("Idempotency-Key", "adj_" + n.incrementAndGet())
                    .body("{\"credits\":\"1\",\"reason\":\"goodwill\"}");
            case "GET /orgs/{orgId}/pricing" -> event.query("credits", "10");
            case "PUT /orgs/{orgId}/settings" -> event.body("{\"lowCreditThreshold\":\"4\"}");
            case "PUT /orgs/{orgId}/plan" -> event.body("{\"package\":\"standard\"}");
            default -> event;
        });
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        world.assertReconciles(OrgId.of(AuthorizationMatrix.OWN_ORG));
        world.assertReconciles(OrgId.of(AuthorizationMatrix.OTHER_ORG));
    }

    // ---------------------------------------------------------------- logs

    @Test
    void theLogPagesNewestFirstWithACursor() {
        // GIVEN a purchase, then two submissions a minute apart
        buy(ACME, 5, "buyer@acme.example");
        clock.advance(Duration.ofMinutes(1));
        world.ledger().chargeSubmission(ACME, "sub_1", "m_1", Optional.empty());
        clock.advance(Duration.ofMinutes(1));
        world.ledger().chargeSubmission(ACME, "sub_2", "m_1", Optional.empty());

        // WHEN read two at a time
        JsonNode first = assertStatus(call(as("GET /orgs/{orgId}/logs", Role.ADMIN).query("limit", "2")), 200);
        JsonNode second = assertStatus(call(as("GET /orgs/{orgId}/logs", Role.ADMIN).query("limit", "2")
                .query("cursor", first.get("nextCursor").asText())), 200);

        // THEN newest first, every field, and the last page has no cursor
        JsonNode newest = first.get("data").get(0);
        assertEquals("submission", newest.get("type").asText());
        assertEquals("-1", newest.get("credits").asText());
        assertEquals("3", newest.get("balanceAfter").asText());
        assertEquals("sub_2", newest.get("reference").asText());
        assertEquals("2026-11-23T18:06:05.123Z", newest.get("createdAt").asText());
        assertTrue(newest.get("id").isTextual() && newest.get("description").isTextual());
        assertEquals(1, second.get("data").size());
        assertEquals("purchase", second.get("data").get(0).get("type").asText());
        assertEquals("5", second.get("data").get(0).get("credits").asText());
        assertTrue(second.get("nextCursor").isNull());
        world.assertReconciles(ACME);
    }

    @Test
    void badLogParametersAre400() {
        for (String limit : List.of("0", "101", "x")) {
            assertError(call(as("GET /orgs/{orgId}/logs", Role.ADMIN).query("limit", limit)), 400, "invalid_request", "invalid_parameter");
        }
        assertError(call(as("GET /orgs/{orgId}/logs", Role.ADMIN).query("cursor", "garbage!")), 400, "invalid_request", null);
    }

    @Test
    void theCsvExportHoldsTheWholeLogQuotedAndSafeForSpreadsheets() {
        // GIVEN a purchase and adjustments whose reasons hold commas, quotes, a line break and a formula
        buy(ACME, 3, null);
        clock.advance(Duration.ofSeconds(1));
        world.ledger().adjust(ACME, "adj_1", EntryType.ADJUSTMENT, Credits.parse("-0.5"), "=HYPERLINK(\"x\")");
        clock.advance(Duration.ofSeconds(1));
        world.ledger().adjust(ACME, "adj_2", EntryType.BONUS, Credits.parse("2"), "thanks, \"friend\"\nsee you");
        clock.advance(Duration.ofSeconds(1));
        world.ledger().adjust(ACME, "adj_3", EntryType.ADJUSTMENT, Credits.parse("1"), "@cmd");

        // WHEN exported
        HttpResponse response = call(as("GET /orgs/{orgId}/logs", Role.STAFF).header("Accept", "text/csv"));

        // THEN
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().get("content-type").startsWith("text/csv"));
        String[] rows = response.body().split("\r\n");
        assertEquals("id,type,credits,balanceAfter,createdAt,description,reference", rows[0]);
        assertEquals(5, rows.length, response.body());
        assertTrue(rows[1].endsWith(",adjustment,1,5.5,2026-11-23T18:04:08.123Z,'@cmd,adj_3"), rows[1]);
        assertTrue(rows[2].endsWith(",bonus,2,4.5,2026-11-23T18:04:07.123Z,\"thanks, \"\"friend\"\"\nsee you\",adj_2"), rows[2]);
        assertTrue(rows[3].endsWith(",adjustment,-0.5,2.5,2026-11-23T18:04:06.123Z,\"'=HYPERLINK(\"\"x\"\")\",adj_1"), rows[3]);
        assertTrue(rows[4].contains(",purchase,3,3,"), rows[4]);
        world.assertReconciles(ACME);
    }

    @Test
    void csvCellsAreQuotedOnlyWhenNeeded() {
        assertEquals("plain", Csv.cell("plain"));
        assertEquals("\"a,b\"", Csv.cell("a,b"));
        assertEquals("\" x\"", Csv.cell(" x"));
        assertEquals("'+1", Csv.text("+1"));
        assertEquals("'-1", Csv.text("-1"));
        assertEquals("ok", Csv.text("ok"));
    }

    // ---------------------------------------------------------------- usage

    @Test
    void usageCountsCreditsPurchasedAndUsedPerDayAndPerMonth() {
        // GIVEN 10 bought on the 23rd, two submissions the next day
        buy(ACME, 10, null);
        clock.advance(Duration.ofDays(1));
        world.ledger().chargeSubmission(ACME, "sub_1", "m", Optional.empty());
        world.ledger().chargeSubmission(ACME, "sub_2", "m", Optional.empty());

        JsonNode days = assertStatus(call(as("GET /orgs/{orgId}/usage", Role.ADMIN)
                .query("from", "2026-11-22").query("to", "2026-11-24")), 200);
        JsonNode months = assertStatus(call(as("GET /orgs/{orgId}/usage", Role.ADMIN)
                .query("from", "2026-10-01").query("to", "2026-11-30").query("granularity", "month")), 200);

        assertEquals("[{\"period\":\"2026-11-22\",\"purchased\":\"0\",\"used\":\"0\"},"
                + "{\"period\":\"2026-11-23\",\"purchased\":\"10\",\"used\":\"0\"},"
                + "{\"period\":\"2026-11-24\",\"purchased\":\"0\",\"used\":\"2\"}]", days.get("data").toString());
        assertEquals("[{\"period\":\"2026-10\",\"purchased\":\"0\",\"used\":\"0\"},"
                + "{\"period\":\"2026-11\",\"purchased\":\"10\",\"used\":\"2\"}]", months.get("data").toString());
        assertFalse(days.has("nextCursor"));
        world.assertReconciles(ACME);
    }

    @Test
    void badUsageParametersAre400() {
        Map<String, Map<String, String>> cases = new LinkedHashMap<>();
        cases.put("no from", Map.of("to", "2026-11-24"));
        cases.put("no to", Map.of("from", "2026-11-24"));
        cases.put("not a date", Map.of("from", "2026-11-24", "to", "tomorrow"));
        cases.put("no such day", Map.of("from", "2026-02-30", "to", "2026-03-01"));
        cases.put("to before from", Map.of("from", "2026-11-24", "to", "2026-11-01"));
        cases.put("bad granularity", Map.of("from", "2026-11-01", "to", "2026-11-02", "granularity", "week"));
        cases.put("over 400 days", Map.of("from", "2025-01-01", "to", "2026-11-02"));
        cases.forEach((why, query) -> {
            Events event = as("GET /orgs/{orgId}/usage", Role.ADMIN);
            query.forEach(event::query);
            assertError(call(event), 400, "invalid_request", null);
        });
    }

    // ---------------------------------------------------------------- adjustments

    @Test
    void anAdjustmentIsAppliedOnceReplayedWith200AndConflictsWithAnotherBody() {
        buy(ACME, 2, null);
        String body = "{\"credits\":\"-1.5\",\"reason\":\"duplicate order\"}";

        JsonNode created = assertStatus(adjust("adj_1", body), 201);
        JsonNode replay = assertStatus(adjust("adj_1", body), 200);
        TableSnapshot before = snapshot();
        HttpResponse conflict = adjust("adj_1", "{\"credits\":\"-1\",\"reason\":\"duplicate order\"}");

        assertEquals("adj_1", created.get("id").asText());
        assertEquals("-1.5", created.get("credits").asText());
        assertEquals("0.5", created.get("balance").asText());
        assertEquals("0.5", created.get("creditsLeft").asText());
        assertEquals(created, replay);
        assertError(conflict, 409, "conflict", "idempotency_conflict");
        before.assertUnchanged(snapshot(), "a conflicting adjustment");
        world.assertReconciles(ACME);
    }

    @Test
    void aBonusAddsCreditsThatDoNotCountAsPurchased() {
        JsonNode created = assertStatus(adjust("bonus_1", "{\"credits\":2.5,\"reason\":\"welcome\",\"kind\":\"bonus\"}"), 201);

        assertEquals("2.5", created.get("balance").asText());
        assertEquals("0", world.ledger().account(ACME).lifetimePurchased().toString());
        world.assertReconciles(ACME);
    }

    @Test
    void anAdjustmentTakingCreditsLeftBelowZeroIsRefusedWith402() {
        buy(ACME, 1, null);
        TableSnapshot before = snapshot();

        assertError(adjust("adj_1", "{\"credits\":\"-1.01\",\"reason\":\"oops\"}"), 402, "insufficient_credits", "insufficient_credits");

        before.assertUnchanged(snapshot(), "a refused adjustment");
        world.assertReconciles(ACME);
    }

    @Test
    void invalidAdjustmentsAreContractErrorsAndWriteNothing() {
        buy(ACME, 1, null);
        Map<String, String> bodies = new LinkedHashMap<>();
        bodies.put("{\"credits\":\"1.005\",\"reason\":\"r\"}", "invalid_field");
        bodies.put("{\"credits\":1.005,\"reason\":\"r\"}", "invalid_field");
        bodies.put("{\"credits\":1e2,\"reason\":\"r\"}", "invalid_field");
        bodies.put("{\"credits\":\"1E2\",\"reason\":\"r\"}", "invalid_field");
        bodies.put("{\"credits\":\"NaN\",\"reason\":\"r\"}", "invalid_field");
        bodies.put("{\"credits\":NaN,\"reason\":\"r\"}", "malformed_json");
        bodies.put("{\"credits\":\"1000000.01\",\"reason\":\"r\"}", "invalid_field");
        bodies.put("{\"credits\":-1000001,\"reason\":\"r\"}", "invalid_field");
        bodies.put("{\"credits\":\"0\",\"reason\":\"r\"}", "invalid_request");
        bodies.put("{\"reason\":\"r\"}", "missing_field");
        bodies.put("{\"credits\":\"1\"}", "missing_field");
        bodies.put("{\"credits\":\"1\",\"reason\":\"\"}", "invalid_request");
        bodies.put("{\"credits\":\"1\",\"reason\":\"r\",\"kind\":\"purchase\"}", "invalid_field");
        bodies.put("{\"credits\":\"-1\",\"reason\":\"r\",\"kind\":\"bonus\"}", "invalid_request");
        bodies.put("{\"credits\":\"1\",\"reason\":\"r\",\"credits\":\"2\"}", "malformed_json");
        TableSnapshot before = snapshot();

        bodies.forEach((body, code) -> assertError(adjust("adj_x", body), 400, "invalid_request", code));
        assertError(adjust(null, "{\"credits\":\"1\",\"reason\":\"r\"}"), 400, "invalid_request", "missing_idempotency_key");
        assertError(adjust("a#b", "{\"credits\":\"1\",\"reason\":\"r\"}"), 400, "invalid_request", "invalid_id");
        assertError(adjust("k".repeat(129), "{\"credits\":\"1\",\"reason\":\"r\"}"), 400, "invalid_request", "invalid_id");

        before.assertUnchanged(snapshot(), "invalid adjustments");
        world.assertReconciles(ACME);
    }

    // ---------------------------------------------------------------- pricing

    private JsonNode quote(long credits) {
        return assertStatus(call(as("GET /orgs/{orgId}/pricing", Role.ADMIN).query("credits", Long.toString(credits))), 200);
    }

    private void assertQuote(long credits, int discount) {
        JsonNode q = quote(credits);
        long unit = Math.round(2900 * (100 - discount) / 100.0);
        assertEquals(Long.toString(credits), q.get("credits").asText());
        assertEquals(discount, q.get("discountPercent").asInt(), "discount for " + credits);
        assertEquals(unit, q.get("unitPrice").get("amount").asLong(), "unit price for " + credits);
        assertEquals(unit * credits, q.get("total").get("amount").asLong());
        assertEquals("usd", q.get("total").get("currency").asText());
        assertEquals("{\"amount\":2900,\"currency\":\"usd\"}", q.get("listUnitPrice").toString());
        assertFalse(q.get("fixedPricing").asBoolean());
    }

    @Test
    void aFirstOrderIsPricedByItsOwnSizeAtEveryTierBoundary() {
        assertQuote(1, 0);
        assertQuote(5, 0);
        assertQuote(6, 20);
        assertQuote(9, 20);
        assertQuote(10, 30);
        assertQuote(49, 30);
        assertQuote(50, 50);
        assertQuote(199, 50);
        assertQuote(200, 60);
        assertQuote(10_000, 60);
    }

    @Test
    void pastPurchasesCountTowardTheTier() {
        // GIVEN 4 credits bought before: the tier is chosen by 4 + this order
        buy(ACME, 4, null);
        assertQuote(1, 0);
        assertQuote(2, 20);
        assertQuote(5, 20);
        assertQuote(6, 30);
        assertQuote(45, 30);
        assertQuote(46, 50);
        assertQuote(195, 50);
        assertQuote(196, 60);
        world.assertReconciles(ACME);
    }

    @Test
    void aNegotiatedFixedUnitPriceOverridesTheTiersUntilStaffRemovesIt() {
        buy(ACME, 300, null);
        JsonNode plan = assertStatus(call(as("PUT /orgs/{orgId}/plan", Role.STAFF)
                .body("{\"package\":\"standard\",\"fixedUnitPrice\":{\"amount\":1500,\"currency\":\"USD\"}}")), 200);
        assertEquals("{\"package\":\"standard\",\"fixedUnitPrice\":{\"amount\":1500,\"currency\":\"usd\"}}", plan.toString());

        JsonNode fixed = quote(10);
        assertTrue(fixed.get("fixedPricing").asBoolean());
        assertEquals(0, fixed.get("discountPercent").asInt());
        assertEquals(1500, fixed.get("unitPrice").get("amount").asLong());
        assertEquals(15000, fixed.get("total").get("amount").asLong());

        assertStatus(call(as("PUT /orgs/{orgId}/plan", Role.STAFF).body("{\"package\":\"standard\",\"fixedUnitPrice\":null}")), 200);
        assertQuote(10, 60);
        world.assertReconciles(ACME);
    }

    @Test
    void badPricingQuantitiesAre400() {
        for (String credits : List.of("0", "10001", "1.5", "-1", "abc", "1e3")) {
            assertError(call(as("GET /orgs/{orgId}/pricing", Role.ADMIN).query("credits", credits)), 400, "invalid_request", "invalid_parameter");
        }
        assertError(call(as("GET /orgs/{orgId}/pricing", Role.ADMIN)), 400, "invalid_request", "missing_parameter");
    }

    // ---------------------------------------------------------------- settings and plan

    @Test
    void settingsDefaultToTheBuyersEmailsAndChangeOnlyWhatIsSent() {
        buy(ACME, 5, "buyer@acme.example");

        JsonNode defaults = assertStatus(call(as("GET /orgs/{orgId}/settings", Role.ADMIN)), 200);
        JsonNode changed = assertStatus(call(as("PUT /orgs/{orgId}/settings", Role.ADMIN)
                .body("{\"lowCreditThreshold\":2.5,\"notificationEmails\":[\"ops@acme.example\"]}")), 200);
        JsonNode off = assertStatus(call(as("PUT /orgs/{orgId}/settings", Role.STAFF)
                .body("{\"lowCreditEmails\":false}")), 200);

        assertEquals("{\"lowCreditEmails\":true,\"lowCreditThreshold\":\"3\",\"notificationEmails\":null,"
                + "\"defaultRecipients\":[\"buyer@acme.example\"]}", defaults.toString());
        assertEquals("{\"lowCreditEmails\":true,\"lowCreditThreshold\":\"2.5\",\"notificationEmails\":[\"ops@acme.example\"],"
                + "\"defaultRecipients\":[\"buyer@acme.example\"]}", changed.toString());
        assertFalse(off.get("lowCreditEmails").asBoolean());
        assertEquals("2.5", off.get("lowCreditThreshold").asText());
        assertEquals(off, assertStatus(call(as("GET /orgs/{orgId}/settings", Role.STAFF)), 200));
        JsonNode back = assertStatus(call(as("PUT /orgs/{orgId}/settings", Role.ADMIN).body("{\"notificationEmails\":null}")), 200);
        assertTrue(back.get("notificationEmails").isNull());
        world.assertReconciles(ACME);
    }

    @Test
    void invalidSettingsAndPlansAre400AndWriteNothing() {
        buy(ACME, 5, "buyer@acme.example");
        TableSnapshot before = snapshot();
        for (String body : List.of("{\"notificationEmails\":[\"nope\"]}", "{\"notificationEmails\":\"a@b.co\"}",
                "{\"lowCreditThreshold\":\"-1\"}", "{\"lowCreditThreshold\":\"0.001\"}", "{\"lowCreditEmails\":\"yes\"}",
                "{\"notificationEmails\":[]}", "{}", "[]")) {
            assertError(call(as("PUT /orgs/{orgId}/settings", Role.ADMIN).body(body)), 400, "invalid_request", null);
        }
        for (String body : List.of("{\"package\":\"gold\"}", "{\"fixedUnitPrice\":null}",
                "{\"package\":\"lite\",\"fixedUnitPrice\":{\"amount\":0,\"currency\":\"usd\"}}",
                "{\"package\":\"lite\",\"fixedUnitPrice\":{\"amount\":12.5,\"currency\":\"usd\"}}",
                "{\"package\":\"lite\",\"fixedUnitPrice\":{\"amount\":100,\"currency\":\"dollars\"}}",
                "{\"package\":\"lite\",\"fixedUnitPrice\":{\"amount\":100,\"currency\":\"eur\"}}",
                "{\"package\":\"lite\",\"fixedUnitPrice\":{\"amount\":100}}", "{\"package\":\"lite\",\"fixedUnitPrice\":1500}")) {
            assertError(call(as("PUT /orgs/{orgId}/plan", Role.STAFF).body(body)), 400, "invalid_request", null);
        }
        before.assertUnchanged(snapshot(), "invalid settings and plans");
        world.assertReconciles(ACME);
    }

    @Test
    void staffMovesAnOrgToTheLitePackage() {
        JsonNode plan = assertStatus(call(as("PUT /orgs/{orgId}/plan", Role.STAFF).body("{\"package\":\"lite\"}")), 200);
        assertEquals("{\"package\":\"lite\",\"fixedUnitPrice\":null}", plan.toString());
        assertEquals(plan, assertStatus(call(as("GET /orgs/{orgId}/plan", Role.ADMIN)), 200));
        assertEquals("0.25", world.ledger().account(ACME).submissionCost().toString());
        world.assertReconciles(ACME);
    }

    @Test
    void everySampleEventGetsAContractShapedAnswer() {
        buy(ACME, 10, "buyer@acme.example");
        List<String> problems = new ArrayList<>();
        for (Path sample : SampleEvents.of("account")) {
            String problem = SampleEvents.problem(sample, function.handle(SampleEvents.read(sample), null));
            if (problem != null) {
                problems.add(problem);
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        world.assertReconciles(ACME);
    }
}
