package app.credits.http;

import app.credits.ledger.Ids;
import app.credits.ledger.OrgId;

import java.util.Map;
import java.util.Optional;

/**
 * Who is calling, from the claims API Gateway's JWT authorizer already verified ({@code sub}, {@code org_id},
 * {@code role}, {@code email}). Members and admins must carry an {@code org_id}; service and staff tokens may
 * omit it since they act on any org.
 */
public record Caller(String sub, Optional<OrgId> org, Role role, Optional<String> email) {

    /** 401 when the claims are missing or unusable. */
    public static Caller fromClaims(Map<String, String> claims) {
        if (claims == null || claims.isEmpty()) {
            throw ApiError.authentication("a bearer token is required");
        }
        String sub = claims.get("sub");
        if (sub == null || sub.isBlank() || sub.length() > 256) {
            throw ApiError.authentication("the token has no usable sub claim");
        }
        Role role = Role.fromWire(claims.get("role"))
                .orElseThrow(() -> ApiError.authentication("the token has no valid role claim"));
        String orgClaim = claims.get("org_id");
        Optional<OrgId> org;
        if (orgClaim == null || orgClaim.isEmpty()) {
            if (!role.actsOnAnyOrg()) {
                throw ApiError.authentication("the token has no org_id claim");
            }
            org = Optional.empty();
        } else if (!Ids.isValid(orgClaim)) {
            throw ApiError.authentication("the token's org_id claim is not a valid id");
        } else {
            org = Optional.of(OrgId.of(orgClaim));
        }
        return new Caller(sub, org, role, Optional.ofNullable(claims.get("email")).filter(e -> !e.isBlank()));
    }

    /** Whether this caller may act on {@code target} at all (before the route's role check). */
    public boolean mayActOn(OrgId target) {
        return role.actsOnAnyOrg() || org.map(target::equals).orElse(false);
    }
}
