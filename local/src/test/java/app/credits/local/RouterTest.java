package app.credits.local;

import app.credits.testkit.template.SamTemplate;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RouterTest {
    private final Router router = new Router(SamTemplate.parse("""
            Resources:
              Invites:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: x.Invites
                  Events:
                    List: {Type: HttpApi, Properties: {Path: "/orgs/{orgId}/invites", Method: GET}}
                    Revoke: {Type: HttpApi, Properties: {Path: "/orgs/{orgId}/invites/{inviteId}", Method: DELETE}}
              Special:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: x.Special
                  Events:
                    Fixed: {Type: HttpApi, Properties: {Path: "/orgs/special/invites", Method: GET}}
                    Files: {Type: HttpApi, Properties: {Path: "/files/{proxy+}", Method: ANY}}
            """));

    @Test
    void pathParametersAreMatchedPerSegmentAndDecoded() {
        var match = router.match("DELETE", "/orgs/org_acme/invites/inv%3A1").orElseThrow();
        assertEquals("DELETE /orgs/{orgId}/invites/{inviteId}", match.target().route().routeKey());
        assertEquals(Map.of("orgId", "org_acme", "inviteId", "inv:1"), match.pathParameters());
    }

    @Test
    void theMostSpecificRouteWinsAndMethodsMustMatch() {
        assertEquals("x.Special", router.match("GET", "/orgs/special/invites").orElseThrow().target().function().handlerClass());
        assertEquals("x.Invites", router.match("GET", "/orgs/other/invites").orElseThrow().target().function().handlerClass());
        assertTrue(router.match("POST", "/orgs/other/invites").isEmpty());
        assertTrue(router.match("GET", "/orgs/other/invites/extra/segment").isEmpty());
        assertTrue(router.match("GET", "/orgs//invites").isEmpty());
    }

    @Test
    void aGreedyParameterTakesTheRestOfThePathForAnyMethod() {
        var match = router.match("PUT", "/files/a/b/c.txt").orElseThrow();
        assertEquals(Map.of("proxy", "a/b/c.txt"), match.pathParameters());
    }
}
