package app.credits.testkit.template;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SamTemplateTest {
    @Test
    void theRepositorysTemplateYieldsEveryRouteOfTheContractWithItsHandlerAndAuthorizer() throws Exception {
        // GIVEN the template that deploys
        SamTemplate template = SamTemplate.ofRepository();

        // WHEN its HTTP routes are collected
        Map<String, String> handlerByRoute = template.httpFunctions().stream()
                .flatMap(f -> f.routes().stream().map(r -> Map.entry(r.routeKey(), f.handlerClass())))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));

        // THEN every route of docs/api.md is served by the handler class of its module
        assertEquals("app.credits.balance.BalanceFunction", handlerByRoute.get("GET /orgs/{orgId}/balance"));
        assertEquals("app.credits.submissions.SubmissionsFunction", handlerByRoute.get("POST /orgs/{orgId}/submissions"));
        for (String route : List.of("POST /orgs/{orgId}/invites", "GET /orgs/{orgId}/invites", "DELETE /orgs/{orgId}/invites/{inviteId}")) {
            assertEquals("app.credits.invites.InvitesFunction", handlerByRoute.get(route), route);
        }
        for (String route : List.of("GET /orgs/{orgId}/logs", "GET /orgs/{orgId}/usage", "POST /orgs/{orgId}/adjustments",
                "GET /orgs/{orgId}/pricing", "GET /orgs/{orgId}/settings", "PUT /orgs/{orgId}/settings",
                "GET /orgs/{orgId}/plan", "PUT /orgs/{orgId}/plan")) {
            assertEquals("app.credits.account.AccountFunction", handlerByRoute.get(route), route);
        }
        assertEquals("app.credits.checkout.CheckoutFunction", handlerByRoute.get("POST /orgs/{orgId}/checkout"));
        assertEquals("app.credits.webhook.StripeWebhookFunction", handlerByRoute.get("POST /webhooks/stripe"));
        for (String route : List.of("GET /unsubscribe", "POST /unsubscribe")) {
            assertEquals("app.credits.unsubscribe.UnsubscribeFunction", handlerByRoute.get(route), route);
        }
        for (String route : List.of("GET /orgs/{orgId}/auto-top-up", "PUT /orgs/{orgId}/auto-top-up",
                "GET /orgs/{orgId}/auto-top-up/attempts")) {
            assertEquals("app.credits.autotopup.AutoTopUpFunction", handlerByRoute.get(route), route);
        }
        assertEquals(20, handlerByRoute.size());

        // AND only the Stripe webhook and the unsubscribe link are outside the JWT authorizer
        template.httpFunctions().forEach(f -> f.routes().forEach(r ->
                assertEquals(!List.of("/webhooks/stripe", "/unsubscribe").contains(r.path()), r.jwt(), r.routeKey())));
        // AND the API's CORS configuration is there for preflights
        assertTrue(template.cors().orElseThrow().allowHeaders().contains("Idempotency-Key"));
        // AND the scheduled check is the low-credit function
        assertEquals("app.credits.lowcredit.LowCreditCheckFunction", template.scheduledFunction().orElseThrow().handlerClass());
        // AND each function keeps its own timeout or the Globals'
        assertEquals(120, template.scheduledFunction().orElseThrow().timeoutSeconds());
        assertEquals(15, template.httpFunctions().getFirst().timeoutSeconds());
        // AND each function ships from its module's jar
        assertEquals(java.util.Optional.of("checkout"), template.httpRoutes().stream()
                .filter(r -> r.routeKey().equals("POST /orgs/{orgId}/checkout")).findFirst()
                .flatMap(r -> template.function(r.functionId())).flatMap(SamTemplate.Function::moduleDir));
    }

    @Test
    void everyCloudFormationShortTagIsToleratedAndAnEventsOwnAuthorizerWins() {
        // GIVEN a template with intrinsic tags everywhere, an implicit API's default authorizer and an opt-out
        String yaml = """
                Conditions:
                  Yes: !Not [!Equals [!Ref Param, ""]]
                Globals:
                  HttpApi:
                    Auth:
                      DefaultAuthorizer: Jwt
                Resources:
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: a.b.Handler::handleRequest
                      Role: !GetAtt Role.Arn
                      Environment:
                        Variables:
                          X: !Sub "${AWS::Region}-x"
                          Y: !Join [",", [!Ref A, !Select [0, !GetAZs ""]]]
                          Z: !If [Yes, !FindInMap [M, !Ref K, v], !ImportValue other]
                      Events:
                        Open:
                          Type: HttpApi
                          Properties: {Path: "/open/{id}", Method: post, Auth: {Authorizer: NONE}}
                        Guarded:
                          Type: HttpApi
                          Properties: {Path: /guarded, Method: GET}
                        Tick:
                          Type: Schedule
                          Properties: {Schedule: rate(1 minute)}
                  Other:
                    Type: AWS::SQS::Queue
                """;

        // WHEN it is read
        SamTemplate template = SamTemplate.parse(yaml);

        // THEN the function, its two routes and its schedule come out; other resources are ignored
        assertEquals(1, template.functions().size());
        SamTemplate.Function fn = template.functions().getFirst();
        assertEquals("a.b.Handler", fn.handlerClass());
        assertTrue(fn.scheduled());
        assertEquals(List.of("POST /open/{id}", "GET /guarded"),
                fn.routes().stream().map(SamTemplate.HttpRoute::routeKey).toList());
        assertEquals(List.of(false, true), fn.routes().stream().map(SamTemplate.HttpRoute::jwt).toList());
        assertFalse(template.httpFunctions().isEmpty());
    }
}
