package app.credits.local;

import app.credits.ledger.Credits;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 17's "done when": the CSV of a 10^5-entry log downloads through the local runner in one command,
 * {@code curl -L -H 'Accept: text/csv'}, following the account function's 303 to the presigned link the runner's
 * S3 stand-in serves.
 */
class LocalCsvExportIT {
    private static final String ORG = "org_long_csv";
    private static final int ENTRIES = Integer.getInteger("export.localLog", 100_000);

    @TempDir
    Path temp;

    @Test
    void curlFollowsTheRedirectAndDownloadsTheWholeCsvOfA100kEntryLog() throws Exception {
        int port = RunnerProcess.freePort();
        int dynamoPort = RunnerProcess.freePort();
        Map<String, String> env = RunnerProcess.env("PORT", port, "DYNAMODB_PORT", dynamoPort);
        try (RunnerProcess runner = RunnerProcess.start(RunnerProcess.REPO, temp, "csv", env, "--in-memory", "--no-schedule")) {
            runner.awaitFirstAnswer(Duration.ofSeconds(30));

            // GIVEN an org whose log holds 10^5 entries, seeded in bulk by the runner (new orgs only)
            long loadStarted = System.nanoTime();
            HttpResponse<String> seed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(java.net.URI.create(
                    "http://127.0.0.1:" + port + "/_local/seed-log")).timeout(Duration.ofMinutes(5))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"orgId\":\"" + ORG + "\",\"entries\":" + ENTRIES + "}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(201, seed.statusCode(), seed.body());
            JsonNode seeded = RunnerProcess.JSON.readTree(seed.body());
            assertEquals(ENTRIES, seeded.path("entries").asLong());
            assertEquals(balanceAfter(ENTRIES).toString(), seeded.path("balance").asText());
            report(ENTRIES + " entries seeded in " + millisSince(loadStarted) + " ms");
            runner.call(409, "POST", "/_local/seed-log", null, "{\"orgId\":\"" + ORG + "\",\"entries\":1}");
            runner.call(400, "POST", "/_local/seed-log", null, "{\"orgId\":\"org_other\",\"entries\":1000001}");
            String admin = runner.token("user_admin_csv", ORG, "admin");
            String url = "http://127.0.0.1:" + port + "/orgs/" + ORG + "/logs";

            // WHEN it is asked for without following redirects, THEN 303 to the runner's S3 stand-in, saying so
            HttpResponse<String> redirect = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    java.net.URI.create(url)).header("Accept", "text/csv").header("Authorization", "Bearer " + admin)
                    .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(303, redirect.statusCode(), redirect.body());
            String location = redirect.headers().firstValue("location").orElseThrow();
            assertTrue(location.startsWith("http://127.0.0.1:" + port + "/_local/s3/credits-exports/exports/" + ORG + "/"), location);
            JsonNode body = RunnerProcess.JSON.readTree(redirect.body());
            assertEquals(ENTRIES, body.path("entries").asLong());

            // WHEN downloaded in one command, as docs/local-runner.md shows it (the bearer token goes along)
            Path csv = temp.resolve("log.csv");
            long downloadStarted = System.nanoTime();
            Process curl = new ProcessBuilder("curl", "-sS", "-L", "-H", "Accept: text/csv", "-H", "Authorization: Bearer " + admin,
                    "-o", csv.toString(), "-w", "%{http_code} %{num_redirects} %{content_type}", url)
                    .redirectErrorStream(true).start();
            String written = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(curl.waitFor(120, TimeUnit.SECONDS), "curl finished");
            report("curl -L: " + written + " in " + millisSince(downloadStarted) + " ms, " + Files.size(csv) + " bytes");

            // THEN one redirect, then the whole log as CSV: the header and every entry, newest first, balances exact
            assertEquals("200 1 text/csv; charset=utf-8", written);
            assertEquals(body.path("bytes").asLong(), Files.size(csv));
            long expectedSeq = ENTRIES;
            try (BufferedReader lines = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
                assertEquals("id,type,credits,balanceAfter,createdAt,description,reference", lines.readLine());
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    String[] cells = line.split(",", -1);
                    assertEquals(7, cells.length, line);
                    assertEquals("le_" + expectedSeq, cells[0], line);
                    boolean bonus = expectedSeq % 2 == 1;
                    assertEquals(bonus ? "bonus" : "adjustment", cells[1], line);
                    assertEquals(bonus ? "1" : "-0.25", cells[2], line);
                    assertEquals(balanceAfter(expectedSeq).toString(), cells[3], line);
                    assertEquals((bonus ? "seed_bonus_" : "seed_adj_") + (expectedSeq - 1), cells[6], line);
                    expectedSeq--;
                }
            }
            assertEquals(0, expectedSeq, "every entry downloaded");
            assertTrue(Files.readString(csv).endsWith("\r\n"), "CRLF line endings");
        }
    }

    /** What /_local/seed-log loads: a bonus of 1, then a correction of a quarter, alternately. */
    private static Credits balanceAfter(long seq) {
        return Credits.ofHundredths(100 * ((seq + 1) / 2) - 25 * (seq / 2));
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    private static void report(String line) {
        System.out.println("[local-csv-export] " + line);
    }
}
