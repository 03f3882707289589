package app.credits.ledger.dynamo;

import app.credits.ledger.Account;
import app.credits.ledger.AlertLevel;
import app.credits.ledger.CreditPackage;
import app.credits.ledger.Credits;
import app.credits.ledger.DisputeState;
import app.credits.ledger.EntryType;
import app.credits.ledger.Invite;
import app.credits.ledger.InviteStatus;
import app.credits.ledger.LogEntry;
import app.credits.ledger.Marker;
import app.credits.ledger.Money;
import app.credits.ledger.OrgId;
import app.credits.ledger.PaymentFacts;
import app.credits.ledger.Plan;
import app.credits.ledger.Purchase;
import app.credits.ledger.Settings;
import app.credits.ledger.Times;
import app.credits.ledger.UsagePeriod;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static app.credits.ledger.dynamo.Attrs.bool;
import static app.credits.ledger.dynamo.Attrs.boolOf;
import static app.credits.ledger.dynamo.Attrs.credits;
import static app.credits.ledger.dynamo.Attrs.creditsOf;
import static app.credits.ledger.dynamo.Attrs.n;
import static app.credits.ledger.dynamo.Attrs.num;
import static app.credits.ledger.dynamo.Attrs.optStr;
import static app.credits.ledger.dynamo.Attrs.optTime;
import static app.credits.ledger.dynamo.Attrs.s;
import static app.credits.ledger.dynamo.Attrs.str;
import static app.credits.ledger.dynamo.Attrs.strings;
import static app.credits.ledger.dynamo.Attrs.stringsOf;
import static app.credits.ledger.dynamo.Attrs.time;
import static app.credits.ledger.dynamo.Attrs.timeOf;
import static app.credits.ledger.dynamo.CreditsTable.PK;
import static app.credits.ledger.dynamo.CreditsTable.SK;

/** The item layout of each domain record (see {@link CreditsTable}); one static mapping each, no reflection. */
final class Items {
    static final String ACCOUNT = "ACCOUNT";
    static final String LOG = "LOG#";
    static final String INVITE = "INVITE#";
    static final String PURCHASE = "PURCHASE#";
    static final String USAGE_DAY = "USAGE#D#";
    static final String USAGE_MONTH = "USAGE#M#";
    static final String PAYMENT = "PAYMENT";
    static final String SESSION = "SESSION";
    static final String LOW_CREDIT_DUE = "DUE";
    static final String EXPIRY_PENDING = "PENDING";

    private Items() {
    }

    static String orgPk(OrgId org) {
        return "ORG#" + org.value();
    }

    static String paymentPk(String paymentIntentId) {
        return "PAYMENT#" + paymentIntentId;
    }

    static String sessionPk(String checkoutSessionId) {
        return "SESSION#" + checkoutSessionId;
    }

    /** Claims a Checkout Session for one org across the whole table (written with the purchase, if absent). */
    static Map<String, AttributeValue> sessionClaim(Purchase p) {
        return Map.of(PK, s(sessionPk(p.checkoutSessionId())), SK, s(SESSION), "org", s(p.org().value()),
                "createdAt", time(p.createdAt()));
    }

    static String logSk(long seq) {
        return LOG + String.format("%012d", seq);
    }

    static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of(PK, s(pk), SK, s(sk));
    }

    // ---- account ----

    static Map<String, AttributeValue> account(Account a) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, s(orgPk(a.org())));
        item.put(SK, s(ACCOUNT));
        item.put("org", s(a.org().value()));
        item.put("version", n(a.version() + 1)); // written as the next version; conditioned on the read one
        item.put("lastSeq", n(a.lastSeq()));
        item.put("balance", credits(a.balance()));
        item.put("reserved", credits(a.reserved()));
        item.put("creditsLeft", credits(a.creditsLeft()));
        item.put("invitesPending", n(a.invitesPending()));
        item.put("used", credits(a.used()));
        item.put("lifetimePurchased", credits(a.lifetimePurchased()));
        item.put("package", s(a.plan().creditPackage().wireName()));
        a.plan().fixedUnitPrice().ifPresent(price -> {
            item.put("fixedUnitAmount", n(price.amount()));
            item.put("fixedUnitCurrency", s(price.currency()));
        });
        item.put("lowCreditEmails", bool(a.settings().lowCreditEmails()));
        item.put("lowCreditThreshold", credits(a.settings().lowCreditThreshold()));
        item.put("notificationEmails", strings(a.settings().notificationEmails()));
        item.put("buyerEmails", strings(a.buyerEmails()));
        item.put("alertNotified", s(a.alertNotified().name()));
        item.put("updatedAt", time(a.updatedAt()));
        // Membership of the sparse index is decided in the same write that moves the numbers.
        a.alertOwed().ifPresent(level -> {
            item.put(CreditsTable.LOW_CREDIT_PK, s(LOW_CREDIT_DUE));
            item.put(CreditsTable.LOW_CREDIT_SK, s(a.org().value()));
            item.put("alertOwed", s(level.name()));
        });
        return item;
    }

    static Account account(Map<String, AttributeValue> item) {
        Optional<Money> fixed = item.containsKey("fixedUnitAmount")
                ? Optional.of(Money.of(num(item, "fixedUnitAmount"), str(item, "fixedUnitCurrency")))
                : Optional.empty();
        Settings settings = new Settings(boolOf(item, "lowCreditEmails", true),
                creditsOf(item, "lowCreditThreshold"), stringsOf(item, "notificationEmails"));
        return new Account(
                OrgId.of(str(item, "org")),
                num(item, "version"),
                num(item, "lastSeq"),
                creditsOf(item, "balance"),
                creditsOf(item, "reserved"),
                (int) num(item, "invitesPending"),
                creditsOf(item, "used"),
                creditsOf(item, "lifetimePurchased"),
                new Plan(CreditPackage.fromWire(str(item, "package")), fixed),
                settings,
                stringsOf(item, "buyerEmails"),
                AlertLevel.valueOf(str(item, "alertNotified")),
                timeOf(item, "updatedAt"));
    }

    // ---- log ----

    static Map<String, AttributeValue> entry(OrgId org, LogEntry e) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, s(orgPk(org)));
        item.put(SK, s(logSk(e.seq())));
        item.put("seq", n(e.seq()));
        item.put("type", s(e.type().wireName()));
        item.put("credits", credits(e.credits()));
        item.put("balanceAfter", credits(e.balanceAfter()));
        item.put("createdAt", time(e.createdAt()));
        item.put("description", s(e.description()));
        item.put("reference", s(e.reference()));
        return item;
    }

    static LogEntry entry(Map<String, AttributeValue> item) {
        return new LogEntry(num(item, "seq"), EntryType.fromWire(str(item, "type")), creditsOf(item, "credits"),
                creditsOf(item, "balanceAfter"), timeOf(item, "createdAt"), str(item, "description"),
                str(item, "reference"));
    }

    // ---- markers ----

    static Map<String, AttributeValue> marker(OrgId org, Marker m) {
        Map<String, AttributeValue> result = new HashMap<>();
        m.result().forEach((k, v) -> result.put(k, s(v)));
        return Map.of(PK, s(orgPk(org)), SK, s(m.key()), "fingerprint", s(m.fingerprint()),
                "result", AttributeValue.fromM(result), "createdAt", time(m.createdAt()));
    }

    static Marker marker(Map<String, AttributeValue> item) {
        Map<String, String> result = new HashMap<>();
        item.get("result").m().forEach((k, v) -> result.put(k, v.s()));
        return new Marker(str(item, SK), str(item, "fingerprint"), result, timeOf(item, "createdAt"));
    }

    // ---- invites ----

    static Map<String, AttributeValue> invite(Invite i) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, s(orgPk(i.org())));
        item.put(SK, s(INVITE + i.inviteId()));
        item.put("org", s(i.org().value()));
        item.put("inviteId", s(i.inviteId()));
        item.put("email", s(i.email()));
        item.put("status", s(i.status().wireName()));
        item.put("reserved", credits(i.reserved()));
        item.put("createdAt", time(i.createdAt()));
        i.expiresAt().ifPresent(at -> item.put("expiresAt", time(at)));
        i.resolvedAt().ifPresent(at -> item.put("resolvedAt", time(at)));
        i.submissionId().ifPresent(id -> item.put("submissionId", s(id)));
        item.put("creditsLeftWhenReserved", credits(i.creditsLeftWhenReserved()));
        item.put("version", n(i.version() + 1));
        if (i.isPending()) {
            i.expiresAt().ifPresent(at -> {
                item.put(CreditsTable.EXPIRY_PK, s(EXPIRY_PENDING));
                item.put(CreditsTable.EXPIRY_SK, s(Times.format(at) + "#" + i.org().value() + "#" + i.inviteId()));
            });
        }
        return item;
    }

    static Invite invite(Map<String, AttributeValue> item) {
        return new Invite(OrgId.of(str(item, "org")), str(item, "inviteId"), str(item, "email"),
                InviteStatus.fromWire(str(item, "status")), creditsOf(item, "reserved"), timeOf(item, "createdAt"),
                optTime(item, "expiresAt"), optTime(item, "resolvedAt"), optStr(item, "submissionId"),
                creditsOf(item, "creditsLeftWhenReserved"), num(item, "version"));
    }

    // ---- purchases and payment facts ----

    static Map<String, AttributeValue> purchase(Purchase p) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, s(orgPk(p.org())));
        item.put(SK, s(PURCHASE + p.checkoutSessionId()));
        item.put("org", s(p.org().value()));
        item.put("checkoutSessionId", s(p.checkoutSessionId()));
        item.put("credits", n(p.credits()));
        item.put("amount", n(p.amountPaid().amount()));
        item.put("currency", s(p.amountPaid().currency()));
        p.paymentIntentId().ifPresent(pi -> item.put("paymentIntentId", s(pi)));
        p.buyerEmail().ifPresent(e -> item.put("buyerEmail", s(e)));
        item.put("createdAt", time(p.createdAt()));
        item.put("amountRefunded", n(p.amountRefunded()));
        item.put("creditsRefunded", credits(p.creditsRefunded()));
        item.put("dispute", s(p.dispute().name()));
        item.put("creditsHeldByDispute", credits(p.creditsHeldByDispute()));
        item.put("version", n(p.version() + 1));
        return item;
    }

    static Purchase purchase(Map<String, AttributeValue> item) {
        return new Purchase(OrgId.of(str(item, "org")), str(item, "checkoutSessionId"), num(item, "credits"),
                Money.of(num(item, "amount"), str(item, "currency")), optStr(item, "paymentIntentId"),
                optStr(item, "buyerEmail"), timeOf(item, "createdAt"), num(item, "amountRefunded"),
                creditsOf(item, "creditsRefunded"), DisputeState.valueOf(str(item, "dispute")),
                creditsOf(item, "creditsHeldByDispute"), num(item, "version"));
    }

    static Map<String, AttributeValue> payment(PaymentFacts f) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, s(paymentPk(f.paymentIntentId())));
        item.put(SK, s(PAYMENT));
        item.put("paymentIntentId", s(f.paymentIntentId()));
        f.org().ifPresent(o -> item.put("org", s(o.value())));
        f.checkoutSessionId().ifPresent(id -> item.put("checkoutSessionId", s(id)));
        f.chargeId().ifPresent(id -> item.put("chargeId", s(id)));
        item.put("amountRefunded", n(f.amountRefunded()));
        item.put("dispute", s(f.dispute().name()));
        f.disputeId().ifPresent(id -> item.put("disputeId", s(id)));
        item.put("version", n(f.version() + 1));
        return item;
    }

    static PaymentFacts payment(Map<String, AttributeValue> item) {
        return new PaymentFacts(str(item, "paymentIntentId"), optStr(item, "org").map(OrgId::of),
                optStr(item, "checkoutSessionId"), optStr(item, "chargeId"), num(item, "amountRefunded"),
                DisputeState.valueOf(str(item, "dispute")), optStr(item, "disputeId"), num(item, "version"));
    }

    static UsagePeriod usage(Map<String, AttributeValue> item) {
        String sk = str(item, SK);
        String period = sk.substring(sk.lastIndexOf('#') + 1);
        return new UsagePeriod(period, creditsOf(item, "purchased"), creditsOf(item, "used"));
    }
}
