package app.credits.account;

import app.credits.http.HttpResponse;
import app.credits.http.Role;
import app.credits.http.testing.Events;
import app.credits.http.testing.TableSnapshot;
import app.credits.http.testing.TestTelemetry;
import app.credits.ledger.CompletedCheckout;
import app.credits.ledger.Money;
import app.credits.ledger.OrgId;
import app.credits.ledger.Pricing;
import app.credits.ledger.testing.MutableClock;
import app.credits.ledger.testing.TestDynamo;
import app.credits.runtime.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Optional;

import static app.credits.http.testing.Responses.assertError;
import static app.credits.http.testing.Responses.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Security finding 6: the low-credit recipients go into an email's To header, so an address carrying a control
 * or line-separator character (NUL, U+0085 NEL, U+2028) could bend the message or the logs. Only printable ASCII.
 */
class NotificationEmailsPrintableTest {
    private static final OrgId ACME = OrgId.of("org_acme");

    private final MutableClock clock = MutableClock.at("2026-11-23T18:04:05.123Z");
    private final TestDynamo.World world = TestDynamo.world(clock);
    private final AccountFunction function = new AccountFunction(world.ledger(), Pricing.standard());

    NotificationEmailsPrintableTest() {
        function.telemetry(new TestTelemetry().telemetry());
        world.ledger().creditPurchase(new CompletedCheckout("cs_1", ACME, 5, Money.of(14500, "usd"), Optional.of("pi_1"),
                Optional.of("buyer@acme.example")));
    }

    @ParameterizedTest(name = "U+{0}")
    @ValueSource(strings = {"0000", "0085", "2028", "2029", "000A", "000D", "0009", "007F", "00A0", "001B", "200B", "00E9"})
    void anAddressWithACharacterOutsidePrintableAsciiIsRefusedAndNothingIsWritten(String codePoint) {
        // GIVEN an address with that character in its local part, then in its domain
        char c = (char) Integer.parseInt(codePoint, 16);
        for (String address : new String[] {"ops" + c + "x@acme.example", "ops@ac" + c + "me.example", c + "ops@acme.example"}) {
            TableSnapshot before = TableSnapshot.of(world.dynamo(), world.table());
            ObjectNode body = Json.object();
            body.putArray("notificationEmails").add("admin@acme.example").add(address);

            // WHEN an admin saves it as a low-credit recipient
            HttpResponse response = function.handle(Events.http("PUT /orgs/{orgId}/settings").org(ACME.value())
                    .claims("admin_1", ACME.value(), Role.ADMIN).body(Json.write(body)).build(), null);

            // THEN 400 in the contract's shape, and the settings are unchanged
            assertError(response, 400, "invalid_request", null);
            before.assertUnchanged(TableSnapshot.of(world.dynamo(), world.table()), "U+" + codePoint + " in " + Json.write(body));
        }
        world.assertReconciles(ACME);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ops@acme.example", "o'brien&co@esc.test", "first.last+billing@sub.acme.example",
            "a!#$%*/=?^_`{|}~-@acme.example"})
    void printableAsciiAddressesAreStillAccepted(String address) {
        ObjectNode body = Json.object();
        body.putArray("notificationEmails").add(address);

        HttpResponse response = function.handle(Events.http("PUT /orgs/{orgId}/settings").org(ACME.value())
                .claims("admin_1", ACME.value(), Role.ADMIN).body(Json.write(body)).build(), null);

        assertEquals(address, assertStatus(response, 200).path("notificationEmails").get(0).asText());
        world.assertReconciles(ACME);
    }
}
