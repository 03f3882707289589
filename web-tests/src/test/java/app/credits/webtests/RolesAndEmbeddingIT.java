package app.credits.webtests;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Who sees what: a member is kept out, staff get their tools; and the element embedded in a host app's page. */
class RolesAndEmbeddingIT extends BillingPageSession {

    @Test
    void aMemberIsToldBillingIsForAdminsAndSeesNoNumbers() throws Exception {
        // GIVEN an org with credits, and a member whom the API refuses billing data
        String org = "org_members";
        runner.purchase(org, 8);
        assertEquals(403, runner.send("GET", "/orgs/" + org + "/balance", runner.token("mo", org, "member"), null).statusCode());

        // WHEN the member opens the Billing page and signs in
        signIn(org, "member", "mo");

        // THEN they are told billing is for admins, and no billing number or tool is shown
        browser.byRole("heading", "Billing is for admins");
        assertFalse(browser.isShown("term", "Credits left"));
        assertFalse(browser.isShown("heading", "Buy credits"));
        assertFalse(browser.text().contains("8"), browser.text());
        browser.screenshot("desktop-7-member");
        assertNoSeriousAccessibilityViolations("a member signed in");
    }

    @Test
    void staffAdjustWithAGeneratedIdempotencyKeyAndSetThePlanOfAnyOrg() throws Exception {
        // GIVEN a customer org with 10 credits, and a staff member of the vendor opening it
        String org = "org_customer";
        runner.purchase(org, 10);
        signIn(page() + "?org=" + org, "org_vendor", "staff", "sam");
        assertEquals("10", browser.valueOf("Credits left"));
        browser.byRole("heading", "Staff tools");

        // WHEN they apply a bonus of 2.5 credits, with the key the page generated
        String key = browser.driver.findElement(By.xpath("//p[contains(., 'Idempotency-Key')]/code")).getText();
        assertTrue(key.startsWith("adj-"), key);
        browser.type(browser.field("Adjustment credits"), "2.5");
        browser.field("Bonus (promotional, not a purchase)").click();
        browser.type(browser.field("Reason"), "Sorry for the outage");
        browser.byRole("button", "Apply adjustment").click();

        // THEN the ledger has exactly that bonus, under that key, and the page shows the new balance
        browser.awaitText("Adjustment of +2.5 credits applied. Credits left: 12.5.");
        JsonNode entry = runner.get(org, "/logs?limit=1").path("data").get(0);
        assertEquals("bonus", entry.path("type").asText());
        assertEquals("2.5", entry.path("credits").asText());
        assertEquals(key, entry.path("reference").asText());
        browser.waitFor(() -> browser.valueOf("Credits left").equals("12.5") ? true : null, "12.5 credits left");
        // AND the next adjustment gets a new key
        assertFalse(key.equals(browser.driver.findElement(By.xpath("//p[contains(., 'Idempotency-Key')]/code")).getText()));

        // WHEN they move the org to Lite at a fixed 19.00 a credit
        new Select(browser.field("Package")).selectByVisibleText("Lite (0.25 a submission)");
        browser.type(browser.field("Fixed price per credit"), "19.00");
        browser.byRole("button", "Save plan").click();

        // THEN the plan is saved, the page says Lite, and a quote is at the fixed price
        browser.awaitText("Plan saved.");
        JsonNode plan = runner.get(org, "/plan");
        assertEquals("lite", plan.path("package").asText());
        assertEquals(1900, plan.path("fixedUnitPrice").path("amount").asInt());
        browser.awaitText("Package: Lite (0.25 a submission)");
        browser.type(browser.field("Credits"), "10");
        browser.waitFor(() -> browser.valueOf("Total").equals("$190.00") ? true : null, "the fixed-price total");
        assertEquals("Negotiated fixed price", browser.valueOf("Discount"));
        browser.driver.executeScript("arguments[0].scrollIntoView({block: 'start'})", browser.byRole("heading", "Staff tools"));
        browser.screenshot("desktop-8-staff-tools");
        assertNoSeriousAccessibilityViolations("staff tools");
    }

    @Test
    void aStaffAdjustmentTheApiRefusesShowsTheApisMessage() throws Exception {
        // GIVEN staff on an org with 1 credit
        String org = "org_refused";
        runner.purchase(org, 1);
        signIn(page() + "?org=" + org, "org_vendor", "staff", "sid");

        // WHEN they try to take away 5 credits
        browser.type(browser.field("Adjustment credits"), "-5");
        browser.type(browser.field("Reason"), "Typo");
        browser.byRole("button", "Apply adjustment").click();

        // THEN the API's own message is shown, and nothing changed
        String alert = browser.alertIn("Staff tools");
        var refused = runner.adjust(org, "adj-direct", "{\"credits\":\"-5\",\"reason\":\"Typo\"}");
        assertEquals(402, refused.statusCode(), refused.body());
        String message = Runner.JSON.readTree(refused.body()).path("error").path("message").asText();
        assertFalse(message.isBlank(), refused.body());
        assertTrue(alert.contains(message), alert + " should contain " + message);
        assertEquals("1", runner.balance(org).path("creditsLeft").asText());
    }

    @Test
    void theEmbeddedElementShowsTheHostsOrgWithTheTokenItsCallbackReturns() throws Exception {
        // GIVEN the demo org with credits
        runner.purchase("org_demo", 4);

        // WHEN a host app's page embeds <credits-billing> with a token callback (the runnable example)
        browser.open(page() + "/embed-example.html");

        // THEN it shows the org's numbers, the same as the API's, under the host's own heading
        browser.byRole("heading", "Your app's admin area");
        assertEquals(runner.balance("org_demo").path("creditsLeft").asText(), browser.valueOf("Credits left"));
        browser.byRole("heading", "Buy credits");
        assertNoSeriousAccessibilityViolations("embedded in a host page");
    }
}
