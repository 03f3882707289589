package app.credits.balance;

import app.credits.http.Call;
import app.credits.http.HttpFunction;
import app.credits.http.HttpResponse;
import app.credits.runtime.Json;
import app.credits.runtime.Ledgers;
import app.credits.http.Role;
import app.credits.http.Route;
import app.credits.ledger.Account;
import app.credits.ledger.Ledger;

import java.util.EnumSet;
import java.util.List;

/** {@code GET /orgs/{orgId}/balance}: the numbers of the Billing page. */
public final class BalanceFunction extends HttpFunction {
    private final Ledger ledger;

    /** Lambda's constructor: the ledger from the environment, built once per sandbox. */
    public BalanceFunction() {
        this(Ledgers.fromEnvironment());
    }

    public BalanceFunction(Ledger ledger) {
        this.ledger = ledger;
    }

    @Override
    protected List<Route> declareRoutes() {
        return List.of(Route.of("GET /orgs/{orgId}/balance", EnumSet.of(Role.ADMIN, Role.SERVICE, Role.STAFF),
                this::balance));
    }

    private HttpResponse balance(Call call) {
        Account account = ledger.account(call.org());
        call.outcome("read");
        return HttpResponse.json(200, Json.object()
                .put("orgId", account.org().value())
                .put("balance", Json.credits(account.balance()))
                .put("creditsLeft", Json.credits(account.creditsLeft()))
                .put("creditsReserved", Json.credits(account.reserved()))
                .put("invitesPending", account.invitesPending())
                .put("creditsUsed", Json.credits(account.used()))
                .put("lifetimeCreditsPurchased", Json.credits(account.lifetimePurchased()))
                .put("package", account.plan().creditPackage().wireName())
                .put("submissionsBlocked", account.submissionsBlocked()));
    }
}
