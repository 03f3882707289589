package app.credits.account;

import app.credits.emulator.FaultInjector;
import app.credits.http.HttpResponse;
import app.credits.http.Role;
import app.credits.http.testing.Events;
import app.credits.http.testing.TestTelemetry;
import app.credits.ledger.CompletedCheckout;
import app.credits.ledger.Credits;
import app.credits.ledger.EntryType;
import app.credits.ledger.LogEntry;
import app.credits.ledger.Money;
import app.credits.ledger.OrgId;
import app.credits.ledger.Pricing;
import app.credits.ledger.Purchase;
import app.credits.ledger.Times;
import app.credits.ledger.dynamo.BulkLoad;
import app.credits.ledger.testing.MutableClock;
import app.credits.ledger.testing.TestDynamo;
import app.credits.testkit.s3.S3Faults;
import app.credits.testkit.s3.S3StandIn;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import static app.credits.http.testing.Responses.assertError;
import static app.credits.http.testing.Responses.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 17, item 4: the CSV export of a log of any length, through the real handler, the ledger on the DynamoDB
 * emulator and the exports bucket on the S3 stand-in, both through the AWS SDK. A log whose CSV fits in a Lambda
 * response is answered inline as before; a longer one is written to S3 while it is read and answered 303 to a
 * five-minute presigned link that downloads the same CSV, row for row.
 */
class LongLogCsvExportTest {
    private static final String BUCKET = "credits-exports-test";
    /** A CI-friendly length whose CSV (about 7 MB) outgrows a Lambda response; -Dexport.longLog=1000000 for more. */
    private static final int LONG_LOG = Integer.getInteger("export.longLog", 50_000);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final MutableClock clock = MutableClock.at("2026-11-26T10:00:00Z");
    private final TestDynamo.World world = TestDynamo.world(clock);
    /** How far the stand-in's clock runs ahead of the real time the SDK signs with. */
    private volatile Duration s3Ahead = Duration.ZERO;
    private final S3StandIn s3 = S3StandIn.start(() -> Instant.now().plus(s3Ahead)).createBucket(BUCKET);
    private final ExportStore store = store(s3.endpoint());

    @AfterEach
    void stop() {
        s3.close();
    }

    private static ExportStore store(URI endpoint) {
        return S3ExportStore.of(BUCKET, Region.US_EAST_1, Optional.of(endpoint), StaticCredentialsProvider.create(
                AwsBasicCredentials.create(S3StandIn.ACCESS_KEY_ID, S3StandIn.SECRET_ACCESS_KEY)));
    }

    private AccountFunction function(LogExport export) {
        AccountFunction function = new AccountFunction(world.ledger(), Pricing.standard(), export);
        function.telemetry(new TestTelemetry().telemetry());
        return function;
    }

    /** The function as deployed: inline up to {@link LogExport#INLINE_LIMIT}, the store beyond. */
    private AccountFunction function() {
        return function(new LogExport(world.ledger(), store));
    }

    /** A function that sends even the shortest log through {@code exports}. */
    private AccountFunction everythingThrough(ExportStore exports) {
        return function(new LogExport(world.ledger(), exports, 0));
    }

    private static HttpResponse exportCsv(AccountFunction function, OrgId org, Role role, String callerOrg) {
        return function.handle(Events.http("GET /orgs/{orgId}/logs").org(org.toString())
                .claims(role.wireName() + "_1", callerOrg, role).header("Accept", "text/csv").build(), null);
    }

    private static java.net.http.HttpResponse<InputStream> download(URI url, Consumer<HttpRequest.Builder> more) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(url);
        more.accept(request);
        return HTTP.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofInputStream());
    }

    private static String downloadText(URI url) throws Exception {
        java.net.http.HttpResponse<InputStream> response = download(url, r -> { });
        try (InputStream body = response.body()) {
            String text = new String(body.readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(200, response.statusCode(), text);
            return text;
        }
    }

    /** A bonus of 1, then a correction of a quarter, alternately: the balance after entry k is known in closed form. */
    private static Credits balanceAfter(long seq) {
        return Credits.ofHundredths(100 * ((seq + 1) / 2) - 25 * (seq / 2));
    }

    private void loadLongLog(OrgId org, int length) {
        List<Purchase.Movement> movements = new ArrayList<>(length);
        for (int i = 0; i < length; i++) {
            movements.add(i % 2 == 0
                    ? new Purchase.Movement(EntryType.BONUS, Credits.ONE, "bonus_" + i, "loyalty bonus " + i + " for the team, thanks")
                    : new Purchase.Movement(EntryType.ADJUSTMENT, Credits.parse("-0.25"), "adj_" + i,
                            "correction of a quarter credit after the review of invoice INV-" + i));
        }
        BulkLoad load = new BulkLoad(world.dynamo(), world.table());
        load.org(org, movements, clock.instant().minusSeconds(3600));
        load.flush();
    }

    private void smallLog(OrgId org) {
        world.ledger().creditPurchase(new CompletedCheckout("cs_1", org, 3, Money.of(8700, "usd"), Optional.of("pi_1"),
                Optional.empty()));
        clock.advance(Duration.ofSeconds(1));
        world.ledger().adjust(org, "adj_1", EntryType.ADJUSTMENT, Credits.parse("-0.5"), "=HYPERLINK(\"x\")");
        clock.advance(Duration.ofSeconds(1));
        world.ledger().adjust(org, "adj_2", EntryType.BONUS, Credits.parse("2"), "thanks, \"friend\"\nsee you");
    }

    // ------------------------------------------------------------------ a long log

    @Test
    void aLogTooLongForOneResponseDownloadsThroughALinkRowForRowAsTheLedgerHoldsIt() throws Exception {
        // GIVEN a log whose CSV is several megabytes
        OrgId org = OrgId.of("org_long_export");
        loadLongLog(org, LONG_LOG);

        // WHEN an admin asks for it as CSV
        HttpResponse response = exportCsv(function(), org, Role.ADMIN, org.toString());

        // THEN 303 See Other to a presigned link, with a small JSON body saying so
        JsonNode body = assertStatus(response, 303);
        URI link = URI.create(response.headers().get("location"));
        assertEquals(link.toString(), body.get("url").asText());
        assertEquals(LONG_LOG, body.get("entries").asLong());
        assertEquals("no-store", response.headers().get("cache-control"));
        assertEquals(Instant.parse(body.get("expiresAt").asText()).getEpochSecond(),
                Instant.now().plus(S3ExportStore.LINK_LIFETIME).getEpochSecond(), 5.0, "a five-minute link");
        assertTrue(link.getRawQuery().contains("X-Amz-Expires=300"), link.toString());

        // AND the object was written in parts of at least 5 MiB, whole, under the org's prefix, nothing left open
        S3StandIn.StoredObject object = s3.objects(BUCKET).getFirst();
        assertEquals(1, s3.objects(BUCKET).size());
        assertTrue(object.key().matches("exports/org_long_export/[A-Za-z0-9_-]{22}\\.csv"), object.key());
        assertEquals(body.get("bytes").asLong(), object.size());
        assertEquals((object.size() + LogExport.PART_SIZE - 1) / LogExport.PART_SIZE, s3.requestCount("UploadPart"));
        assertTrue(s3.requestCount("UploadPart") >= 2, "a multipart upload of several parts");
        assertEquals(List.of(), s3.uploadsInProgress(BUCKET));

        // AND the link, followed without any token, downloads the CSV: the header, then every entry newest first
        java.net.http.HttpResponse<InputStream> download = download(link, r -> { });
        assertEquals(200, download.statusCode());
        assertEquals("text/csv; charset=utf-8", download.headers().firstValue("content-type").orElseThrow());
        assertEquals("attachment; filename=\"credits-log-org_long_export.csv\"",
                download.headers().firstValue("content-disposition").orElseThrow());
        long[] seq = {LONG_LOG};
        try (InputStream in = download.body()) {
            CsvRecords csv = new CsvRecords(new InputStreamReader(in, StandardCharsets.UTF_8));
            assertEquals(List.of("id", "type", "credits", "balanceAfter", "createdAt", "description", "reference"),
                    csv.next().orElseThrow());
            world.ledger().forEachLogEntry(org, (LogEntry e) -> {
                List<String> row = csv.next().orElseThrow(() -> new AssertionError("the CSV ends before entry " + e.seq()));
                assertEquals(seq[0], e.seq());
                assertEquals(List.of(e.id(), e.type().wireName(), e.credits().toString(), e.balanceAfter().toString(),
                        Times.format(e.createdAt()), e.description(), e.reference()), row, "entry " + e.seq());
                assertEquals(balanceAfter(e.seq()).toString(), row.get(3), "balanceAfter of entry " + e.seq());
                seq[0]--;
            });
            assertEquals(Optional.empty(), csv.next(), "no row after the oldest entry");
        }
        assertEquals(0, seq[0], "every entry exported");
        world.assertReconciles(org);
    }

    // ------------------------------------------------------------------ one CSV writer

    @Test
    void aShortLogIsStillAnsweredInlineAndTheLinkWouldCarryTheSameBytes() throws Exception {
        // GIVEN a short log with quotes, a line break and a formula in its reasons
        OrgId org = OrgId.of("org_short");
        smallLog(org);

        // WHEN exported by the function as deployed, and by one that sends every log through S3
        HttpResponse inline = exportCsv(function(), org, Role.ADMIN, org.toString());
        HttpResponse linked = exportCsv(everythingThrough(store), org, Role.ADMIN, org.toString());

        // THEN inline as before (200 text/csv, nothing in S3 for it), and the linked file is the same bytes
        assertEquals(200, inline.statusCode());
        assertEquals("text/csv; charset=utf-8", inline.headers().get("content-type"));
        assertTrue(inline.body().startsWith(Csv.HEADER), inline.body());
        assertEquals(4, inline.body().split("\r\n").length, inline.body());
        assertStatus(linked, 303);
        assertEquals(inline.body(), downloadText(URI.create(linked.headers().get("location"))));
        assertEquals(inline.headers().get("content-disposition"),
                s3.objects(BUCKET).getFirst().contentDisposition().orElseThrow());
        assertEquals(1, s3.objects(BUCKET).size());
        world.assertReconciles(org);
    }

    @Test
    void theInlineLimitCountsTheCsvAsJsonEscapesItInTheResponse() {
        // Quotes, backslashes and line breaks take two bytes in JSON, other control characters six.
        assertEquals(0, LogExport.jsonEscapes("le_1,bonus,1,1,2026-11-26T10:00:00.000Z,plain,ref"));
        assertEquals(4, LogExport.jsonEscapes("\"a\\b\"\r"));
        assertEquals(5, LogExport.jsonEscapes("\u0001"));
    }

    // ------------------------------------------------------------------ S3 failing

    @Test
    void whenS3CannotBeReachedTheExportIs503AndWritesNothing() throws Exception {
        OrgId org = OrgId.of("org_s3_down");
        smallLog(org);
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }

        HttpResponse response = exportCsv(everythingThrough(store(URI.create("http://127.0.0.1:" + closedPort))),
                org, Role.ADMIN, org.toString());

        assertError(response, 503, "unavailable", "unavailable");
        assertEquals(List.of(), s3.objects(BUCKET));
        world.assertReconciles(org);
    }

    @Test
    void aFailureWhileWritingAbortsTheUploadSoNothingHalfWrittenIsEverVisible() throws Exception {
        OrgId org = OrgId.of("org_s3_failing");
        smallLog(org);
        for (String operation : List.of("CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload")) {
            // GIVEN S3 failing every attempt of one step of the upload
            s3.reset();
            s3.faults().always(operation, operation.equals("UploadPart") ? S3Faults.slowDown() : S3Faults.internalError());

            // WHEN the log is exported
            HttpResponse response = exportCsv(everythingThrough(store), org, Role.ADMIN, org.toString());

            // THEN 503, no object, and no upload left open (aborted)
            assertError(response, 503, "unavailable", "unavailable");
            assertEquals(List.of(), s3.objects(BUCKET), operation);
            assertEquals(List.of(), s3.uploadsInProgress(BUCKET), operation);
            assertEquals(operation.equals("CreateMultipartUpload") ? 0 : 1, s3.requestCount("AbortMultipartUpload"), operation);
        }
        // AND once S3 answers again, the export works
        s3.faults().clear();
        assertStatus(exportCsv(everythingThrough(store), org, Role.ADMIN, org.toString()), 303);
        world.assertReconciles(org);
    }

    @Test
    void aDatabaseFailureWhileTheLogIsReadAbortsTheUploadToo() {
        // GIVEN an export that has started its upload, and DynamoDB refusing every read of this log (an error the
        // SDK does not retry, so the test does not wait out a throttling backoff)
        OrgId org = OrgId.of("org_dynamo_failing");
        smallLog(org);
        TestDynamo.emulator().setFaultInjector((operation, request) -> operation.equals("Query")
                && request.path("TableName").asText().equals(world.table())
                ? FaultInjector.failBefore("AccessDeniedException", 400, "not authorized to perform dynamodb:Query")
                : FaultInjector.proceed());
        HttpResponse response;
        try {
            // WHEN the log is exported
            response = exportCsv(everythingThrough(store), org, Role.ADMIN, org.toString());
        } finally {
            TestDynamo.emulator().setFaultInjector(null);
        }

        // THEN the database's failure is answered (500 for this one), and the upload it had started is aborted:
        // nothing visible, nothing left open
        assertError(response, 500, "internal", "internal_error");
        assertEquals(1, s3.requestCount("CreateMultipartUpload"));
        assertEquals(1, s3.requestCount("AbortMultipartUpload"));
        assertEquals(List.of(), s3.objects(BUCKET));
        assertEquals(List.of(), s3.uploadsInProgress(BUCKET));
        world.assertReconciles(org);
    }

    // ------------------------------------------------------------------ nobody else reads it

    @Test
    void anotherOrgCannotReadAnExportAndTheLinkOpensOnlyItsOwnFileForFiveMinutes() throws Exception {
        // GIVEN two exports of org A's log
        OrgId a = OrgId.of("org_a");
        smallLog(a);
        AccountFunction function = everythingThrough(store);
        URI first = URI.create(exportCsv(function, a, Role.ADMIN, "org_a").headers().get("location"));
        URI second = URI.create(exportCsv(function, a, Role.ADMIN, "org_a").headers().get("location"));

        // THEN each export has its own unguessable name under the org's prefix
        List<String> keys = s3.objects(BUCKET).stream().map(S3StandIn.StoredObject::key).toList();
        assertEquals(2, keys.size());
        assertTrue(keys.stream().allMatch(k -> k.matches("exports/org_a/[A-Za-z0-9_-]{22}\\.csv")), keys.toString());
        assertNotEquals(first.getRawPath(), second.getRawPath());

        // AND org B's admin cannot ask for org A's log
        assertError(exportCsv(function, a, Role.ADMIN, "org_b"), 403, "permission", "wrong_org");

        // AND a link opens only the file it was signed for, without a token, and not without its signature
        URI retargeted = URI.create(first.toString().replace("/exports/org_a/", "/exports/org_b/"));
        assertEquals(403, download(retargeted, r -> { }).statusCode());
        URI otherFile = URI.create(first.toString().replace(first.getRawPath(), second.getRawPath()));
        assertEquals(403, download(otherFile, r -> { }).statusCode());
        URI unsigned = URI.create(first.toString().substring(0, first.toString().indexOf('?')));
        assertEquals(403, download(unsigned, r -> { }).statusCode());
        assertEquals(200, download(first, r -> { }).statusCode());

        // AND five minutes later the link no longer opens
        s3Ahead = S3ExportStore.LINK_LIFETIME.plusSeconds(1);
        assertEquals(403, download(first, r -> { }).statusCode());
        world.assertReconciles(a);
    }

    @Test
    void withoutAnExportStoreALongLogIs500NotATruncatedFile() {
        OrgId org = OrgId.of("org_no_store");
        smallLog(org);

        HttpResponse response = exportCsv(function(new LogExport(world.ledger(), ExportStore.unconfigured(), 0)), org,
                Role.STAFF, null);

        assertError(response, 500, "internal", "internal_error");
        world.assertReconciles(org);
    }
}
