package app.credits.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.credits.testkit.template.CloudFormationYaml;
import app.credits.testkit.template.SamTemplate;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Billing page as template.yaml deploys it: a private S3 bucket that only its CloudFront distribution reads
 * (Origin Access Control), HTTPS only, SPA rewrites and config.json in a CloudFront function, security headers with
 * a Content-Security-Policy, the API on the same origin, and the page's URL feeding the low-credit emails.
 */
class BillingPageTemplateTest {
    private static final String PAGE = "/app/admin/billing/credits";
    private static final String CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
    private static final String ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac";

    private static SamTemplate template;
    private static String bucket;
    private static String distribution;
    private static JsonNode config;

    @BeforeAll
    static void load() {
        template = SamTemplate.ofRepository();
        distribution = only("AWS::CloudFront::Distribution");
        config = template.resources().path(distribution).path("Properties").path("DistributionConfig");
        // The page's bucket is the one its distribution serves (the exports bucket is another: ExportsTemplateTest).
        bucket = origin(config.path("DefaultCacheBehavior").path("TargetOriginId").asText())
                .path("DomainName").path("Fn::GetAtt").path(0).asText();
    }

    @Test
    void thePageIsAPrivateBucketThatOnlyItsDistributionReadsThroughOriginAccessControl() {
        JsonNode block = template.resources().path(bucket).path("Properties").path("PublicAccessBlockConfiguration");
        for (String setting : List.of("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")) {
            assertTrue(block.path(setting).asBoolean(), bucket + " " + setting);
        }

        String policy = template.resourcesOfType("AWS::S3::BucketPolicy").entrySet().stream()
                .filter(e -> e.getValue().path("Properties").path("Bucket").path("Ref").asText().equals(bucket))
                .map(Map.Entry::getKey).findFirst().orElseThrow(() -> new AssertionError("no policy on " + bucket));
        JsonNode statements = template.resources().path(policy).path("Properties").path("PolicyDocument").path("Statement");
        JsonNode allow = null;
        for (JsonNode s : statements) {
            if (s.path("Effect").asText().equals("Allow")) {
                assertEquals(null, allow, "one Allow statement");
                allow = s;
            }
        }
        assertEquals("cloudfront.amazonaws.com", allow.path("Principal").path("Service").asText());
        assertEquals(List.of("s3:GetObject"), SamTemplate.textList(allow.path("Action")));
        assertTrue(allow.path("Condition").path("StringEquals").path("AWS:SourceArn").toString()
                .contains("distribution/${" + distribution + "}"), "only this distribution: " + allow);
        assertTrue(statements.toString().contains("aws:SecureTransport"), "requests without TLS are denied");

        String oac = only("AWS::CloudFront::OriginAccessControl");
        JsonNode oacConfig = template.resources().path(oac).path("Properties").path("OriginAccessControlConfig");
        assertEquals("s3", oacConfig.path("OriginAccessControlOriginType").asText());
        assertEquals("always", oacConfig.path("SigningBehavior").asText());
        assertEquals("sigv4", oacConfig.path("SigningProtocol").asText());
        JsonNode pageOrigin = origin(config.path("DefaultCacheBehavior").path("TargetOriginId").asText());
        assertEquals(Map.of("Fn::GetAtt", List.of(oac, "Id")), asMap(pageOrigin.path("OriginAccessControlId")));
        assertEquals(Map.of("Fn::GetAtt", List.of(bucket, "RegionalDomainName")), asMap(pageOrigin.path("DomainName")));
        assertEquals("", pageOrigin.path("S3OriginConfig").path("OriginAccessIdentity").asText("absent"),
                "no legacy origin access identity");
    }

    @Test
    void everyBehaviourIsHttpsOnlyWithTheSecurityHeadersAndTheApiIsOnTheSameOrigin() {
        String headersPolicy = only("AWS::CloudFront::ResponseHeadersPolicy");
        List<JsonNode> behaviours = new java.util.ArrayList<>(List.of(config.path("DefaultCacheBehavior")));
        config.path("CacheBehaviors").forEach(behaviours::add);
        for (JsonNode b : behaviours) {
            assertTrue(List.of("https-only", "redirect-to-https").contains(b.path("ViewerProtocolPolicy").asText()), b.toString());
            assertEquals(Map.of("Ref", headersPolicy), asMap(b.path("ResponseHeadersPolicyId")), b.toString());
        }

        JsonNode api = behaviours.stream().filter(b -> b.path("PathPattern").asText().equals("/orgs/*")).findFirst()
                .orElseThrow(() -> new AssertionError("a /orgs/* behaviour sends the API calls to the API"));
        JsonNode apiOrigin = origin(api.path("TargetOriginId").asText());
        assertTrue(apiOrigin.path("DomainName").toString().contains("${CreditsApi}.execute-api"), apiOrigin.toString());
        assertEquals("https-only", apiOrigin.path("CustomOriginConfig").path("OriginProtocolPolicy").asText());
        assertEquals(CACHING_DISABLED, api.path("CachePolicyId").asText(), "API answers are never cached");
        assertEquals(ALL_VIEWER_EXCEPT_HOST, api.path("OriginRequestPolicyId").asText(),
                "the Authorization header reaches API Gateway (with caching disabled), Host does not");
        assertTrue(SamTemplate.textList(api.path("AllowedMethods")).containsAll(List.of("GET", "POST", "PUT", "DELETE")));

        JsonNode security = template.resources().path(headersPolicy).path("Properties").path("ResponseHeadersPolicyConfig")
                .path("SecurityHeadersConfig");
        String csp = security.path("ContentSecurityPolicy").path("ContentSecurityPolicy").toString();
        for (String directive : List.of("default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'",
                "frame-ancestors 'none'", "base-uri 'self'", "connect-src 'self' https://${IssuerHost}")) {
            assertTrue(csp.contains(directive), "CSP has " + directive + ": " + csp);
        }
        assertFalse(csp.contains("unsafe-inline") || csp.contains("unsafe-eval"), csp);
        assertTrue(security.path("StrictTransportSecurity").path("AccessControlMaxAgeSec").asInt() >= 31_536_000, "HSTS");
        assertEquals("DENY", security.path("FrameOptions").path("FrameOption").asText());
        assertTrue(security.path("ContentTypeOptions").path("Override").asBoolean(), "nosniff");
    }

    @Test
    void theRoutingFunctionRewritesThePagesPathsAndServesItsConfig() throws Exception {
        // GIVEN the CloudFront function's code with the parameters filled in, run by Node.js as CloudFront runs it
        JsonNode association = config.path("DefaultCacheBehavior").path("FunctionAssociations").get(0);
        assertEquals("viewer-request", association.path("EventType").asText());
        String function = association.path("FunctionARN").path("Fn::GetAtt").get(0).asText();
        JsonNode properties = template.resources().path(function).path("Properties");
        assertEquals("cloudfront-js-2.0", properties.path("FunctionConfig").path("Runtime").asText());
        String code = properties.path("FunctionCode").path("Fn::Sub").asText()
                .replace("${JwtIssuer}", "https://auth.example.test/").replace("${BillingPageClientId}", "billing-page");
        assertFalse(code.contains("${"), "every ${} of the code is a parameter: " + code);

        // WHEN it sees the requests a browser makes
        JsonNode answers = runCloudFrontFunction(code, List.of("/", PAGE, PAGE + "/", PAGE + "/callback",
                PAGE + "/billing-page.js", PAGE + "/config.json", "/orgs/org_a/balance"));

        // THEN page routes get index.html, files stay files, the root redirects, and config.json names the issuer
        assertEquals(PAGE + "/index.html", answers.path(PAGE).path("uri").asText());
        assertEquals(PAGE + "/index.html", answers.path(PAGE + "/").path("uri").asText());
        assertEquals(PAGE + "/index.html", answers.path(PAGE + "/callback").path("uri").asText());
        assertEquals(PAGE + "/billing-page.js", answers.path(PAGE + "/billing-page.js").path("uri").asText());
        assertEquals("/orgs/org_a/balance", answers.path("/orgs/org_a/balance").path("uri").asText());
        assertEquals(302, answers.path("/").path("status").asInt());
        assertEquals(PAGE, answers.path("/").path("location").asText());
        JsonNode pageConfig = CloudFormationYaml.JSON.readTree(answers.path(PAGE + "/config.json").path("body").asText());
        assertEquals("https://auth.example.test/", pageConfig.path("authority").asText());
        assertEquals("billing-page", pageConfig.path("clientId").asText());
        assertEquals("", pageConfig.path("apiBase").asText(), "the API is on the page's origin");
    }

    @Test
    void lowCreditEmailsLinkToTheDeployedPage() {
        assertTrue(template.root().path("Parameters").path("BillingPageUrl").isMissingNode(),
                "the page's URL is the template's own output, not a parameter");
        String url = template.root().path("Outputs").path("BillingPageUrl").path("Value").toString();
        assertTrue(url.contains("${" + distribution + ".DomainName}" + PAGE), url);
        String lowCredit = template.functionIds().stream()
                .filter(id -> template.moduleDir(id).orElse("").equals("low-credit-check")).findFirst().orElseThrow();
        String emailLink = template.environmentVariable(lowCredit, "BILLING_PAGE_URL").toString();
        assertTrue(emailLink.contains("${" + distribution + ".DomainName}" + PAGE + "?org={orgId}"), emailLink);
        assertTrue(emailLink.contains("${BillingPageDomainName}" + PAGE), "or the page's own domain: " + emailLink);
        assertFalse(template.root().path("Parameters").path("BillingPageClientId").isMissingNode());
    }

    /** Calls the function's handler for each URI; answers {uri} for a passed-on request, {status, location, body} else. */
    private static JsonNode runCloudFrontFunction(String code, List<String> uris) throws IOException, InterruptedException {
        String harness = code + "\nconst out = {};\nfor (const uri of " + CloudFormationYaml.JSON.writeValueAsString(uris)
                + ") {\n  const r = handler({request: {uri, method: 'GET', headers: {}, querystring: {}, cookies: {}}});\n"
                + "  out[uri] = r.statusCode ? {status: r.statusCode, location: r.headers.location && r.headers.location.value,"
                + " body: r.body && r.body.data} : {uri: r.uri};\n}\nconsole.log(JSON.stringify(out));\n";
        Process node = new ProcessBuilder("node", "-e", harness).redirectErrorStream(true).start();
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!node.waitFor(30, TimeUnit.SECONDS) || node.exitValue() != 0) {
            throw new AssertionError("node could not run the CloudFront function: " + output);
        }
        return CloudFormationYaml.JSON.readTree(output);
    }

    private static JsonNode origin(String id) {
        for (JsonNode o : config.path("Origins")) {
            if (o.path("Id").asText().equals(id)) {
                return o;
            }
        }
        throw new AssertionError("no origin " + id);
    }

    private static String only(String type) {
        var ids = template.resourcesOfType(type).keySet();
        assertEquals(1, ids.size(), "one " + type + ": " + ids);
        return ids.iterator().next();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(JsonNode node) {
        return CloudFormationYaml.JSON.convertValue(node, Map.class);
    }
}
