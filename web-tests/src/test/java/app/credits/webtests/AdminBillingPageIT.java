package app.credits.webtests;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a team admin does on the Billing page, in Chromium, against the local runner. */
class AdminBillingPageIT extends BillingPageSession {

    @Test
    void anAdminSignsInThroughTheOidcFormAndTheCountersEqualTheApisNumbers() throws Exception {
        // GIVEN an org that bought 20 credits, used 3 and has one pending invite
        String org = "org_counters";
        runner.purchase(org, 20);
        for (int i = 1; i <= 3; i++) {
            runner.submit(org, "sub_counters_" + i);
        }
        runner.invite(org, "inv_counters", "guest@counters.test");

        // WHEN its admin opens the page and signs in through the provider's form
        signIn(org, "admin", "ada");

        // THEN the counters show exactly the API's numbers
        JsonNode balance = runner.balance(org);
        assertEquals(balance.path("creditsLeft").asText(), browser.valueOf("Credits left"));
        assertEquals("16", browser.valueOf("Credits left"));
        assertEquals(balance.path("creditsUsed").asText(), browser.valueOf("Credits used"));
        assertEquals(balance.path("invitesPending").asText(), browser.valueOf("Invites pending"));
        assertEquals(balance.path("creditsReserved").asText(), browser.valueOf("Credits reserved"));
        browser.awaitText("Package: Standard (1 credit a submission)");
        assertTrue(browser.text().contains(email(org, "ada") + " (admin)"), "who is signed in");
        assertTrue(!browser.isShown("heading", "Staff tools"), "no staff tools for an admin");
        browser.byRole("heading", "Usage");
        browser.awaitText("Purchase of 20 credits");
        browser.screenshot("desktop-1-counters");
        assertNoSeriousAccessibilityViolations("signed in, counters shown");
    }

    @Test
    void aRevokedInviteLeavesTheListAndReleasesItsCredit() throws Exception {
        // GIVEN two pending invites
        String org = "org_invites";
        runner.purchase(org, 5);
        runner.invite(org, "inv_keep", "keep@invites.test");
        runner.invite(org, "inv_drop", "drop@invites.test");
        signIn(org, "admin", "ivy");
        assertEquals("2", browser.valueOf("Invites pending"));

        // WHEN the admin revokes one
        WebElement revoke = browser.byRole("button", "Revoke invite for drop@invites.test");
        assertEquals("Revoke", revoke.getText());
        revoke.click();

        // THEN it is gone, the other stays, and the API agrees: one pending, one credit reserved
        browser.awaitText("Invite for drop@invites.test revoked");
        assertTrue(browser.isShown("button", "Revoke invite for keep@invites.test"));
        assertTrue(!browser.isShown("button", "Revoke invite for drop@invites.test"));
        browser.waitFor(() -> browser.valueOf("Invites pending").equals("1") ? true : null, "one invite pending");
        assertEquals("1", runner.balance(org).path("invitesPending").asText());
        assertEquals("4", browser.valueOf("Credits left"));
        assertEquals("revoked", runner.get(org, "/invites?status=revoked").path("data").get(0).path("status").asText());
    }

    @Test
    void anAdminBuysCreditsThroughCheckoutAndSeesThemArrive() throws Exception {
        // GIVEN an org that never bought anything
        String org = "org_buyer";
        signIn(org, "admin", "bea");
        assertEquals("0", browser.valueOf("Credits left"));

        // WHEN the admin asks for 6 credits, the page quotes the API's price and the next tier
        browser.type(browser.field("Credits"), "6");
        JsonNode quote = runner.get(org, "/pricing?credits=6");
        browser.waitFor(() -> browser.valueOf("Next tier").contains("more") ? true : null, "the next tier");
        assertEquals("20%", browser.valueOf("Discount"));
        assertEquals(dollars(quote.path("total").path("amount").asLong()), browser.valueOf("Total"));
        assertEquals(dollars(quote.path("unitPrice").path("amount").asLong()) + " (list $29.00)", browser.valueOf("Unit price"));
        assertEquals("4 more credits reach 30% off", browser.valueOf("Next tier"));
        browser.screenshot("desktop-2-quote");
        assertNoSeriousAccessibilityViolations("a quote shown");

        // AND goes to Checkout, chooses to save the card, and pays on the (local) Stripe page
        browser.field("Save card for auto top-up").click();
        browser.byRole("button", "Checkout").click();
        browser.waitFor(() -> browser.driver.getCurrentUrl().contains("/_local/checkout/") ? true : null, "Stripe Checkout");
        browser.driver.findElement(By.xpath("//button[starts-with(normalize-space(), 'Pay')]")).click();

        // THEN back on the page, it waits for the webhook and shows the new balance
        browser.awaitText("6 credits were added. Credits left: 6.");
        assertEquals("6", browser.valueOf("Credits left"));
        assertEquals("6", runner.balance(org).path("creditsLeft").asText());
        browser.awaitText("Purchase of 6 credits");
        // AND the usage table counts today's purchase
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        WebElement row = browser.byRole("rowheader", today).findElement(By.xpath("ancestor::tr[1]"));
        assertEquals(List.of("6", "0"), row.findElements(By.tagName("td")).stream().map(WebElement::getText).toList());
        browser.screenshot("desktop-3-credited");
        assertNoSeriousAccessibilityViolations("back from Checkout, credited");

        // AND by month, the same purchase is in this month's row
        browser.field("By month (last 12 months)").click();
        browser.byRole("table", "Credits purchased and used by month, last 12 months");
        WebElement month = browser.byRole("rowheader", today.substring(0, 7)).findElement(By.xpath("ancestor::tr[1]"));
        assertEquals("6", month.findElements(By.tagName("td")).getFirst().getText());
    }

    @Test
    void aCancelledCheckoutSaysSoAndAddsNothing() throws Exception {
        // GIVEN an admin at Stripe Checkout for 3 credits
        String org = "org_canceller";
        signIn(org, "admin", "cal");
        browser.type(browser.field("Credits"), "3");
        browser.waitFor(() -> browser.valueOf("Total").startsWith("$") ? true : null, "a quote");
        browser.byRole("button", "Checkout").click();
        browser.waitFor(() -> browser.driver.getCurrentUrl().contains("/_local/checkout/") ? true : null, "Stripe Checkout");

        // WHEN they cancel there
        browser.driver.findElement(By.linkText("Cancel")).click();

        // THEN the page says nothing was charged, and nothing was
        browser.awaitText("Checkout was cancelled: nothing was charged and no credits were added.");
        assertEquals("0", browser.valueOf("Credits left"));
        assertEquals("0", runner.balance(org).path("lifetimeCreditsPurchased").asText());
    }

    @Test
    void logsLoadMoreNewestFirstAndDownloadAsTheApisCsv() throws Exception {
        // GIVEN 30 movements: a purchase and 29 submissions
        String org = "org_logs";
        runner.purchase(org, 40);
        for (int i = 1; i <= 29; i++) {
            runner.submit(org, String.format("sub_logs_%02d", i));
        }
        signIn(org, "admin", "lou");
        WebElement table = browser.byRole("table", "Every change of the balance, newest first");

        // THEN the first page holds 25 entries, newest first
        browser.waitFor(() -> rows(table).size() == 25 ? true : null, "25 log entries");
        assertTrue(rows(table).getFirst().getText().contains("sub_logs_29"), rows(table).getFirst().getText());

        // WHEN the admin loads more
        browser.byRole("button", "Load more").click();

        // THEN the rest arrive, the oldest (the purchase) last, and there is no more to load
        browser.awaitText("5 more entries loaded; that is the whole log.");
        assertEquals(30, rows(table).size());
        assertTrue(rows(table).getLast().getText().contains("Purchase"), rows(table).getLast().getText());
        assertFalse(browser.isShown("button", "Load more"));
        browser.screenshot("desktop-4-logs");

        // WHEN they download the CSV, THEN the file is the API's CSV of the whole log
        browser.byRole("button", "Download CSV").click();
        Path csv = downloadedCsv(org);
        String expected = runner.logsCsv(org);
        browser.waitFor(() -> fileText(csv).equals(expected) ? true : null, "the CSV written whole");
        assertEquals(31, expected.lines().count(), "a header and 30 entries");
    }

    @Test
    void theCsvOfALogTooLongForOneResponseDownloadsThroughTheExportLink() throws Exception {
        // GIVEN a log whose CSV is over the 4 MiB a response carries: the API answers 303 to a download link
        String org = "org_long_log";
        runner.seedLog(org, 60_000);
        assertEquals(303, runner.logsAsCsv(org).statusCode(), "the long log is exported through a link");
        signIn(org, "admin", "lena");
        browser.awaitText("seeded correction 59999"); // the log's first page, newest first

        // WHEN the admin downloads the CSV (the page's fetch follows the 303 to the runner's S3 stand-in)
        browser.byRole("button", "Download CSV").click();
        Path csv = downloadedCsv(org);

        // THEN the file is the whole log: the same CSV the link serves, a header and 60,000 entries
        String expected = runner.logsCsv(org);
        browser.waitFor(() -> fileText(csv).equals(expected) ? true : null, "the CSV written whole");
        assertEquals(60_001, expected.lines().count(), "a header and 60,000 entries");
        assertTrue(expected.lines().skip(1).findFirst().orElseThrow().startsWith("le_60000,adjustment,-0.25,22500,"));
    }

    @Test
    void changedSettingsAreSavedAndStillThereAfterAReload() throws Exception {
        // GIVEN an admin on the page
        String org = "org_settings";
        runner.purchase(org, 5);
        signIn(org, "admin", "sol");

        // WHEN they turn low-credit emails off, set the threshold and two recipients, and save
        WebElement emails = browser.field("Low-credit emails");
        assertTrue(emails.isSelected(), "on by default");
        emails.click();
        browser.type(browser.field("Threshold"), "7.5");
        browser.type(browser.field("Recipients"), "finance@settings.test\nboss@settings.test");
        browser.byRole("button", "Save").click();
        browser.awaitText("Settings saved.");

        // THEN the API has them
        JsonNode settings = runner.get(org, "/settings");
        assertFalse(settings.path("lowCreditEmails").asBoolean());
        assertEquals("7.5", settings.path("lowCreditThreshold").asText());
        assertEquals("[\"finance@settings.test\",\"boss@settings.test\"]", settings.path("notificationEmails").toString());
        // AND a reload shows them
        browser.driver.navigate().refresh();
        browser.waitFor(() -> browser.field("Threshold").getDomProperty("value").equals("7.5") ? true : null, "the saved threshold");
        assertFalse(browser.field("Low-credit emails").isSelected());
        assertEquals("finance@settings.test\nboss@settings.test", browser.field("Recipients").getDomProperty("value"));
    }

    @Test
    void atZeroCreditsABannerSaysSubmissionsAreBlocked() throws Exception {
        // GIVEN an org that used its only credit
        String org = "org_blocked";
        runner.purchase(org, 1);
        runner.submit(org, "sub_blocked_1");
        assertTrue(runner.balance(org).path("submissionsBlocked").asBoolean());

        // WHEN its admin opens the page
        signIn(org, "admin", "bob");

        // THEN a banner says so, above counters at zero
        assertTrue(browser.alertIn("Credits").startsWith("Submissions are blocked: no credits left."), browser.alertIn("Credits"));
        assertEquals("0", browser.valueOf("Credits left"));
        assertEquals("1", browser.valueOf("Credits used"));
        browser.screenshot("desktop-5-blocked");
        assertNoSeriousAccessibilityViolations("blocked at zero");
    }

    @Test
    void aFailingDatabaseShowsTheApisMessageAndThePageRecovers() throws Exception {
        // GIVEN an admin looking at 9 credits left
        String org = "org_outage";
        runner.purchase(org, 9);
        signIn(org, "admin", "oto");
        assertEquals("9", browser.valueOf("Credits left"));

        try {
            // WHEN the database stops answering in time and the admin refreshes
            runner.slowDownTheDatabase();
            var unavailable = runner.send("GET", "/orgs/" + org + "/balance", runner.token("a", org, "admin"), null);
            assertEquals(503, unavailable.statusCode(), unavailable.body());
            String message = Runner.JSON.readTree(unavailable.body()).path("error").path("message").asText();
            assertEquals("The database could not be reached; retry with the same id.", message);
            browser.byRole("button", "Refresh").click();

            // THEN the page shows the API's own message, and that it will try again
            String alert = browser.alertIn("Credits");
            assertTrue(alert.contains(message), alert);
            assertTrue(alert.contains("The page tries again by itself."), alert);
            browser.screenshot("desktop-6-unavailable");
            assertNoSeriousAccessibilityViolations("API answering 503");
        } finally {
            runner.clearFaults();
        }

        // WHEN the database is back and the admin tries again (unless the page's own retry came first)
        try {
            browser.driver.findElements(By.cssSelector("[aria-label='Try again to load Credits']"))
                    .forEach(WebElement::click);
        } catch (StaleElementReferenceException retriedAlready) {
            // the automatic retry re-rendered the section first
        }
        // THEN the numbers are back
        browser.waitFor(() -> !browser.isShown("button", "Try again to load Credits") ? true : null, "the error gone");
        assertEquals("9", browser.valueOf("Credits left"));
        // AND the other sections recovered by themselves
        browser.waitFor(() -> !browser.isShown("button", "Try again to load Logs") ? true : null, "the logs retried");
        browser.awaitText("Purchase of 9 credits");
    }

    @Test
    void anExpiredSessionSignsInAgainAndKeepsWhatWasTyped() throws Exception {
        // GIVEN a signed-in admin whose session has just expired
        String org = "org_expiry";
        signIn(org, "admin", "eve");
        browser.valueOf("Credits left");
        browser.driver.executeScript("for (const k of Object.keys(sessionStorage)) { if (k.startsWith('oidc.user:')) {"
                + " const u = JSON.parse(sessionStorage.getItem(k)); u.expires_at = Math.floor(Date.now() / 1000) - 60;"
                + " sessionStorage.setItem(k, JSON.stringify(u)); } }");

        // WHEN they type an order, the page needs the API, and so a new sign-in
        browser.type(browser.field("Credits"), "37");
        fillTheSignInForm(org, "admin", "eve");

        // THEN back on the page, the order they typed is still there, quoted
        browser.waitFor(() -> "37".equals(browser.field("Credits").getDomProperty("value")) ? true : null, "the typed 37");
        assertEquals(dollars(runner.get(org, "/pricing?credits=37").path("total").path("amount").asLong()),
                browser.valueOf("Total"));
    }

    @Test
    void onAPhoneEverythingFitsAndStaysAccessible() throws Exception {
        String org = "org_phone";
        runner.purchase(org, 12);
        runner.submit(org, "sub_phone_1");
        runner.invite(org, "inv_phone", "guest@phone.test");
        try {
            browser.phone();
            signIn(org, "admin", "pia");
            assertEquals("10", browser.valueOf("Credits left"));
            long overflow = (Long) browser.driver.executeScript(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
            assertEquals(0, overflow, "nothing wider than the phone's screen");
            browser.screenshot("phone-1-counters");
            assertNoSeriousAccessibilityViolations("phone, signed in");
            browser.type(browser.field("Credits"), "40");
            browser.waitFor(() -> browser.valueOf("Next tier").contains("more") ? true : null, "the next tier");
            browser.driver.executeScript("arguments[0].scrollIntoView({block: 'start'})", browser.byRole("heading", "Buy credits"));
            browser.screenshot("phone-2-buy");
            assertNoSeriousAccessibilityViolations("phone, quote shown");
        } finally {
            browser.desktop();
        }
    }

    private static List<WebElement> rows(WebElement table) {
        return table.findElements(By.cssSelector("tbody tr"));
    }

    /** The file the page's Download CSV saved for {@code org}, once it appears. */
    private static Path downloadedCsv(String org) {
        return browser.waitFor(() -> {
            try (var files = Files.list(browser.downloads)) {
                return files.filter(f -> f.getFileName().toString().startsWith("credits-log-" + org)
                        && f.toString().endsWith(".csv")).findFirst().orElse(null);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, "the downloaded CSV");
    }

    private static String fileText(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static String dollars(long cents) {
        return String.format("$%,d.%02d", cents / 100, cents % 100);
    }
}
