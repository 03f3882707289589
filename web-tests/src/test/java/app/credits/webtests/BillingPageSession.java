package app.credits.webtests;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.support.ui.Select;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** One local runner and one browser per test class (both take seconds to start), and signing in as a person does. */
abstract class BillingPageSession {
    @TempDir
    static Path temp;
    static Runner runner;
    static Browser browser;

    @BeforeAll
    static void startRunnerAndBrowser() throws Exception {
        runner = Runner.start(temp.resolve("runner"));
        browser = Browser.start(temp);
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (runner != null) {
            runner.close();
        }
    }

    static String page() {
        return runner.url + Runner.PAGE;
    }

    /** Opens the page signed out and signs in through the runner's OIDC form, as {@code role} of {@code org}. */
    static void signIn(String org, String role, String user) {
        signIn(page(), org, role, user);
    }

    static void signIn(String url, String org, String role, String user) {
        browser.open(runner.url + "/app/admin/billing/credits/config.json");
        browser.driver.executeScript("sessionStorage.clear()");
        browser.open(url);
        fillTheSignInForm(org, role, user);
    }

    /** The runner's sign-in form: Organization, Role, User, Email, then Sign in. */
    static void fillTheSignInForm(String org, String role, String user) {
        browser.byRole("heading", "Sign in to credits-local");
        browser.type(browser.field("Organization"), org);
        new Select(browser.field("Role")).selectByVisibleText(role);
        browser.type(browser.field("User"), user);
        browser.type(browser.field("Email"), email(org, user));
        browser.byRole("button", "Sign in").click();
    }

    /** The address a person of that org signs in with (no underscore: type=email would refuse it). */
    static String email(String org, String user) {
        return user + "@" + org.replace('_', '-') + ".test";
    }

    static void assertNoSeriousAccessibilityViolations(String state) throws Exception {
        List<String> violations = browser.seriousAccessibilityViolations();
        assertEquals(List.of(), violations, "axe-core, serious or critical, in state " + state);
    }
}
