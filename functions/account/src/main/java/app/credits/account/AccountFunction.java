package app.credits.account;

import app.credits.http.ApiError;
import app.credits.http.Call;
import app.credits.runtime.Environment;
import app.credits.http.HttpFunction;
import app.credits.http.HttpResponse;
import app.credits.runtime.Json;
import app.credits.http.JsonBody;
import app.credits.runtime.Ledgers;
import app.credits.runtime.Metrics;
import app.credits.http.Role;
import app.credits.http.Route;
import app.credits.ledger.Account;
import app.credits.ledger.AdjustmentOutcome;
import app.credits.ledger.CreditPackage;
import app.credits.ledger.Credits;
import app.credits.ledger.EntryType;
import app.credits.ledger.Granularity;
import app.credits.ledger.Ledger;
import app.credits.ledger.LogEntry;
import app.credits.ledger.LogPage;
import app.credits.ledger.Money;
import app.credits.ledger.Plan;
import app.credits.ledger.Pricing;
import app.credits.ledger.Settings;
import app.credits.ledger.UsagePeriod;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The org's account pages: the log (JSON pages or the whole log as CSV), usage per day or month, staff
 * adjustments, price quotes, low-credit email settings and the negotiated plan.
 */
public final class AccountFunction extends HttpFunction {
    private static final Set<Role> ADMIN_STAFF = EnumSet.of(Role.ADMIN, Role.STAFF);
    private static final Set<Role> STAFF = EnumSet.of(Role.STAFF);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("uuuu-MM-dd")
            .withResolverStyle(ResolverStyle.STRICT);
    private static final Pattern WHOLE = Pattern.compile("[0-9]{1,6}");
    /** A fixed unit price above this many minor units is surely a typo (it is per credit). */
    private static final long MAX_FIXED_UNIT_AMOUNT = 100_000_000L;

    private final Ledger ledger;
    private final Pricing pricing;
    private final LogExport logExport;

    public AccountFunction() {
        this(Ledgers.fromEnvironment(), Environment.system().pricing(), S3ExportStore.fromEnvironment(Environment.system()));
    }

    /** Without an export store: a log too long to answer inline cannot be exported (tests of everything else). */
    public AccountFunction(Ledger ledger, Pricing pricing) {
        this(ledger, pricing, ExportStore.unconfigured());
    }

    AccountFunction(Ledger ledger, Pricing pricing, ExportStore exports) {
        this(ledger, pricing, new LogExport(ledger, exports));
    }

    AccountFunction(Ledger ledger, Pricing pricing, LogExport logExport) {
        this.ledger = ledger;
        this.pricing = pricing;
        this.logExport = logExport;
    }

    @Override
    protected List<Route> declareRoutes() {
        return List.of(
                Route.of("GET /orgs/{orgId}/logs", ADMIN_STAFF, this::logs),
                Route.of("GET /orgs/{orgId}/usage", ADMIN_STAFF, this::usage),
                Route.of("POST /orgs/{orgId}/adjustments", STAFF, this::adjust),
                Route.of("GET /orgs/{orgId}/pricing", ADMIN_STAFF, this::pricing),
                Route.of("GET /orgs/{orgId}/settings", ADMIN_STAFF, this::settings),
                Route.of("PUT /orgs/{orgId}/settings", ADMIN_STAFF, this::updateSettings),
                Route.of("GET /orgs/{orgId}/plan", ADMIN_STAFF, this::plan),
                Route.of("PUT /orgs/{orgId}/plan", STAFF, this::updatePlan));
    }

    // ---------------------------------------------------------------- logs

    private HttpResponse logs(Call call) {
        if (wantsCsv(call)) {
            return csv(call);
        }
        LogPage page = ledger.log(call.org(), call.limit(25), call.cursor());
        ObjectNode answer = Json.object();
        ArrayNode data = answer.putArray("data");
        for (LogEntry e : page.entries()) {
            data.addObject()
                    .put("id", e.id())
                    .put("type", e.type().wireName())
                    .put("credits", Json.credits(e.credits()))
                    .put("balanceAfter", Json.credits(e.balanceAfter()))
                    .put("createdAt", Json.time(e.createdAt()))
                    .put("description", e.description())
                    .put("reference", e.reference());
        }
        Json.putOptional(answer, "nextCursor", page.nextCursor());
        call.outcome("listed");
        return HttpResponse.json(200, answer);
    }

    /**
     * The whole log as CSV: inline when it fits in a Lambda response, else written to the exports bucket and
     * answered {@code 303 See Other} to a five-minute download link (a browser's fetch and {@code curl -L} follow it).
     */
    private HttpResponse csv(Call call) {
        LogExport.Export export;
        try {
            export = logExport.export(call.org());
        } catch (ExportStore.Unavailable e) {
            throw ApiError.unavailable("The export could not be written now; try again.");
        }
        return switch (export) {
            case LogExport.Inline inline -> {
                call.outcome("exported");
                yield HttpResponse.text(200, "text/csv; charset=utf-8", inline.csv())
                        .withHeader("content-disposition", "attachment; filename=\"" + LogExport.fileName(call.org()) + "\"");
            }
            case LogExport.Stored stored -> {
                call.outcome("exported_to_link");
                yield HttpResponse.json(303, Json.object()
                                .put("url", stored.link().url().toString())
                                .put("expiresAt", Json.time(stored.link().expiresAt()))
                                .put("entries", stored.entries())
                                .put("bytes", stored.bytes()))
                        .withHeader("location", stored.link().url().toString())
                        .withHeader("cache-control", "no-store");
            }
        };
    }

    /** {@code Accept: text/csv} (alone or among other types) asks for the CSV export. */
    private static boolean wantsCsv(Call call) {
        return call.header("accept").map(accept -> {
            for (String type : accept.split(",")) {
                if (type.split(";")[0].trim().toLowerCase(Locale.ROOT).equals("text/csv")) {
                    return true;
                }
            }
            return false;
        }).orElse(false);
    }

    // ---------------------------------------------------------------- usage

    private HttpResponse usage(Call call) {
        LocalDate from = day(call, "from");
        LocalDate to = day(call, "to");
        Granularity granularity = call.query("granularity").map(Granularity::fromWire).orElse(Granularity.DAY);
        List<UsagePeriod> periods = ledger.usage(call.org(), from, to, granularity);
        ObjectNode answer = Json.object();
        ArrayNode data = answer.putArray("data");
        for (UsagePeriod p : periods) {
            data.addObject()
                    .put("period", p.period())
                    .put("purchased", Json.credits(p.purchased()))
                    .put("used", Json.credits(p.used()));
        }
        call.outcome("read");
        return HttpResponse.json(200, answer);
    }

    private static LocalDate day(Call call, String name) {
        String text = call.requiredQuery(name);
        try {
            return LocalDate.parse(text, DAY);
        } catch (DateTimeParseException e) {
            throw ApiError.invalidRequest("invalid_parameter", name + " must be a date YYYY-MM-DD");
        }
    }

    // ---------------------------------------------------------------- adjustments

    private HttpResponse adjust(Call call) {
        String key = call.header("idempotency-key").filter(k -> !k.isEmpty()).orElseThrow(() ->
                ApiError.invalidRequest("missing_idempotency_key", "the Idempotency-Key header is required"));
        if (!app.credits.ledger.Ids.isValid(key)) {
            throw ApiError.invalidRequest("invalid_id", "Idempotency-Key must be 1-128 characters of A-Z a-z 0-9 _ . : -");
        }
        JsonBody body = call.body();
        Credits credits = body.requiredCredits("credits");
        String reason = body.requiredString("reason");
        EntryType kind = switch (body.optionalString("kind").orElse("adjustment")) {
            case "adjustment" -> EntryType.ADJUSTMENT;
            case "bonus" -> EntryType.BONUS;
            default -> throw ApiError.invalidRequest("invalid_field", "kind must be \"adjustment\" or \"bonus\"");
        };
        AdjustmentOutcome outcome = ledger.adjust(call.org(), key, kind, credits, reason);
        return switch (outcome) {
            case AdjustmentOutcome.Adjusted adjusted -> {
                call.outcome("adjusted");
                call.metrics().add(Metrics.CREDITS_ADJUSTED, adjusted.credits());
                yield HttpResponse.json(201, render(adjusted));
            }
            case AdjustmentOutcome.AlreadyAdjusted replay -> {
                call.outcome("replayed");
                yield HttpResponse.json(200, render(replay.original()));
            }
            case AdjustmentOutcome.InsufficientCredits refused -> throw ApiError.insufficientCredits(
                    "taking " + refused.credits().negate() + " credits would leave less than zero; "
                            + refused.creditsLeft() + " are left");
            case AdjustmentOutcome.IdempotencyConflict conflict -> throw ApiError.conflict("idempotency_conflict",
                    "Idempotency-Key " + conflict.idempotencyKey() + " was already used with another " + conflict.field());
        };
    }

    private static ObjectNode render(AdjustmentOutcome.Adjusted adjusted) {
        return Json.object()
                .put("id", adjusted.id())
                .put("credits", Json.credits(adjusted.credits()))
                .put("balance", Json.credits(adjusted.balance()))
                .put("creditsLeft", Json.credits(adjusted.creditsLeft()));
    }

    // ---------------------------------------------------------------- pricing

    private HttpResponse pricing(Call call) {
        String text = call.requiredQuery("credits");
        long credits = WHOLE.matcher(text).matches() ? Long.parseLong(text) : -1;
        if (credits < 1 || credits > Pricing.MAX_CREDITS_PER_ORDER) {
            throw ApiError.invalidRequest("invalid_parameter",
                    "credits must be a whole number from 1 to " + Pricing.MAX_CREDITS_PER_ORDER);
        }
        Account account = ledger.account(call.org());
        call.outcome("quoted");
        return HttpResponse.json(200, Json.quote(
                pricing.quote(credits, account.lifetimePurchased(), account.plan().fixedUnitPrice())));
    }

    // ---------------------------------------------------------------- settings

    private HttpResponse settings(Call call) {
        call.outcome("read");
        return HttpResponse.json(200, render(ledger.account(call.org())));
    }

    /**
     * Changes the fields present in the body; absent ones keep their value. {@code notificationEmails: null} goes
     * back to the buyers' emails; an empty list is a 400 (turn {@code lowCreditEmails} off instead).
     */
    private HttpResponse updateSettings(Call call) {
        JsonBody body = call.body();
        if (!body.isPresent("lowCreditEmails") && !body.isPresent("lowCreditThreshold")
                && !body.isPresent("notificationEmails")) {
            throw ApiError.invalidRequest("missing_field",
                    "send at least one of lowCreditEmails, lowCreditThreshold, notificationEmails");
        }
        Optional<Boolean> emails = body.optionalBoolean("lowCreditEmails");
        Optional<Credits> threshold = body.optionalCredits("lowCreditThreshold");
        Optional<List<String>> recipients = body.isNull("notificationEmails")
                ? Optional.of(List.of())
                : body.optionalStringList("notificationEmails").map(list -> {
                    if (list.isEmpty()) {
                        throw ApiError.invalidRequest("invalid_field", "notificationEmails must not be empty: "
                                + "send null for the buyers' emails, or turn lowCreditEmails off");
                    }
                    return list;
                });
        // Merged inside the ledger's conditional write: a concurrent change to another field is never lost.
        Account after = ledger.updateSettings(call.org(), current -> new Settings(
                emails.orElse(current.lowCreditEmails()),
                threshold.orElse(current.lowCreditThreshold()),
                recipients.orElse(current.notificationEmails())));
        call.outcome("updated");
        return HttpResponse.json(200, render(after));
    }

    private static ObjectNode render(Account account) {
        Settings s = account.settings();
        ObjectNode node = Json.object()
                .put("lowCreditEmails", s.lowCreditEmails())
                .put("lowCreditThreshold", Json.credits(s.lowCreditThreshold()));
        if (s.notificationEmails().isEmpty()) {
            node.putNull("notificationEmails");
        } else {
            ArrayNode set = node.putArray("notificationEmails");
            s.notificationEmails().forEach(set::add);
        }
        // Who gets the email while notificationEmails is null: the customer emails of the org's Stripe purchases.
        ArrayNode defaults = node.putArray("defaultRecipients");
        account.buyerEmails().forEach(defaults::add);
        return node;
    }

    // ---------------------------------------------------------------- plan

    private HttpResponse plan(Call call) {
        call.outcome("read");
        return HttpResponse.json(200, render(ledger.account(call.org()).plan()));
    }

    /**
     * Replaces the plan: {@code package} is required; {@code fixedUnitPrice} absent or {@code null} means the
     * volume tiers apply. A fixed price must be in the list price's currency (checkout charges in one currency).
     */
    private HttpResponse updatePlan(Call call) {
        JsonBody body = call.body();
        CreditPackage creditPackage = CreditPackage.fromWire(body.requiredString("package"));
        Optional<Money> fixed = body.optionalObject("fixedUnitPrice").map(price -> {
            long amount = price.requiredWholeNumber("amount", 1, MAX_FIXED_UNIT_AMOUNT);
            Money money = Money.of(amount, price.requiredString("currency"));
            if (!money.currency().equals(pricing.listUnitPrice().currency())) {
                throw ApiError.invalidRequest("invalid_field",
                        "fixedUnitPrice.currency must be " + pricing.listUnitPrice().currency());
            }
            return money;
        });
        Account after = ledger.updatePlan(call.org(), new Plan(creditPackage, fixed));
        call.outcome("updated");
        return HttpResponse.json(200, render(after.plan()));
    }

    private static ObjectNode render(Plan plan) {
        ObjectNode node = Json.object().put("package", plan.creditPackage().wireName());
        if (plan.fixedUnitPrice().isPresent()) {
            node.set("fixedUnitPrice", Json.money(plan.fixedUnitPrice().get()));
        } else {
            node.putNull("fixedUnitPrice");
        }
        return node;
    }
}
