package app.credits.http.testing;

import app.credits.http.HttpFunction;
import app.credits.http.HttpResponse;
import app.credits.http.Role;
import app.credits.http.Route;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The authorization matrix generated from a function's declared routes: every route × role × (own org, other
 * org), plus no claims at all. Allowed cells must get past authorization (neither 401 nor 403); the others must
 * be 403, and no claims 401. Cells run in order, so an allowed cell may write (a submission, an invite).
 */
public final class AuthorizationMatrix {
    public static final String OWN_ORG = "org_own";
    public static final String OTHER_ORG = "org_other";

    /** One cell: the route, the caller's role, whether the token's org is the path's org. */
    public record Cell(Route route, Role role, boolean ownOrg) {
        /** The token's {@code sub} in this cell. */
        public String sub() {
            return role.wireName() + "_user";
        }

        public boolean allowed() {
            return route.roles().contains(role) && (ownOrg || role.actsOnAnyOrg());
        }

        @Override
        public String toString() {
            return route.key() + " as " + role.wireName() + " of " + (ownOrg ? "its own org" : "another org");
        }
    }

    private AuthorizationMatrix() {
    }

    public static List<Cell> cells(HttpFunction function) {
        List<Cell> cells = new ArrayList<>();
        for (Route route : function.routes()) {
            if (!route.authenticated()) {
                continue; // open routes (the webhook) authenticate themselves
            }
            for (Role role : Role.values()) {
                cells.add(new Cell(route, role, true));
                cells.add(new Cell(route, role, false));
            }
        }
        return cells;
    }

    /**
     * Runs every cell. {@code request} builds a valid request for the cell (path, body, headers) given the
     * event builder already holding the route, the path's org ({@link #OTHER_ORG} when not own) and the
     * claims ({@link Cell#sub()}). Returns the failed cells, empty when the matrix holds.
     */
    public static List<String> check(HttpFunction function, BiFunction<Cell, Events, Events> request) {
        List<String> failures = new ArrayList<>();
        for (Cell cell : cells(function)) {
            Events event = Events.http(cell.route()).org(cell.ownOrg() ? OWN_ORG : OTHER_ORG)
                    .claims(cell.sub(), OWN_ORG, cell.role());
            HttpResponse response = function.handle(request.apply(cell, event).build(), null);
            int status = response.statusCode();
            if (cell.allowed() && (status == 401 || status == 403)) {
                failures.add(cell + ": expected to be allowed, got " + status + " " + response.body());
            } else if (cell.allowed() && status >= 500) {
                failures.add(cell + ": allowed but failed with " + status + " " + response.body());
            } else if (!cell.allowed() && status != 403) {
                failures.add(cell + ": expected 403, got " + status + " " + response.body());
            } else if (!cell.allowed() && !response.bodyJson().path("error").path("type").asText().equals("permission")) {
                failures.add(cell + ": 403 without the permission error shape: " + response.body());
            }
        }
        for (Route route : function.routes()) {
            if (!route.authenticated()) {
                continue;
            }
            Events event = Events.http(route).org(OWN_ORG).noClaims();
            HttpResponse response = function.handle(event.build(), null);
            if (response.statusCode() != 401
                    || !response.bodyJson().path("error").path("type").asText().equals("authentication")) {
                failures.add(route.key() + " without claims: expected 401 authentication, got "
                        + response.statusCode() + " " + response.body());
            }
        }
        return failures;
    }
}
