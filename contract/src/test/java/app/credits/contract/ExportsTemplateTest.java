package app.credits.contract;

import app.credits.testkit.template.CloudFormationYaml;
import app.credits.testkit.template.SamTemplate;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exports bucket as template.yaml deploys it: where the CSV of a log too long for one response goes (the
 * account function writes it and presigns a five-minute GET). Private, encrypted, TLS only, every export gone after
 * a day, and only the account function may write or read exports.
 */
class ExportsTemplateTest {
    private static final String BUCKET = "ExportsBucket";
    private final SamTemplate template = SamTemplate.ofRepository();

    @Test
    void theExportsBucketIsPrivateEncryptedTlsOnlyAndForgetsEveryExportAfterADay() {
        JsonNode props = template.resources().path(BUCKET).path("Properties");
        assertEquals("AWS::S3::Bucket", template.resources().path(BUCKET).path("Type").asText());
        for (String setting : List.of("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")) {
            assertTrue(props.path("PublicAccessBlockConfiguration").path(setting).asBoolean(), setting);
        }
        assertEquals("AES256", props.path("BucketEncryption").path("ServerSideEncryptionConfiguration").path(0)
                .path("ServerSideEncryptionByDefault").path("SSEAlgorithm").asText());

        JsonNode rule = props.path("LifecycleConfiguration").path("Rules").path(0);
        assertEquals("Enabled", rule.path("Status").asText());
        assertEquals("exports/", rule.path("Prefix").asText());
        assertEquals(1, rule.path("ExpirationInDays").asInt(), "an export lives a day");
        assertEquals(1, rule.path("AbortIncompleteMultipartUpload").path("DaysAfterInitiation").asInt(),
                "the parts of a failed export are removed too");

        JsonNode cors = props.path("CorsConfiguration").path("CorsRules");
        assertEquals(1, cors.size());
        assertEquals(List.of("GET"), SamTemplate.textList(cors.path(0).path("AllowedMethods")), "the page's fetch reads, nothing more");

        JsonNode policy = template.resourcesOfType("AWS::S3::BucketPolicy").values().stream()
                .filter(p -> p.path("Properties").path("Bucket").path("Ref").asText().equals(BUCKET)).findFirst()
                .orElseThrow(() -> new AssertionError("no bucket policy on " + BUCKET)).path("Properties").path("PolicyDocument");
        JsonNode deny = policy.path("Statement").path(0);
        assertEquals(1, policy.path("Statement").size(), "the policy only denies");
        assertEquals("Deny", deny.path("Effect").asText());
        assertEquals("false", deny.path("Condition").path("Bool").path("aws:SecureTransport").asText(), "TLS only");
    }

    @Test
    void onlyTheAccountFunctionWritesAndReadsExportsAndNothingElseOfTheBucket() {
        Map<String, List<JsonNode>> exportStatements = new TreeMap<>();
        template.functionIds().forEach(id -> template.policyStatements(id).forEach(statement -> {
            if (statement.path("Resource").toString().contains(BUCKET)) {
                exportStatements.computeIfAbsent(id, k -> new java.util.ArrayList<>()).add(statement);
            }
        }));
        String account = template.functionIds().stream()
                .filter(id -> template.moduleDir(id).orElse("").equals("account")).findFirst().orElseThrow();

        assertEquals(List.of(account), List.copyOf(exportStatements.keySet()), "who may touch the exports bucket");
        JsonNode statement = exportStatements.get(account).getFirst();
        assertEquals(1, exportStatements.get(account).size());
        assertEquals(List.of("s3:PutObject", "s3:AbortMultipartUpload", "s3:GetObject"),
                SamTemplate.textList(statement.path("Action")));
        assertEquals(Map.of("Fn::Sub", "${ExportsBucket.Arn}/exports/*"),
                CloudFormationYaml.JSON.convertValue(statement.path("Resource"), Map.class), "exports only");
        assertEquals(Map.of("Ref", BUCKET), CloudFormationYaml.JSON.convertValue(
                template.environmentVariable(account, "EXPORTS_BUCKET"), Map.class));
    }
}
