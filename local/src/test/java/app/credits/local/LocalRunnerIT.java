package app.credits.local;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The quick start of docs/local-runner.md, over HTTP, against the packaged jar started as a person starts it;
 * then a {@code kill -9} in the middle of a burst of submissions, and a restart on the same data dir that must
 * find every acknowledged write.
 */
class LocalRunnerIT {
    private static final String ORG = "org_e2e";
    private static final Duration STARTUP = Duration.ofSeconds(30);

    @TempDir
    Path temp;

    @Test
    void theQuickStartWorksAndEveryAcknowledgedWriteSurvivesKillDashNine() throws Exception {
        Path data = temp.resolve("data");
        int port = RunnerProcess.freePort();
        int dynamoPort = RunnerProcess.freePort();
        Map<String, String> env = RunnerProcess.env("PORT", port, "DYNAMODB_PORT", dynamoPort, "CREDITS_DATA_DIR", data);
        List<String> acknowledged = new ArrayList<>();

        try (RunnerProcess runner = RunnerProcess.start(RunnerProcess.REPO, temp, "first", env, "--no-schedule")) {
            long firstAnswerMs = runner.awaitFirstAnswer(STARTUP);
            report("startup to first answer (fresh data dir): " + firstAnswerMs + " ms");

            // GIVEN an admin token from the runner and a purchase of 20 credits delivered as Stripe would
            String admin = runner.token("user_admin_e2e", ORG, "admin");
            JsonNode purchase = runner.call(200, "POST", "/_local/simulate-purchase", null,
                    "{\"orgId\":\"" + ORG + "\",\"credits\":20,\"email\":\"billing@e2e.example\"}");
            assertEquals(200, purchase.path("webhook").path("status").asInt(), purchase.toString());
            assertTrue(purchase.path("checkoutSessionId").asText().startsWith("cs_"));
            assertEquals("20", runner.call(200, "GET", "/orgs/" + ORG + "/balance", admin, null).path("balance").asText());

            // AND buying through Checkout works offline: the session's url is the runner's stand-in payment page
            // (return URLs on this machine only: the runner sets no ALLOWED_ORIGINS)
            JsonNode checkout = runner.call(201, "POST", "/orgs/" + ORG + "/checkout", admin,
                    "{\"credits\":5,\"successUrl\":\"http://localhost:5173/ok\",\"cancelUrl\":\"http://localhost:5173/no\"}");
            String payPage = checkout.path("url").asText();
            assertEquals(200, runner.browser("GET", payPage, null).statusCode());
            HttpResponse<String> paid = runner.browser("POST", payPage, "email=billing%40e2e.example");
            assertEquals(303, paid.statusCode(), paid.body());
            assertEquals("http://localhost:5173/ok", paid.headers().firstValue("Location").orElse(""));
            assertEquals("25", runner.call(200, "GET", "/orgs/" + ORG + "/balance", admin, null).path("balance").asText());

            // WHEN a member submits, the admin invites someone and lowers nothing but raises the alert threshold
            String member = runner.token("user_member_e2e", ORG, "member");
            JsonNode submission = runner.call(201, "POST", "/orgs/" + ORG + "/submissions", member,
                    "{\"submissionId\":\"sub_first\",\"memberId\":\"user_member_e2e\"}");
            assertEquals("24", submission.path("creditsLeft").asText());
            acknowledged.add("sub_first");
            JsonNode invite = runner.call(201, "POST", "/orgs/" + ORG + "/invites", admin,
                    "{\"inviteId\":\"inv_e2e\",\"email\":\"guest@e2e.example\"}");
            assertEquals("23", invite.path("creditsLeft").asText());
            runner.call(200, "PUT", "/orgs/" + ORG + "/settings", admin, "{\"lowCreditThreshold\":\"50\"}");

            // THEN the log shows the purchase and the submission, newest first
            JsonNode logs = runner.call(200, "GET", "/orgs/" + ORG + "/logs", admin, null).path("data");
            assertEquals(List.of("submission", "purchase", "purchase"), types(logs));
            // AND the low-credit check emails the buyer once, and the email is listed
            JsonNode summary = runner.call(200, "POST", "/_local/run/low-credit-check", null, null);
            assertEquals(1, summary.path("emailsSent").asInt(), summary.toString());
            JsonNode emails = runner.call(200, "GET", "/_local/emails", null, null).path("data");
            assertEquals(1, emails.size(), emails.toString());
            assertEquals("billing@e2e.example", emails.get(0).path("to").get(0).asText());
            assertTrue(emails.get(0).path("subject").asText().toLowerCase().contains("credit"), emails.toString());
            // AND its one-click unsubscribe is served by the runner: following the link asks, the POST unsubscribes
            String listUnsubscribe = emails.get(0).path("headers").path("List-Unsubscribe").asText();
            String link = listUnsubscribe.substring(1, listUnsubscribe.length() - 1);
            assertTrue(link.startsWith("http://127.0.0.1:" + port + "/unsubscribe?token=v1."), emails.toString());
            assertEquals("List-Unsubscribe=One-Click", emails.get(0).path("headers").path("List-Unsubscribe-Post").asText());
            HttpResponse<String> confirm = runner.browser("GET", link, null);
            assertEquals(200, confirm.statusCode(), confirm.body());
            assertTrue(confirm.body().contains("billing@e2e.example"), confirm.body());
            HttpResponse<String> unsubscribed = runner.browser("POST", link, "List-Unsubscribe=One-Click");
            assertEquals(200, unsubscribed.statusCode(), unsubscribed.body());
            HttpResponse<String> forged = runner.browser("POST", link + "x", "List-Unsubscribe=One-Click");
            assertEquals(400, forged.statusCode(), forged.body());
            assertEquals("invalid_token", RunnerProcess.JSON.readTree(forged.body()).path("error").path("code").asText());
            // AND an unknown route and a missing token get the contract's error shape
            assertEquals("not_found", runner.call(404, "GET", "/nowhere", admin, null).path("error").path("type").asText());
            assertEquals("authentication", runner.call(401, "GET", "/orgs/" + ORG + "/balance", null, null)
                    .path("error").path("type").asText());

            // WHEN submissions pour in from four clients and the process is killed with SIGKILL in the middle
            killDuringSubmissions(runner, member, acknowledged);
        }

        // THEN a restart on the same data dir finds every acknowledged write
        try (RunnerProcess again = RunnerProcess.start(RunnerProcess.REPO, temp, "second", env, "--no-schedule")) {
            report("startup to first answer (restart after kill -9): " + again.awaitFirstAnswer(STARTUP) + " ms");
            String admin = again.token("user_admin_e2e", ORG, "admin");
            String member = again.token("user_member_e2e", ORG, "member");
            JsonNode logs = again.call(200, "GET", "/orgs/" + ORG + "/logs?limit=100", admin, null).path("data");
            Set<String> logged = new HashSet<>();
            long sumOfLog = 0;
            for (JsonNode entry : logs) {
                logged.add(entry.path("reference").asText());
                sumOfLog += new java.math.BigDecimal(entry.path("credits").asText()).movePointRight(2).longValueExact();
            }
            for (String id : acknowledged) {
                assertTrue(logged.contains(id), "acknowledged submission " + id + " is missing after kill -9: " + logged);
                // a retry of an acknowledged submission is answered from the ledger, not charged again
                retryIsAnsweredFromTheLedger(again, member, id);
            }
            JsonNode balance = again.call(200, "GET", "/orgs/" + ORG + "/balance", admin, null);
            assertEquals(sumOfLog, new java.math.BigDecimal(balance.path("balance").asText()).movePointRight(2).longValueExact(),
                    "balance == sum of the log");
            assertEquals("1", balance.path("creditsReserved").asText(), "the pending invite kept its reservation");
            assertEquals(1, balance.path("invitesPending").asInt());
            assertEquals("50", again.call(200, "GET", "/orgs/" + ORG + "/settings", admin, null)
                    .path("lowCreditThreshold").asText());
            assertEquals(1, again.call(200, "GET", "/_local/emails", null, null).path("data").size());

            // AND Ctrl-C (SIGTERM) stops it cleanly: exit, ports and data-dir lock released
            again.process.destroy();
            int exit = again.awaitExit(Duration.ofSeconds(20));
            assertEquals(143, exit, "exit status after SIGTERM");
            assertTrue(again.stdoutText().contains("credits-local stopped"), again.stdoutText());
        }
        try (RunnerProcess third = RunnerProcess.start(RunnerProcess.REPO, temp, "third", env, "--no-schedule")) {
            report("startup to first answer (restart after Ctrl-C): " + third.awaitFirstAnswer(STARTUP) + " ms");
        }
    }

    @Test
    void aSimulatedPurchaseSavesTheOrgsCardForLaterAndAnUndeliveredOneIsCreditedByTheReconciliationWithStripe() throws Exception {
        Map<String, String> env = RunnerProcess.env("PORT", RunnerProcess.freePort(), "DYNAMODB_PORT", RunnerProcess.freePort());
        try (RunnerProcess runner = RunnerProcess.start(RunnerProcess.REPO, temp, "stripe", env, "--in-memory", "--no-schedule")) {
            runner.awaitFirstAnswer(STARTUP);
            String admin = runner.token("user_admin_e2e", ORG, "admin");

            // WHEN a purchase saves a card that will be declined for insufficient funds
            JsonNode saved = runner.call(200, "POST", "/_local/simulate-purchase", null, "{\"orgId\":\"" + ORG
                    + "\",\"credits\":5,\"email\":\"billing@e2e.example\",\"saveCard\":\"pm_card_chargeDeclinedInsufficientFunds\"}");

            // THEN the purchase is credited through the webhook, and the org's Stripe Customer keeps that card
            assertEquals(200, saved.path("webhook").path("status").asInt(), saved.toString());
            assertEquals("5", runner.call(200, "GET", "/orgs/" + ORG + "/balance", admin, null).path("balance").asText());
            String customer = saved.path("customerId").asText();
            assertTrue(customer.startsWith("cus_"), saved.toString());
            assertEquals("9995", saved.path("savedCard").path("last4").asText());
            JsonNode cards = stripe(runner, "GET", "/v1/customers/" + customer + "/payment_methods", null, 200).path("data");
            assertEquals(1, cards.size(), cards.toString());
            assertEquals(saved.path("savedCard").path("paymentMethodId").asText(), cards.get(0).path("id").asText());
            // AND charging it off-session through the runner's Stripe is declined as Stripe declines it
            JsonNode declined = stripe(runner, "POST", "/v1/payment_intents", "amount=2900&currency=usd&customer=" + customer
                    + "&payment_method=" + cards.get(0).path("id").asText() + "&confirm=true&off_session=true", 402);
            assertEquals("insufficient_funds", declined.path("error").path("decline_code").asText(), declined.toString());
            assertEquals("requires_payment_method", declined.path("error").path("payment_intent").path("status").asText());
            // AND the next saved card goes on the same customer
            JsonNode again = runner.call(200, "POST", "/_local/simulate-purchase", null,
                    "{\"orgId\":\"" + ORG + "\",\"credits\":1,\"saveCard\":\"pm_card_visa\"}");
            assertEquals(customer, again.path("customerId").asText());

            // WHEN a purchase is paid but its webhook is never delivered
            JsonNode undelivered = runner.call(200, "POST", "/_local/simulate-purchase", null,
                    "{\"orgId\":\"" + ORG + "\",\"credits\":3,\"deliver\":false}");

            // THEN nothing is credited, and Stripe lists the paid session's event among the undelivered ones
            assertFalse(undelivered.path("delivered").asBoolean(true), undelivered.toString());
            assertTrue(undelivered.path("webhook").isNull(), undelivered.toString());
            assertEquals("6", runner.call(200, "GET", "/orgs/" + ORG + "/balance", admin, null).path("balance").asText());
            JsonNode events = stripe(runner, "GET",
                    "/v1/events?type=checkout.session.completed&delivery_success=false", null, 200).path("data");
            assertEquals(1, events.size(), events.toString());
            assertEquals(undelivered.path("checkoutSessionId").asText(), events.get(0).path("data").path("object").path("id").asText());
            assertEquals("paid", events.get(0).path("data").path("object").path("payment_status").asText());
            // AND a card that is not one of Stripe's test cards is refused
            assertEquals("invalid_request", runner.call(400, "POST", "/_local/simulate-purchase", null,
                    "{\"orgId\":\"" + ORG + "\",\"credits\":1,\"saveCard\":\"pm_nope\"}").path("error").path("type").asText());

            // WHEN the reconciliation with Stripe runs now, twice
            JsonNode run = runner.call(200, "POST", "/_local/run/stripe-reconcile", null, "");
            JsonNode second = runner.call(200, "POST", "/_local/run/stripe-reconcile", null, "");

            // THEN the first run credits the purchase whose webhook was lost, and the second finds nothing more to do
            assertEquals(1, run.path("recovered").asInt(), run.toString());
            assertTrue(run.path("complete").asBoolean(), run.toString());
            assertEquals(0, second.path("recovered").asInt(), second.toString());
            assertEquals("9", runner.call(200, "GET", "/orgs/" + ORG + "/balance", admin, null).path("balance").asText());
        }
    }

    /** A call to the runner's Stripe stand-in, as stripe-java sends it (form body, secret key). */
    private static JsonNode stripe(RunnerProcess runner, String method, String path, String form, int status) throws Exception {
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + runner.port
                        + "/_local/stripe" + path))
                .header("Authorization", "Bearer sk_test_local_it")
                .method(method, form == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                        : java.net.http.HttpRequest.BodyPublishers.ofString(form));
        if (form != null) {
            request.header("Content-Type", "application/x-www-form-urlencoded");
        }
        HttpResponse<String> answer = java.net.http.HttpClient.newHttpClient().send(request.build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(status, answer.statusCode(), answer.body());
        return RunnerProcess.JSON.readTree(answer.body());
    }

    @Test
    void aSecondRunnerOnTheSamePortOrDataDirFailsWithOneReadableLine() throws Exception {
        Path data = temp.resolve("data");
        int port = RunnerProcess.freePort();
        int dynamoPort = RunnerProcess.freePort();
        try (RunnerProcess first = RunnerProcess.start(RunnerProcess.REPO, temp, "first",
                RunnerProcess.env("PORT", port, "DYNAMODB_PORT", dynamoPort, "CREDITS_DATA_DIR", data), "--no-schedule")) {
            first.awaitFirstAnswer(STARTUP);

            // WHEN a second runner wants the same HTTP port
            try (RunnerProcess samePort = RunnerProcess.start(RunnerProcess.REPO, temp, "same-port",
                    RunnerProcess.env("PORT", port, "DYNAMODB_PORT", RunnerProcess.freePort(), "CREDITS_DATA_DIR",
                            temp.resolve("other")))) {
                // THEN it exits non-zero with one line that names the port
                assertNotEquals(0, samePort.awaitExit(Duration.ofSeconds(30)));
                assertOneLine(samePort.stderrText(), "port " + port, "in use");
            }
            // WHEN a second runner wants the same data dir
            try (RunnerProcess sameData = RunnerProcess.start(RunnerProcess.REPO, temp, "same-data",
                    RunnerProcess.env("PORT", RunnerProcess.freePort(), "DYNAMODB_PORT", RunnerProcess.freePort(),
                            "CREDITS_DATA_DIR", data))) {
                assertNotEquals(0, sameData.awaitExit(Duration.ofSeconds(30)));
                assertOneLine(sameData.stderrText(), "locked");
            }
            // WHEN a second runner wants the same DynamoDB port
            try (RunnerProcess sameDynamo = RunnerProcess.start(RunnerProcess.REPO, temp, "same-dynamo",
                    RunnerProcess.env("PORT", RunnerProcess.freePort(), "DYNAMODB_PORT", dynamoPort), "--in-memory")) {
                assertNotEquals(0, sameDynamo.awaitExit(Duration.ofSeconds(30)));
                assertOneLine(sameDynamo.stderrText(), "DYNAMODB_PORT " + dynamoPort, "in use");
            }
            // AND the first one still answers
            first.token("user", "org_x", "admin");
        }
    }

    @Test
    void aMissingTemplateOrAnUnwritableDataDirFailsWithOneReadableLine() throws Exception {
        // GIVEN a directory without template.yaml
        Path elsewhere = Files.createDirectories(temp.resolve("elsewhere"));
        try (RunnerProcess noTemplate = RunnerProcess.start(elsewhere, temp, "no-template",
                RunnerProcess.env("PORT", RunnerProcess.freePort()))) {
            assertNotEquals(0, noTemplate.awaitExit(Duration.ofSeconds(30)));
            assertOneLine(noTemplate.stderrText(), "template.yaml", "CREDITS_TEMPLATE");
        }
        // GIVEN a data dir path that is a file
        Path file = Files.writeString(temp.resolve("a-file"), "not a directory");
        try (RunnerProcess badData = RunnerProcess.start(RunnerProcess.REPO, temp, "bad-data",
                RunnerProcess.env("PORT", RunnerProcess.freePort(), "DYNAMODB_PORT", RunnerProcess.freePort(),
                        "CREDITS_DATA_DIR", file))) {
            assertNotEquals(0, badData.awaitExit(Duration.ofSeconds(30)));
            assertOneLine(badData.stderrText(), "data dir", "CREDITS_DATA_DIR");
        }
    }

    /**
     * Four clients submit as fast as they can; after a dozen acknowledgements the runner gets SIGKILL. Returns
     * with {@code acknowledged} holding every submission answered 201.
     */
    private static void killDuringSubmissions(RunnerProcess runner, String member, List<String> acknowledged)
            throws Exception {
        ConcurrentLinkedQueue<String> acks = new ConcurrentLinkedQueue<>();
        AtomicInteger next = new AtomicInteger();
        try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < 4; c++) {
                clients.submit(() -> {
                    while (true) {
                        String id = "sub_burst_" + next.incrementAndGet();
                        try {
                            HttpResponse<String> r = runner.send("POST", "/orgs/" + ORG + "/submissions", member,
                                    "{\"submissionId\":\"" + id + "\",\"memberId\":\"user_member_e2e\"}");
                            if (r.statusCode() == 201) {
                                acks.add(id);
                            }
                        } catch (Exception killed) {
                            return null;
                        }
                    }
                });
            }
            while (acks.size() < 12) {
                Thread.sleep(5);
            }
            runner.process.destroyForcibly(); // SIGKILL: no shutdown hook runs
            runner.process.waitFor();
        }
        acknowledged.addAll(acks);
        report("acknowledged before kill -9: " + acknowledged.size() + " submissions, " + next.get() + " sent");
    }

    private static void retryIsAnsweredFromTheLedger(RunnerProcess runner, String member, String submissionId) throws Exception {
        JsonNode again = runner.call(200, "POST", "/orgs/" + ORG + "/submissions", member,
                "{\"submissionId\":\"" + submissionId + "\",\"memberId\":\"user_member_e2e\"}");
        assertEquals(submissionId, again.path("submissionId").asText());
    }

    private static List<String> types(JsonNode entries) {
        List<String> types = new ArrayList<>();
        entries.forEach(e -> types.add(e.path("type").asText()));
        return types;
    }

    private static void assertOneLine(String stderr, String... mentions) {
        List<String> lines = stderr.lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), "one line on stderr, got: " + stderr);
        for (String m : mentions) {
            assertTrue(lines.getFirst().contains(m), "'" + m + "' in: " + lines.getFirst());
        }
    }

    /** Numbers for the report (in target/failsafe-reports/*-output.txt). */
    private static void report(String line) {
        System.out.println("[local-runner] " + line);
    }
}
