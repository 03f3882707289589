package app.credits.webtests;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Billing page's Auto top-up panel, in Chromium, against the local runner and its Stripe stand-in. */
class AutoTopUpPanelIT extends BillingPageSession {

    @Test
    void withoutASavedCardTurningItOnIsRefusedWithTheApisMessage() throws Exception {
        // GIVEN an org that bought credits without saving its card
        String org = "org_atu_nocard";
        runner.purchase(org, 10);
        signIn(org, "admin", "nia");

        // THEN the panel says auto top-up is off and no card is saved
        browser.byRole("heading", "Auto top-up");
        assertEquals("Off", browser.valueOf("Status"));
        assertTrue(browser.valueOf("Card").startsWith("None saved"), browser.valueOf("Card"));

        // WHEN the admin turns it on and saves
        browser.field("Turn on auto top-up").click();
        browser.byRole("button", "Save auto top-up").click();

        // THEN the API's 409 message is shown, and nothing changed
        browser.awaitText("auto top-up needs a saved card");
        assertFalse(runner.get(org, "/auto-top-up").path("enabled").asBoolean());
        assertNoSeriousAccessibilityViolations("auto top-up refused without a card");
    }

    @Test
    void anAdminWithASavedCardTurnsItOnAndSeesTheTopUpOfTheNextCrossing() throws Exception {
        // GIVEN an org that bought 10 credits saving a Visa at checkout
        String org = "org_atu_visa";
        runner.purchaseSavingCard(org, 10, "pm_card_visa");
        signIn(org, "admin", "ava");
        browser.byRole("heading", "Auto top-up");
        browser.waitFor(() -> browser.valueOf("Card").startsWith("Visa ending 4242") ? true : null, "the saved Visa");

        // WHEN the admin turns auto top-up on: below 5, buy 20, at most 3 a month
        browser.field("Turn on auto top-up").click();
        browser.type(browser.field("When credits left drop below"), "5");
        browser.type(browser.field("Credits to buy each time"), "20");
        browser.type(browser.field("At most this many top-ups a month"), "3");
        browser.byRole("button", "Save auto top-up").click();

        // THEN it is saved and active, as the API says
        browser.awaitText("Auto top-up saved.");
        browser.waitFor(() -> browser.valueOf("Status").equals("Active") ? true : null, "Active");
        JsonNode saved = runner.get(org, "/auto-top-up");
        assertTrue(saved.path("enabled").asBoolean());
        assertEquals("5", saved.path("thresholdCredits").asText());
        assertEquals("20", saved.path("topUpCredits").asText());
        assertEquals(3, saved.path("monthlyLimit").asInt());
        browser.screenshot("desktop-7-auto-top-up");
        assertNoSeriousAccessibilityViolations("auto top-up on");

        // AND WHEN submissions take credits left below 5 and the scheduled pass runs
        for (int i = 1; i <= 6; i++) {
            runner.submit(org, "sub_atu_" + i);
        }
        JsonNode summary = runner.runAutoTopUp();
        assertEquals(1, summary.path("succeeded").asInt(), summary.toString());

        // THEN after a refresh the page shows the 20 credits and the automatic purchase
        browser.byRole("button", "Refresh").click();
        browser.waitFor(() -> browser.valueOf("Credits left").equals("24") ? true : null, "24 credits left");
        WebElement table = browser.byRole("table", "Recent automatic purchases");
        List<WebElement> rows = table.findElements(By.cssSelector("tbody tr"));
        assertEquals(1, rows.size());
        assertTrue(rows.getFirst().getText().contains("Succeeded"), rows.getFirst().getText());
        assertEquals("1 of 3 top-ups", browser.valueOf("This month"));
        browser.awaitText("Automatic top-up of 20 credits");
        assertNoSeriousAccessibilityViolations("an automatic purchase listed");
    }

    @Test
    void aFraudulentCardPausesItAndThePanelAndTheEmailSaySo() throws Exception {
        // GIVEN auto top-up on with a card that the bank will decline as fraudulent, and credits below the threshold
        String org = "org_atu_fraud";
        runner.purchaseSavingCard(org, 3, "pm_card_chargeDeclinedFraudulent");
        String admin = runner.token("admin_" + org, org, "admin");
        runner.call("PUT", "/orgs/" + org + "/auto-top-up", admin,
                "{\"enabled\":true,\"thresholdCredits\":\"5\",\"topUpCredits\":\"20\",\"monthlyLimit\":3}");

        // WHEN the pass tries it
        JsonNode summary = runner.runAutoTopUp();
        assertEquals(1, summary.path("declined").asInt(), summary.toString());

        // THEN the panel shows it paused with the reason, and the declined attempt
        signIn(org, "admin", "fay");
        browser.byRole("heading", "Auto top-up");
        browser.waitFor(() -> browser.valueOf("Status").equals("Paused (fraudulent)") ? true : null, "paused");
        WebElement table = browser.byRole("table", "Recent automatic purchases");
        assertTrue(table.getText().contains("Failed (fraudulent)"), table.getText());
        assertNoSeriousAccessibilityViolations("auto top-up paused");
        // AND the org's recipient got one email saying so
        List<JsonNode> emails = runner.emailsTo("billing@" + org.replace('_', '-') + ".test");
        assertEquals(1, emails.stream().filter(e -> e.path("subject").asText().startsWith("Auto top-up paused")).count(),
                emails.toString());
    }
}
