package app.credits.contract;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** The agreed decisions the template is held to, written down as data. */
final class ContractData {

    private ContractData() {
    }

    /**
     * One Lambda: its module folder, its handler class, and the HTTP routes it serves ("METHOD /path"). A module's jar
     * may hold two functions, each its own handler class (auto top-up's routes and its scheduled pass).
     */
    record FunctionSpec(String moduleDir, String handlerClass, Set<String> routes) {
    }

    static final List<FunctionSpec> FUNCTIONS = List.of(
            new FunctionSpec("balance", "app.credits.balance.BalanceFunction",
                    Set.of("GET /orgs/{orgId}/balance")),
            new FunctionSpec("submissions", "app.credits.submissions.SubmissionsFunction",
                    Set.of("POST /orgs/{orgId}/submissions")),
            new FunctionSpec("invites", "app.credits.invites.InvitesFunction",
                    Set.of("POST /orgs/{orgId}/invites", "GET /orgs/{orgId}/invites",
                            "DELETE /orgs/{orgId}/invites/{inviteId}")),
            new FunctionSpec("account", "app.credits.account.AccountFunction",
                    Set.of("GET /orgs/{orgId}/logs", "GET /orgs/{orgId}/usage", "POST /orgs/{orgId}/adjustments",
                            "GET /orgs/{orgId}/pricing", "GET /orgs/{orgId}/settings", "PUT /orgs/{orgId}/settings",
                            "GET /orgs/{orgId}/plan", "PUT /orgs/{orgId}/plan")),
            new FunctionSpec("checkout", "app.credits.checkout.CheckoutFunction",
                    Set.of("POST /orgs/{orgId}/checkout")),
            new FunctionSpec("stripe-webhook", "app.credits.webhook.StripeWebhookFunction",
                    Set.of("POST /webhooks/stripe")),
            new FunctionSpec("unsubscribe", "app.credits.unsubscribe.UnsubscribeFunction",
                    Set.of("GET /unsubscribe", "POST /unsubscribe")),
            new FunctionSpec("low-credit-check", "app.credits.lowcredit.LowCreditCheckFunction", Set.of()),
            new FunctionSpec("stripe-reconcile", "app.credits.reconcile.StripeReconcileFunction", Set.of()),
            // Two handlers of one jar: the routes, and the scheduled pass.
            new FunctionSpec("auto-top-up", "app.credits.autotopup.AutoTopUpFunction",
                    Set.of("GET /orgs/{orgId}/auto-top-up", "PUT /orgs/{orgId}/auto-top-up",
                            "GET /orgs/{orgId}/auto-top-up/attempts")),
            new FunctionSpec("auto-top-up", "app.credits.autotopup.AutoTopUpRunFunction", Set.of()));

    static final String WEBHOOK_ROUTE = "POST /webhooks/stripe";

    /**
     * The routes outside the JWT authorizer, each authenticating its request itself: the webhook by Stripe's
     * signature, the low-credit emails' unsubscribe by its signed token.
     */
    static final Set<String> OPEN_ROUTES = Set.of(WEBHOOK_ROUTE, "GET /unsubscribe", "POST /unsubscribe");

    /** IDs in paths and bodies (docs/api.md conventions). */
    static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

    static final Set<String> ROLES = Set.of("member", "admin", "service", "staff");

    // ---------------------------------------------------------------- the table

    record KeyAttribute(String name, String type, String keyType) {
    }

    record Index(String name, List<KeyAttribute> keySchema, String projection) {
    }

    record TableLayout(String logicalId, String defaultName, List<KeyAttribute> keySchema, List<Index> indexes) {
    }

    /** The layout the ledger creates ({@code CreditsTable}): the template must declare exactly this. */
    static final TableLayout TABLE = fromJavaDefinition(
            app.credits.ledger.dynamo.CreditsTable.createTableRequest(app.credits.ledger.dynamo.CreditsTable.DEFAULT_NAME));

    private static TableLayout fromJavaDefinition(software.amazon.awssdk.services.dynamodb.model.CreateTableRequest request) {
        Map<String, String> types = new java.util.HashMap<>();
        request.attributeDefinitions().forEach(a -> types.put(a.attributeName(), a.attributeTypeAsString()));
        java.util.function.Function<List<software.amazon.awssdk.services.dynamodb.model.KeySchemaElement>, List<KeyAttribute>> keys =
                schema -> schema.stream().map(k -> new KeyAttribute(k.attributeName(), types.get(k.attributeName()),
                        k.keyTypeAsString())).toList();
        return new TableLayout("CreditsTable", request.tableName(), keys.apply(request.keySchema()),
                request.globalSecondaryIndexes().stream().map(gsi -> new Index(gsi.indexName(),
                        keys.apply(gsi.keySchema()), gsi.projection().projectionTypeAsString())).toList());
    }

    /** Template parameters others rely on, with the defaults that matter ("" = required, no default). */
    static final Map<String, String> PARAMETERS = Map.ofEntries(
            Map.entry("Stage", "dev"),
            Map.entry("JwtIssuer", ""),
            Map.entry("JwtAudience", ""),
            Map.entry("AllowedOrigins", ""),
            Map.entry("StripeApiKeyParameterName", "/credits/stripe/api-key"),
            Map.entry("StripeWebhookSecretParameterName", "/credits/stripe/webhook-secret"),
            Map.entry("UnsubscribeSecretParameterName", "/credits/unsubscribe/signing-secret"),
            Map.entry("EmailFrom", ""),
            Map.entry("BillingPageClientId", ""),
            Map.entry("LowCreditCheckRate", "rate(15 minutes)"),
            Map.entry("StripeReconcileRate", "rate(1 hour)"),
            Map.entry("TableName", "credits"),
            Map.entry("AlarmEmail", ""));
}
