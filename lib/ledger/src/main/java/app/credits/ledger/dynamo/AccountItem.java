package app.credits.ledger.dynamo;

import app.credits.ledger.Account;
import app.credits.ledger.AccountChange;
import app.credits.ledger.AlertLevel;
import app.credits.ledger.AutoTopUpSettings;
import app.credits.ledger.Credits;
import app.credits.ledger.EntryKey;
import app.credits.ledger.Money;
import app.credits.ledger.NewEntry;
import app.credits.ledger.Plan;
import app.credits.ledger.Settings;
import app.credits.ledger.dynamo.ItemSchema.Attr;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The account item ({@code ORG#org / ACCOUNT}): the org's counters, its terms, and its membership of the sparse
 * low-credit index. A change is written as additions to the counters plus the terms when they changed, on the
 * condition that the decision's premises still hold (see {@link AccountChange}); the first write puts the item.
 */
final class AccountItem {
    private AccountItem() {
    }

    static final Attr<Account, String> PK = Attr.partitionKey(a -> Keys.orgPk(a.org()));
    static final Attr<Account, String> SK = Attr.sortKey(a -> Keys.ACCOUNT);
    static final Attr<Account, app.credits.ledger.OrgId> ORG = Attr.of("org", Codecs.ORG, Account::org);
    static final Attr<Account, Long> TERMS_VERSION = Attr.of("termsVersion", Codecs.LONG, Account::termsVersion);
    static final Attr<Account, Long> ENTRY_COUNT = Attr.of("entryCount", Codecs.LONG, Account::entryCount);
    static final Attr<Account, EntryKey> LAST_ENTRY_KEY = Attr.of("lastEntryKey", Codecs.ENTRY_KEY, Account::lastEntryKey);
    static final Attr<Account, Credits> BALANCE = Attr.of("balance", Codecs.CREDITS, Account::balance);
    static final Attr<Account, Credits> RESERVED = Attr.of("reserved", Codecs.CREDITS, Account::reserved);
    /** Stored beside balance and reserved so that a condition can name it (DynamoDB conditions do no arithmetic). */
    static final Attr<Account, Credits> CREDITS_LEFT = Attr.of("creditsLeft", Codecs.CREDITS, Account::creditsLeft);
    static final Attr<Account, Integer> INVITES_PENDING = Attr.of("invitesPending", Codecs.INT, Account::invitesPending);
    static final Attr<Account, Credits> USED = Attr.of("used", Codecs.CREDITS, Account::used);
    static final Attr<Account, Credits> LIFETIME = Attr.of("lifetimePurchased", Codecs.CREDITS, Account::lifetimePurchased);

    // The terms: written whole when they change.
    static final Attr<Account, app.credits.ledger.CreditPackage> PACKAGE =
            Attr.of("package", Codecs.PACKAGE, a -> a.plan().creditPackage());
    static final Attr<Account, Long> FIXED_UNIT_AMOUNT = Attr.optional("fixedUnitAmount", Codecs.LONG,
            a -> a.plan().fixedUnitPrice().map(Money::amount));
    static final Attr<Account, String> FIXED_UNIT_CURRENCY = Attr.optional("fixedUnitCurrency", Codecs.STRING,
            a -> a.plan().fixedUnitPrice().map(Money::currency));
    static final Attr<Account, Boolean> LOW_CREDIT_EMAILS =
            Attr.of("lowCreditEmails", Codecs.BOOL, a -> a.settings().lowCreditEmails());
    static final Attr<Account, Credits> THRESHOLD =
            Attr.of("lowCreditThreshold", Codecs.CREDITS, a -> a.settings().lowCreditThreshold());
    static final Attr<Account, List<String>> RECIPIENTS =
            Attr.of("notificationEmails", Codecs.STRINGS, a -> a.settings().notificationEmails());
    static final Attr<Account, List<String>> BUYERS = Attr.of("buyerEmails", Codecs.STRINGS, Account::buyerEmails);
    static final Attr<Account, AlertLevel> ALERT_NOTIFIED = Attr.of("alertNotified", Codecs.ALERT_LEVEL, Account::alertNotified);
    static final Attr<Account, java.time.LocalDate> ALERTS_DAY =
            Attr.optional("alertsDay", Codecs.DAY, a -> a.terms().alertsDay());
    static final Attr<Account, Integer> ALERTS_THAT_DAY =
            Attr.of("alertsThatDay", Codecs.INT, a -> a.terms().alertsThatDay());
    static final Attr<Account, List<String>> UNSUBSCRIBED =
            Attr.of("unsubscribed", Codecs.STRINGS, a -> a.terms().unsubscribed());
    static final Attr<Account, Boolean> AUTO_TOP_UP = Attr.of("autoTopUp", Codecs.BOOL, a -> a.autoTopUp().enabled());
    static final Attr<Account, Credits> TOP_UP_THRESHOLD =
            Attr.of("topUpThreshold", Codecs.CREDITS, a -> a.autoTopUp().threshold());
    static final Attr<Account, Long> TOP_UP_CREDITS = Attr.of("topUpCredits", Codecs.LONG, a -> a.autoTopUp().topUpCredits());
    static final Attr<Account, Integer> TOP_UP_MONTHLY_LIMIT =
            Attr.of("topUpMonthlyLimit", Codecs.INT, a -> a.autoTopUp().monthlyLimit());

    // Membership of the sparse index, decided in the same write that moves the numbers.
    static final Attr<Account, String> LOW_CREDIT_PK = Attr.optional(CreditsTable.LOW_CREDIT_PK, Codecs.STRING,
            a -> a.alertOwed().map(level -> Keys.LOW_CREDIT_DUE));
    static final Attr<Account, String> LOW_CREDIT_SK = Attr.optional(CreditsTable.LOW_CREDIT_SK, Codecs.STRING,
            a -> a.alertOwed().map(level -> a.org().value()));
    static final Attr<Account, AlertLevel> ALERT_OWED = Attr.optional("alertOwed", Codecs.ALERT_LEVEL, Account::alertOwed);

    private static final List<Attr<Account, ?>> TERMS = List.of(PACKAGE, FIXED_UNIT_AMOUNT, FIXED_UNIT_CURRENCY,
            LOW_CREDIT_EMAILS, THRESHOLD, RECIPIENTS, BUYERS, ALERT_NOTIFIED, ALERTS_DAY, ALERTS_THAT_DAY, UNSUBSCRIBED,
            AUTO_TOP_UP, TOP_UP_THRESHOLD, TOP_UP_CREDITS, TOP_UP_MONTHLY_LIMIT);
    private static final List<Attr<Account, ?>> INDEX = List.of(LOW_CREDIT_PK, LOW_CREDIT_SK, ALERT_OWED);

    static final ItemSchema<Account> SCHEMA = ItemSchema.of(Account.class, f -> new Account(
                    f.get(ORG), f.get(TERMS_VERSION), f.get(ENTRY_COUNT), f.get(LAST_ENTRY_KEY), f.get(BALANCE),
                    f.get(RESERVED), f.get(INVITES_PENDING), f.get(USED), f.get(LIFETIME),
                    new Account.Terms(
                            new Plan(f.get(PACKAGE), f.find(FIXED_UNIT_AMOUNT)
                                    .map(amount -> Money.of(amount, f.get(FIXED_UNIT_CURRENCY)))),
                            new Settings(f.get(LOW_CREDIT_EMAILS), f.get(THRESHOLD), f.get(RECIPIENTS)),
                            f.get(BUYERS), f.get(ALERT_NOTIFIED), f.find(ALERTS_DAY), f.get(ALERTS_THAT_DAY),
                            f.get(UNSUBSCRIBED), autoTopUp(f))),
            PK, SK, ORG, TERMS_VERSION, ENTRY_COUNT, LAST_ENTRY_KEY, BALANCE, RESERVED, CREDITS_LEFT, INVITES_PENDING,
            USED, LIFETIME, PACKAGE, FIXED_UNIT_AMOUNT, FIXED_UNIT_CURRENCY, LOW_CREDIT_EMAILS, THRESHOLD, RECIPIENTS,
            BUYERS, ALERT_NOTIFIED, ALERTS_DAY, ALERTS_THAT_DAY, UNSUBSCRIBED, AUTO_TOP_UP, TOP_UP_THRESHOLD,
            TOP_UP_CREDITS, TOP_UP_MONTHLY_LIMIT, LOW_CREDIT_PK, LOW_CREDIT_SK, ALERT_OWED);

    /** Accounts stored before auto top-up existed have the defaults. */
    private static AutoTopUpSettings autoTopUp(ItemSchema.Fields f) {
        AutoTopUpSettings defaults = AutoTopUpSettings.DEFAULT;
        return new AutoTopUpSettings(f.getOr(AUTO_TOP_UP, defaults.enabled()), f.getOr(TOP_UP_THRESHOLD, defaults.threshold()),
                f.getOr(TOP_UP_CREDITS, defaults.topUpCredits()), f.getOr(TOP_UP_MONTHLY_LIMIT, defaults.monthlyLimit()));
    }

    static Account decode(Map<String, AttributeValue> item) {
        return SCHEMA.decode(item);
    }

    /**
     * The write of one account change. A never-stored account is put whole (on the condition that it still does
     * not exist); a stored one is updated: counters ADDed (concurrent changes add up), terms SET when they changed
     * (and the terms version advanced), index membership SET or REMOVEd as the change decided; conditioned on the
     * terms version it was decided on, credits left within its premise, and its entries coming after the last.
     * A failed condition returns the current item, so the ledger decides again without reading.
     */
    static TransactWriteItem write(String table, AccountChange change, List<NewEntry> entries) {
        Account after = change.after().atTermsVersion(change.newTermsVersion());
        if (!change.before().isStored()) {
            return TransactWriteItem.builder().put(Put.builder().tableName(table).item(SCHEMA.encode(after))
                    .conditionExpression("attribute_not_exists(PK)")
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD).build()).build();
        }
        if (change.writesNothing()) {
            return check(table, change);
        }
        Expression expression = new Expression();
        List<String> set = new ArrayList<>();
        List<String> add = new ArrayList<>();
        List<String> remove = new ArrayList<>();
        addIfNonZero(expression, add, BALANCE, change.balanceDelta());
        addIfNonZero(expression, add, RESERVED, change.reservedDelta());
        addIfNonZero(expression, add, CREDITS_LEFT, change.creditsLeftDelta());
        addIfNonZero(expression, add, USED, change.usedDelta());
        addIfNonZero(expression, add, LIFETIME, change.lifetimePurchasedDelta());
        if (change.invitesPendingDelta() != 0) {
            add.add(expression.name(INVITES_PENDING.name()) + " " + expression.value(Codecs.n(change.invitesPendingDelta())));
        }
        if (change.entryCountDelta() != 0) {
            add.add(expression.name(ENTRY_COUNT.name()) + " " + expression.value(Codecs.n(change.entryCountDelta())));
        }
        Map<String, AttributeValue> encoded = SCHEMA.encode(after);
        List<Attr<Account, ?>> replaced = new ArrayList<>(INDEX);
        if (change.termsChanged()) {
            replaced.addAll(TERMS);
            replaced.add(TERMS_VERSION);
        }
        if (!entries.isEmpty()) {
            replaced.add(LAST_ENTRY_KEY);
        }
        for (Attr<Account, ?> attr : replaced) {
            AttributeValue value = encoded.get(attr.name());
            if (value == null) {
                remove.add(expression.name(attr.name()));
            } else {
                set.add(expression.name(attr.name()) + " = " + expression.value(value));
            }
        }
        List<String> conditions = premise(expression, change);
        if (!entries.isEmpty()) {
            conditions.add(expression.name(LAST_ENTRY_KEY.name()) + " < "
                    + expression.value(Codecs.ENTRY_KEY.transformFrom(entries.getFirst().key())));
        }
        StringBuilder update = new StringBuilder();
        if (!set.isEmpty()) {
            update.append("SET ").append(String.join(", ", set));
        }
        if (!add.isEmpty()) {
            update.append(" ADD ").append(String.join(", ", add));
        }
        if (!remove.isEmpty()) {
            update.append(" REMOVE ").append(String.join(", ", remove));
        }
        return TransactWriteItem.builder().update(Update.builder().tableName(table)
                .key(Keys.key(Keys.orgPk(change.org()), Keys.ACCOUNT))
                .updateExpression(update.toString().trim())
                .conditionExpression(String.join(" AND ", conditions))
                .expressionAttributeNames(expression.names())
                .expressionAttributeValues(expression.values())
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build()).build();
    }

    /** The terms version the change was decided on, and credits left within its premise. */
    private static List<String> premise(Expression expression, AccountChange change) {
        List<String> conditions = new ArrayList<>();
        conditions.add(expression.name(TERMS_VERSION.name()) + " = " + expression.value(Codecs.n(change.expectedTermsVersion())));
        CreditsRangeCondition.of(change.premise()).ifPresent(range -> conditions.add(range.render(expression,
                expression.name(CREDITS_LEFT.name()))));
        return conditions;
    }

    /** A decision that only relied on the account (an auto top-up claim): its premise checked, the item untouched. */
    private static TransactWriteItem check(String table, AccountChange change) {
        Expression expression = new Expression();
        String condition = String.join(" AND ", premise(expression, change));
        return TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName(table)
                .key(Keys.key(Keys.orgPk(change.org()), Keys.ACCOUNT))
                .conditionExpression(condition)
                .expressionAttributeNames(expression.names())
                .expressionAttributeValues(expression.values())
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build()).build();
    }

    private static void addIfNonZero(Expression expression, List<String> add, Attr<Account, Credits> attr, Credits delta) {
        if (!delta.isZero()) {
            add.add(expression.name(attr.name()) + " " + expression.value(Codecs.CREDITS.transformFrom(delta)));
        }
    }

    /** Placeholders for one expression: every name as #nK (no reserved-word surprises), every value as :vK. */
    static final class Expression {
        private final Map<String, String> placeholders = new LinkedHashMap<>();
        private final Map<String, String> names = new LinkedHashMap<>();
        private final Map<String, AttributeValue> values = new LinkedHashMap<>();

        String name(String attribute) {
            return placeholders.computeIfAbsent(attribute, a -> {
                String placeholder = "#n" + names.size();
                names.put(placeholder, a);
                return placeholder;
            });
        }

        String value(AttributeValue value) {
            String placeholder = ":v" + values.size();
            values.put(placeholder, value);
            return placeholder;
        }

        Map<String, String> names() {
            return names;
        }

        Map<String, AttributeValue> values() {
            return values;
        }
    }

    /** A premise on credits left as a condition: {@code creditsLeft >= from AND creditsLeft < below}. */
    record CreditsRangeCondition(Optional<Credits> from, Optional<Credits> below) {
        static Optional<CreditsRangeCondition> of(app.credits.ledger.CreditsRange range) {
            return range.from().isEmpty() && range.below().isEmpty() ? Optional.empty()
                    : Optional.of(new CreditsRangeCondition(range.from(), range.below()));
        }

        String render(Expression expression, String attribute) {
            List<String> parts = new ArrayList<>();
            from.ifPresent(f -> parts.add(attribute + " >= " + expression.value(Codecs.CREDITS.transformFrom(f))));
            below.ifPresent(b -> parts.add(attribute + " < " + expression.value(Codecs.CREDITS.transformFrom(b))));
            return String.join(" AND ", parts);
        }
    }
}
