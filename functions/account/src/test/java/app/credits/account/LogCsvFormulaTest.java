package app.credits.account;

import app.credits.http.HttpResponse;
import app.credits.http.Role;
import app.credits.http.testing.Events;
import app.credits.http.testing.TestTelemetry;
import app.credits.ledger.CompletedCheckout;
import app.credits.ledger.Money;
import app.credits.ledger.OrgId;
import app.credits.ledger.Pricing;
import app.credits.ledger.testing.MutableClock;
import app.credits.ledger.testing.TestDynamo;
import app.credits.runtime.Json;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static app.credits.http.testing.Responses.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Security finding 9 (CSV): the log's CSV export is opened in spreadsheets, which run a cell as a formula when it
 * starts with = + - @ — also after leading blanks or a line break, and in their full-width forms (＝ ＋ － ＠), which
 * some spreadsheets and IMEs treat the same. Every such free-text cell must start with an apostrophe.
 */
class LogCsvFormulaTest {
    private static final OrgId ACME = OrgId.of("org_acme");

    /** Adjustment reasons a staff member (or whoever talked them into it) could write. */
    private static final List<String> HOSTILE_REASONS = List.of(
            "\n=HYPERLINK(\"https://evil.example\",\"refund\")",
            " =1+1",
            "  @SUM(1,2)",
            "\r\n+cmd|' /C calc'!A0",
            "\t-2+3",
            "＝HYPERLINK(\"https://evil.example\")",
            "＋1",
            "－1",
            "＠SUM(1)",
            "\u3000=1+1",
            "\u00A0=1+1",
            "\u0000=1+1",
            "\u000B=1+1",
            "\u2028=1+1");

    private final MutableClock clock = MutableClock.at("2026-11-23T18:04:05.123Z");
    private final TestDynamo.World world = TestDynamo.world(clock);
    private final AccountFunction function = new AccountFunction(world.ledger(), Pricing.standard());

    LogCsvFormulaTest() {
        function.telemetry(new TestTelemetry().telemetry());
    }

    @Test
    void everyCellThatASpreadsheetWouldRunAsAFormulaStartsWithAnApostrophe() {
        // GIVEN bonuses whose reasons start with a formula behind a blank, a line break or a full-width sign
        world.ledger().creditPurchase(new CompletedCheckout("cs_1", ACME, 3, Money.of(8700, "usd"), Optional.of("pi_1"),
                Optional.empty()));
        for (int i = 0; i < HOSTILE_REASONS.size(); i++) {
            clock.advance(Duration.ofSeconds(1));
            String body = Json.write(Json.object().put("credits", "1").put("reason", HOSTILE_REASONS.get(i)).put("kind", "bonus"));
            assertStatus(function.handle(as("POST /orgs/{orgId}/adjustments").header("Idempotency-Key", "adj_" + i)
                    .body(body).build(), null), 201);
        }

        // WHEN the log is exported as CSV
        HttpResponse csv = function.handle(as("GET /orgs/{orgId}/logs").header("Accept", "text/csv").build(), null);

        // THEN each reason's cell starts with ' (inside the quotes when the cell is quoted), so it stays text
        assertEquals(200, csv.statusCode(), csv.body());
        List<String> runAsFormulas = HOSTILE_REASONS.stream().filter(reason -> {
            String plain = ",'" + reason + ",";
            String quoted = ",\"'" + reason.replace("\"", "\"\"") + "\",";
            return !csv.body().contains(plain) && !csv.body().contains(quoted);
        }).map(reason -> Json.write(Json.MAPPER.getNodeFactory().textNode(reason))).toList();
        assertEquals(List.of(), runAsFormulas, "cells left as formulas");
        world.assertReconciles(ACME);
    }

    private static Events as(String routeKey) {
        return Events.http(routeKey).org(ACME.value()).claims("staff_1", ACME.value(), Role.STAFF);
    }
}
