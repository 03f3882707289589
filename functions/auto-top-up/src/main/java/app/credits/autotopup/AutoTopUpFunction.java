package app.credits.autotopup;

import app.credits.http.ApiError;
import app.credits.http.Call;
import app.credits.http.HttpFunction;
import app.credits.http.HttpResponse;
import app.credits.http.JsonBody;
import app.credits.http.Role;
import app.credits.http.Route;
import app.credits.ledger.AutoTopUpSettings;
import app.credits.ledger.AutoTopUpView;
import app.credits.ledger.AutoTopUps;
import app.credits.ledger.ConfigureAutoTopUp;
import app.credits.ledger.Credits;
import app.credits.ledger.Ledger;
import app.credits.ledger.Pricing;
import app.credits.ledger.SavedCard;
import app.credits.ledger.TopUpAttempt;
import app.credits.ledger.TopUpAttemptPage;
import app.credits.runtime.Environment;
import app.credits.runtime.Json;
import app.credits.runtime.Ledgers;
import app.credits.runtime.Telemetry;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code GET|PUT /orgs/{orgId}/auto-top-up} and {@code GET /orgs/{orgId}/auto-top-up/attempts} (admin, staff): the
 * settings and status of automatic purchases, and their history. Its own function, so that the account
 * function's cold start is untouched; the scheduled pass ({@link AutoTopUpRunFunction}) ships in the same jar.
 */
public final class AutoTopUpFunction extends HttpFunction {
    private static final Set<Role> ADMIN_STAFF = EnumSet.of(Role.ADMIN, Role.STAFF);
    private static final List<String> FIELDS = List.of("enabled", "thresholdCredits", "topUpCredits", "monthlyLimit");

    private final AutoTopUps topUps;

    /** Lambda's constructor: the ledger from TABLE_NAME. */
    public AutoTopUpFunction() {
        this(Ledgers.fromEnvironment(), Telemetry.fromEnvironment(Environment.system()));
    }

    public AutoTopUpFunction(Ledger ledger, Telemetry telemetry) {
        super(telemetry);
        this.topUps = ledger.autoTopUps();
    }

    @Override
    protected List<Route> declareRoutes() {
        return List.of(
                Route.of("GET /orgs/{orgId}/auto-top-up", ADMIN_STAFF, this::read),
                Route.of("PUT /orgs/{orgId}/auto-top-up", ADMIN_STAFF, this::update),
                Route.of("GET /orgs/{orgId}/auto-top-up/attempts", ADMIN_STAFF, this::attempts));
    }

    private HttpResponse read(Call call) {
        call.outcome("read");
        return HttpResponse.json(200, render(topUps.view(call.org())));
    }

    /**
     * Changes the fields present in the body; absent ones keep their value (at least one is required). Turning it
     * on without a saved card is a 409 {@code no_payment_method}.
     */
    private HttpResponse update(Call call) {
        JsonBody body = call.body();
        if (FIELDS.stream().noneMatch(body::isPresent)) {
            throw ApiError.invalidRequest("missing_field", "send at least one of " + String.join(", ", FIELDS));
        }
        Optional<Boolean> enabled = body.optionalBoolean("enabled");
        Optional<Credits> threshold = body.optionalCredits("thresholdCredits");
        Optional<Long> topUpCredits = body.optionalWholeNumber("topUpCredits", 1, Pricing.MAX_CREDITS_PER_ORDER);
        Optional<Long> monthlyLimit = body.optionalWholeNumber("monthlyLimit", 1, AutoTopUpSettings.MAX_MONTHLY_LIMIT);
        // Merged inside the ledger's conditional write: a concurrent change to another field is never lost.
        ConfigureAutoTopUp.Outcome outcome = topUps.configure(call.org(), current -> new AutoTopUpSettings(
                enabled.orElse(current.enabled()),
                threshold.orElse(current.threshold()),
                topUpCredits.orElse(current.topUpCredits()),
                monthlyLimit.map(Math::toIntExact).orElse(current.monthlyLimit())));
        return switch (outcome) {
            case ConfigureAutoTopUp.Outcome.Configured configured -> {
                call.outcome("updated");
                yield HttpResponse.json(200, render(configured.view()));
            }
            case ConfigureAutoTopUp.Outcome.NoPaymentMethod refused -> throw ApiError.conflict("no_payment_method",
                    "auto top-up needs a saved card: buy credits with \"saveCard\": true (Save card for auto top-up) first");
        };
    }

    private HttpResponse attempts(Call call) {
        TopUpAttemptPage page = topUps.attempts(call.org(), call.limit(25), call.cursor());
        ObjectNode answer = Json.object();
        ArrayNode data = answer.putArray("data");
        for (TopUpAttempt attempt : page.attempts()) {
            ObjectNode row = data.addObject()
                    .put("id", attempt.id())
                    .put("status", attempt.status().wireName())
                    .put("credits", Long.toString(attempt.credits()));
            row.set("amount", Json.money(attempt.amount()));
            Json.putOptional(row, "failureCode", attempt.failureCode());
            row.put("createdAt", Json.time(attempt.createdAt()));
        }
        Json.putOptional(answer, "nextCursor", page.nextCursor());
        call.outcome("listed");
        return HttpResponse.json(200, answer);
    }

    static ObjectNode render(AutoTopUpView view) {
        AutoTopUpSettings settings = view.settings();
        ObjectNode node = Json.object()
                .put("enabled", settings.enabled())
                .put("thresholdCredits", Json.credits(settings.threshold()))
                .put("topUpCredits", Long.toString(settings.topUpCredits()))
                .put("monthlyLimit", settings.monthlyLimit());
        if (view.card().isPresent()) {
            SavedCard card = view.card().get();
            node.putObject("paymentMethod").put("brand", card.brand()).put("last4", card.last4())
                    .put("expMonth", card.expMonth()).put("expYear", card.expYear());
        } else {
            node.putNull("paymentMethod");
        }
        node.put("status", view.status().wireName());
        Json.putOptional(node, "pausedReason", view.pausedReason());
        node.put("topUpsThisMonth", view.topUpsThisMonth());
        return node;
    }
}
