package app.credits.contract;

import app.credits.testkit.template.CloudFormationYaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import app.credits.contract.ContractData.FunctionSpec;
import app.credits.contract.ContractData.Index;
import app.credits.contract.ContractData.KeyAttribute;
import app.credits.testkit.template.SamTemplate;
import app.credits.testkit.template.SamTemplate.HttpRoute;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** template.yaml: valid SAM, and the decisions the functions, the local runner and the docs rely on. */
class TemplateContractTest {

    private static SamTemplate template;
    private static JsonNode samSchemaNode;
    private static Schema samSchema;

    @BeforeAll
    static void load() throws Exception {
        template = SamTemplate.ofRepository();
        samSchemaNode = CloudFormationYaml.JSON.readTree(
                RepoLayout.sharedDir().resolve("schemas/sam.schema.json").toFile());
        // The SAM schema declares draft-04.
        samSchema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(samSchemaNode);
    }

    @Test
    void templateValidatesAgainstTheSamSchema() {
        List<Error> errors = samSchema.validate(template.root());

        assertTrue(errors.isEmpty(), () -> errors.size() + " SAM schema errors; per resource:\n" + focusedErrors());
    }

    /**
     * A failing resource fails every branch of the schema's anyOf, which buries the real cause; this validates each
     * AWS::Serverless::* resource against the one definition of its type, and Globals, to name the cause.
     */
    private static String focusedErrors() {
        StringBuilder out = new StringBuilder();
        Map<String, JsonNode> targets = new java.util.LinkedHashMap<>();
        targets.put("Globals", template.root().path("Globals"));
        template.resources().properties().forEach(e -> targets.put(e.getKey(), e.getValue()));
        targets.forEach((name, node) -> {
            String definition = name.equals("Globals") ? "__main____Globals" : definitionOf(node.path("Type").asText());
            if (definition == null || node.isMissingNode()) {
                return;
            }
            ObjectNode focused = CloudFormationYaml.JSON.createObjectNode();
            focused.put("$schema", samSchemaNode.path("$schema").asText());
            focused.set("definitions", samSchemaNode.path("definitions"));
            focused.put("$ref", "#/definitions/" + definition);
            List<Error> errors = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(focused)
                    .validate(node);
            errors.forEach(e -> out.append(name).append(": ").append(e).append('\n'));
        });
        return out.isEmpty() ? "(no single resource fails on its own; see the whole-document errors)" : out.toString();
    }

    private static String definitionOf(String type) {
        if (!type.startsWith("AWS::Serverless::")) {
            return null;
        }
        String d = "samtranslator__internal__schema_source__aws_serverless_"
                + type.substring("AWS::Serverless::".length()).toLowerCase(java.util.Locale.ROOT) + "__Resource";
        return samSchemaNode.path("definitions").has(d) ? d : null;
    }

    @Test
    void samSchemaRejectsAMisspelledFunctionProperty() {
        // GIVEN the template with a typo in one function (proves the schema check is not vacuous)
        JsonNode broken = template.root().deepCopy();
        ((ObjectNode) broken.path("Resources").path("BalanceFunction").path("Properties")).put("Runtim", "java25");

        // WHEN / THEN
        assertFalse(samSchema.validate(broken).isEmpty(), "a misspelled property must fail the SAM schema");
    }

    @Test
    void everyFunctionUsesJava25WithSnapStartAndJsonLogs() {
        assertFalse(template.functions().isEmpty(), "no functions in template.yaml");
        template.functionIds().forEach(id -> {
            assertEquals("java25", template.effectiveFunctionProperty(id, "Runtime").asText(), id + " Runtime");
            assertEquals(List.of("x86_64"),
                    SamTemplate.textList(template.effectiveFunctionProperty(id, "Architectures")), id + " Architectures");
            assertEquals("PublishedVersions",
                    template.effectiveFunctionProperty(id, "SnapStart").path("ApplyOn").asText(), id + " SnapStart");
            assertEquals("live", template.effectiveFunctionProperty(id, "AutoPublishAlias").asText(),
                    id + " AutoPublishAlias (SnapStart applies to published versions only)");
            JsonNode logging = template.effectiveFunctionProperty(id, "LoggingConfig");
            assertEquals("JSON", logging.path("LogFormat").asText(), id + " LogFormat");
            assertEquals("INFO", logging.path("ApplicationLogLevel").asText(), id + " ApplicationLogLevel");
            assertEquals("Active", template.effectiveFunctionProperty(id, "Tracing").asText(), id + " Tracing");
            // 1,024 MB everywhere (docs/PERFORMANCE.md, "Memory") but for the account function, whose CSV export of a
            // long log runs in the request: one full vCPU (docs/PERFORMANCE.md, "CSV export of a long log").
            assertEquals(id.equals(functionIdOf("account")) ? 1769 : 1024,
                    template.effectiveFunctionProperty(id, "MemorySize").asInt(), id + " MemorySize");
            assertTrue(template.effectiveFunctionProperty(id, "Timeout").asInt() >= 15, id + " Timeout");
            assertEquals(Map.of("Ref", "CreditsTable"),
                    CloudFormationYaml.JSON.convertValue(template.environmentVariable(id, "TABLE_NAME"), Map.class),
                    id + " TABLE_NAME");
            assertTrue(template.effectiveFunctionProperty(id, "Handler").asText().endsWith("::handleRequest"),
                    id + " Handler must name handleRequest");
        });
    }

    @Test
    void everyFunctionShipsItsModulesJarWithTheAgreedHandlerAndRoutes() {
        Map<String, String> functionIdByHandler = new HashMap<>();
        template.functionIds().forEach(id -> {
            String dir = template.moduleDir(id).orElseGet(() -> fail(id + ": CodeUri must be functions/<dir>/target/<dir>.jar, is "
                    + template.effectiveFunctionProperty(id, "CodeUri")));
            assertEquals(null, functionIdByHandler.put(template.handlerClass(id), id),
                    "two functions of " + dir + " with one handler " + template.handlerClass(id));
        });
        assertEquals(ContractData.FUNCTIONS.stream().map(FunctionSpec::handlerClass).collect(Collectors.toSet()),
                functionIdByHandler.keySet(), "the functions' handlers");

        for (FunctionSpec spec : ContractData.FUNCTIONS) {
            String id = functionIdByHandler.get(spec.handlerClass());
            assertEquals(Optional.of(spec.moduleDir()), template.moduleDir(id), id + " ships functions/" + spec.moduleDir());
            assertEquals(spec.handlerClass() + "::handleRequest",
                    template.effectiveFunctionProperty(id, "Handler").asText(), id + " Handler");
            Set<String> routes = template.httpRoutes().stream()
                    .filter(r -> r.functionId().equals(id)).map(HttpRoute::routeKey).collect(Collectors.toSet());
            assertEquals(spec.routes(), routes, id + " routes");
        }
    }

    @Test
    void secretsAreNeverPlainInTheTemplate() {
        String text = RepoLayout.read(RepoLayout.file("template.yaml"));
        Matcher secret = Pattern.compile("(?<![A-Za-z0-9])(sk|rk)_|whsec_").matcher(text);
        assertFalse(secret.find(), () -> "Stripe secret-looking literal in template.yaml: "
                + text.substring(secret.start(), Math.min(text.length(), secret.start() + 20)));

        template.functionIds().forEach(id -> {
            assertTrue(template.environmentVariable(id, "STRIPE_API_KEY").isMissingNode(), id + ": plain STRIPE_API_KEY");
            assertTrue(template.environmentVariable(id, "STRIPE_WEBHOOK_SECRET").isMissingNode(),
                    id + ": plain STRIPE_WEBHOOK_SECRET");
        });
        template.functionIds().forEach(id -> assertTrue(
                template.environmentVariable(id, "UNSUBSCRIBE_SECRET").isMissingNode(), id + ": plain UNSUBSCRIBE_SECRET"));
        String checkout = functionIdOf("checkout");
        String webhook = functionIdOf("stripe-webhook");
        for (String keyHolder : List.of(checkout, functionIdOf("stripe-reconcile"))) {
            assertEquals(Map.of("Ref", "StripeApiKeyParameterName"), CloudFormationYaml.JSON.convertValue(
                    template.environmentVariable(keyHolder, "STRIPE_API_KEY_PARAM"), Map.class), keyHolder);
        }
        assertEquals(Map.of("Ref", "StripeWebhookSecretParameterName"), CloudFormationYaml.JSON.convertValue(
                template.environmentVariable(webhook, "STRIPE_WEBHOOK_SECRET_PARAM"), Map.class));
        // The unsubscribe links: signed by the check, verified by the route, with the one secret from SSM.
        for (String id : List.of(functionIdOf("low-credit-check"), functionIdOf("unsubscribe"), AUTO_TOP_UP_PASS)) {
            assertEquals(Map.of("Ref", "UnsubscribeSecretParameterName"), CloudFormationYaml.JSON.convertValue(
                    template.environmentVariable(id, "UNSUBSCRIBE_SECRET_PARAM"), Map.class), id);
        }
        // The auto top-up pass charges the saved card with the checkout's key.
        assertEquals(Map.of("Ref", "StripeApiKeyParameterName"), CloudFormationYaml.JSON.convertValue(
                template.environmentVariable(AUTO_TOP_UP_PASS, "STRIPE_API_KEY_PARAM"), Map.class));
    }

    @Test
    void policiesAreLeastPrivilege() {
        Map<String, Set<String>> ssmParamsByFunction = new HashMap<>();
        Map<String, Set<String>> dynamoActionsByFunction = new HashMap<>();
        Set<String> emailSenders = new HashSet<>();
        template.functionIds().forEach(id -> template.policyStatements(id).forEach(statement -> {
            List<String> actions = SamTemplate.textList(statement.path("Action"));
            List<String> resources = SamTemplate.textList(statement.path("Resource"));
            assertEquals("Allow", statement.path("Effect").asText(), id + " statement effect");
            actions.forEach(a -> assertFalse(a.contains("*"), id + ": wildcard action " + a));
            resources.forEach(r -> assertFalse(r.equals("*"), id + ": Resource '*' for " + actions));
            for (String action : actions) {
                if (action.startsWith("ssm:")) {
                    assertEquals("ssm:GetParameter", action, id);
                    resources.forEach(r -> ssmParamsByFunction.computeIfAbsent(id, k -> new TreeSet<>()).add(r));
                }
                if (action.startsWith("dynamodb:")) {
                    dynamoActionsByFunction.computeIfAbsent(id, k -> new TreeSet<>()).add(action);
                }
                if (action.startsWith("ses:")) {
                    emailSenders.add(id);
                    assertEquals("ses:SendEmail", action, id);
                    assertTrue(statement.path("Condition").toString().contains("ses:FromAddress"),
                            id + ": SendEmail only from EMAIL_FROM");
                }
            }
        }));

        assertEquals(Set.of(functionIdOf("low-credit-check"), AUTO_TOP_UP_PASS), emailSenders, "who may send email");
        Map<String, Set<String>> readersBySecret = new HashMap<>();
        ssmParamsByFunction.forEach((id, parameters) -> parameters.forEach(parameter -> {
            List<String> named = ContractData.PARAMETERS.keySet().stream()
                    .filter(name -> name.endsWith("ParameterName") && parameter.contains("${" + name + "}")).toList();
            assertEquals(1, named.size(), id + " reads one named SSM parameter per statement: " + parameter);
            readersBySecret.computeIfAbsent(named.getFirst(), k -> new TreeSet<>()).add(id);
        }));
        assertEquals(Map.of(
                // The reconciliation and the auto top-up pass read the API key, as the checkout does.
                "StripeApiKeyParameterName", Set.of(functionIdOf("checkout"), functionIdOf("stripe-reconcile"),
                        AUTO_TOP_UP_PASS),
                "StripeWebhookSecretParameterName", Set.of(functionIdOf("stripe-webhook")),
                "UnsubscribeSecretParameterName", Set.of(functionIdOf("low-credit-check"), functionIdOf("unsubscribe"),
                        AUTO_TOP_UP_PASS)),
                readersBySecret, "who may read which secret");
        // The public unsubscribe route changes one account's terms: no index, no query, no scan.
        assertEquals(Set.of("dynamodb:BatchGetItem", "dynamodb:ConditionCheckItem", "dynamodb:GetItem",
                "dynamodb:PutItem", "dynamodb:UpdateItem"), dynamoActionsByFunction.get(functionIdOf("unsubscribe")));
        assertEquals(List.of("DynamoDBReadPolicy"), template.policyTemplates(functionIdOf("balance")),
                "balance only reads");
        List<String> samPolicyTemplates = new ArrayList<>();
        template.functionIds().forEach(id -> samPolicyTemplates.addAll(template.policyTemplates(id)));
        assertTrue(samPolicyTemplates.stream().noneMatch(p -> p.contains("FullAccess") || p.contains("CrudPolicy")),
                "no broad managed/SAM policies: " + samPolicyTemplates);
    }

    @Test
    void tableMatchesTheAgreedKeySchema() {
        var expected = ContractData.TABLE;
        JsonNode table = template.resources().path(expected.logicalId());
        assertEquals("AWS::DynamoDB::Table", table.path("Type").asText());
        JsonNode p = table.path("Properties");

        assertEquals(Map.of("Ref", "TableName"), CloudFormationYaml.JSON.convertValue(p.path("TableName"), Map.class));
        assertEquals(expected.defaultName(), template.root().path("Parameters").path("TableName").path("Default").asText());
        assertEquals("PAY_PER_REQUEST", p.path("BillingMode").asText());
        assertTrue(p.path("PointInTimeRecoverySpecification").path("PointInTimeRecoveryEnabled").asBoolean(), "PITR");
        assertTrue(p.path("SSESpecification").path("SSEEnabled").asBoolean(), "SSE");
        assertTrue(p.path("DeletionProtectionEnabled").asBoolean(), "deletion protection");
        assertEquals("Retain", table.path("DeletionPolicy").asText());

        Map<String, String> attributeTypes = new HashMap<>();
        p.path("AttributeDefinitions").forEach(a ->
                attributeTypes.put(a.path("AttributeName").asText(), a.path("AttributeType").asText()));
        assertEquals(expected.keySchema(), keySchema(p.path("KeySchema"), attributeTypes), "table key schema");

        List<Index> indexes = new ArrayList<>();
        p.path("GlobalSecondaryIndexes").forEach(gsi -> indexes.add(new Index(gsi.path("IndexName").asText(),
                keySchema(gsi.path("KeySchema"), attributeTypes), gsi.path("Projection").path("ProjectionType").asText())));
        assertEquals(expected.indexes(), indexes, "global secondary indexes");
        assertTrue(p.path("LocalSecondaryIndexes").isMissingNode(), "no LSIs");

        Set<String> keyAttributes = new HashSet<>();
        expected.keySchema().forEach(k -> keyAttributes.add(k.name()));
        expected.indexes().forEach(i -> i.keySchema().forEach(k -> keyAttributes.add(k.name())));
        assertEquals(keyAttributes, attributeTypes.keySet(), "AttributeDefinitions hold exactly the key attributes");
    }

    @Test
    void templateTakesTheAgreedParameters() {
        JsonNode parameters = template.root().path("Parameters");
        ContractData.PARAMETERS.forEach((name, defaultValue) -> {
            assertFalse(parameters.path(name).isMissingNode(), "parameter " + name);
            if (!defaultValue.isEmpty()) {
                assertEquals(defaultValue, parameters.path(name).path("Default").asText(), name + " default");
            }
        });
        assertEquals("CommaDelimitedList", parameters.path("AllowedOrigins").path("Type").asText());
        assertEquals("", parameters.path("AlarmEmail").path("Default").asText("absent"), "AlarmEmail is optional");
        JsonNode outputs = template.root().path("Outputs");
        assertFalse(outputs.path("ApiUrl").isMissingNode(), "ApiUrl output");
        assertFalse(outputs.path("TableName").isMissingNode(), "TableName output");
    }

    @Test
    void lowCreditCheckRunsOnTheScheduleWithRetriesADeadLetterQueueAndAlarms() {
        assertScheduledWithRetriesADeadLetterQueueAndAlarms(functionIdOf("low-credit-check"), "LowCreditCheckRate");
    }

    @Test
    void stripeReconciliationRunsOnItsScheduleWithRetriesADeadLetterQueueAndAlarms() {
        String id = functionIdOf("stripe-reconcile");
        assertScheduledWithRetriesADeadLetterQueueAndAlarms(id, "StripeReconcileRate");
        Map<String, JsonNode> alarms = template.resourcesOfType("AWS::CloudWatch::Alarm");
        assertTrue(alarms.values().stream().anyMatch(a -> "StripeEventsRecovered".equals(
                a.path("Properties").path("MetricName").asText())
                && a.path("Properties").path("Dimensions").toString().contains("credits-stripe-reconcile")),
                "an alarm on recovered events (webhooks failing)");
        assertEquals("credits-stripe-reconcile", template.environmentVariable(id, "POWERTOOLS_SERVICE_NAME").asText());
        List<String> actions = new ArrayList<>();
        template.policyStatements(id).forEach(st -> actions.addAll(SamTemplate.textList(st.path("Action"))));
        assertFalse(actions.contains("dynamodb:Query") || actions.contains("dynamodb:Scan"), "no reads beyond the ledger's: " + actions);
    }

    @Test
    void theAutoTopUpPassRunsEveryMinuteWithADeadLetterQueueAndAlarms() {
        assertScheduledWithRetriesADeadLetterQueueAndAlarms(AUTO_TOP_UP_PASS, "AutoTopUpRate");
        assertEquals("rate(1 minute)", template.root().path("Parameters").path("AutoTopUpRate").path("Default").asText(),
                "docs/api.md: a top-up within 60 s of the crossing");
        Map<String, JsonNode> alarms = template.resourcesOfType("AWS::CloudWatch::Alarm");
        assertTrue(alarms.values().stream().anyMatch(a -> "TopUpStripeUnavailable".equals(
                a.path("Properties").path("MetricName").asText())), "an alarm when Stripe stays unavailable to the pass");
    }

    private static void assertScheduledWithRetriesADeadLetterQueueAndAlarms(String id, String rateParameter) {
        List<JsonNode> schedules = template.eventsOfType(id, "Schedule", "ScheduleV2");
        assertEquals(1, schedules.size(), "one schedule");
        JsonNode schedule = schedules.getFirst().path("Properties");
        JsonNode expression = schedule.has("Schedule") ? schedule.path("Schedule") : schedule.path("ScheduleExpression");
        assertEquals(Map.of("Ref", rateParameter), CloudFormationYaml.JSON.convertValue(expression, Map.class));
        assertTrue(schedule.path("RetryPolicy").path("MaximumRetryAttempts").isInt(), "retry policy");
        String dlqArn = schedule.path("DeadLetterConfig").path("Arn").toString();
        assertTrue(dlqArn.contains("Fn::GetAtt"), "the schedule's DLQ is a queue of this template");
        String dlq = schedule.path("DeadLetterConfig").path("Arn").path("Fn::GetAtt").path(0).asText();
        assertEquals("AWS::SQS::Queue", template.resources().path(dlq).path("Type").asText());
        assertEquals(dlq, template.resources().path(id).path("Properties").path("EventInvokeConfig").path("DestinationConfig")
                .path("OnFailure").path("Destination").path("Fn::GetAtt").path(0).asText(), id + ": a failed run is parked too");

        Map<String, JsonNode> alarms = template.resourcesOfType("AWS::CloudWatch::Alarm");
        String topic = template.resourcesOfType("AWS::SNS::Topic").keySet().stream().findFirst()
                .orElseGet(() -> fail("an SNS topic for the alarms"));
        assertTrue(alarms.values().stream().anyMatch(a -> isAlarmOn(a, "AWS/Lambda", "Errors", "Ref", id, topic)),
                "an Errors alarm on " + id);
        assertTrue(alarms.values().stream().anyMatch(a -> isAlarmOn(a, "AWS/SQS", "ApproximateNumberOfMessagesVisible",
                "Fn::GetAtt", dlq, topic)), "a depth alarm on " + dlq);
    }

    private static boolean isAlarmOn(JsonNode alarm, String namespace, String metric, String intrinsic, String target,
            String topic) {
        JsonNode p = alarm.path("Properties");
        boolean dimension = false;
        for (JsonNode d : p.path("Dimensions")) {
            JsonNode ref = d.path("Value").path(intrinsic);
            dimension |= ref.isTextual() ? ref.asText().equals(target) : ref.path(0).asText().equals(target);
        }
        return namespace.equals(p.path("Namespace").asText()) && metric.equals(p.path("MetricName").asText())
                && dimension && p.path("AlarmActions").toString().contains("\"" + topic + "\"");
    }

    /** The auto top-up pass (the second function of functions/auto-top-up's jar). */
    private static final String AUTO_TOP_UP_PASS = functionIdOfHandler("app.credits.autotopup.AutoTopUpRunFunction");

    private static String functionIdOfHandler(String handlerClass) {
        return SamTemplate.ofRepository().functionIds().stream()
                .filter(id -> SamTemplate.ofRepository().handlerClass(id).equals(handlerClass))
                .findFirst().orElseThrow(() -> new AssertionError("no function has the handler " + handlerClass));
    }

    /** The first function that ships {@code functions/<moduleDir>} (each of these modules ships one). */
    private static String functionIdOf(String moduleDir) {
        return template.functionIds().stream()
                .filter(id -> template.moduleDir(id).orElse("").equals(moduleDir))
                .findFirst().orElseGet(() -> fail("no function ships functions/" + moduleDir));
    }

    private static List<KeyAttribute> keySchema(JsonNode keySchema, Map<String, String> attributeTypes) {
        List<KeyAttribute> keys = new ArrayList<>();
        keySchema.forEach(k -> keys.add(new KeyAttribute(k.path("AttributeName").asText(),
                attributeTypes.get(k.path("AttributeName").asText()), k.path("KeyType").asText())));
        return keys;
    }
}
