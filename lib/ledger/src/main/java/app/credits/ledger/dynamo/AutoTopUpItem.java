package app.credits.ledger.dynamo;

import app.credits.ledger.AutoTopUp;
import app.credits.ledger.Changes.CustomerClaim;
import app.credits.ledger.Money;
import app.credits.ledger.OrgId;
import app.credits.ledger.SavedCard;
import app.credits.ledger.TopUpAttempt;
import app.credits.ledger.TopUpStatus;
import app.credits.ledger.dynamo.ItemSchema.Attr;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.time.Instant;
import java.time.YearMonth;
import java.util.Map;
import java.util.Optional;

/**
 * Auto top-up's items: the org's state ({@code ORG#org / AUTOTOPUP}, in the sparse {@code topUpDue} index while
 * it has a due time), its attempts ({@code ORG#org / TOPUP#id}), and the claim that a Stripe Customer is an org's
 * ({@code CUSTOMER#customer / CUSTOMER}).
 */
final class AutoTopUpItem {
    private AutoTopUpItem() {
    }

    // ---- the state ----

    private static final Attr<AutoTopUp, String> PK = Attr.partitionKey(a -> Keys.orgPk(a.org()));
    private static final Attr<AutoTopUp, String> SK = Attr.sortKey(a -> Keys.AUTO_TOP_UP);
    private static final Attr<AutoTopUp, OrgId> ORG = Attr.of("org", Codecs.ORG, AutoTopUp::org);
    private static final Attr<AutoTopUp, String> CUSTOMER = Attr.optional("customerId", Codecs.STRING, AutoTopUp::customerId);
    private static final Attr<AutoTopUp, String> CARD = Attr.optional("paymentMethodId", Codecs.STRING,
            a -> a.card().map(SavedCard::paymentMethodId));
    private static final Attr<AutoTopUp, String> CARD_BRAND = Attr.optional("cardBrand", Codecs.STRING,
            a -> a.card().map(SavedCard::brand));
    private static final Attr<AutoTopUp, String> CARD_LAST4 = Attr.optional("cardLast4", Codecs.STRING,
            a -> a.card().map(SavedCard::last4));
    private static final Attr<AutoTopUp, Integer> CARD_EXP_MONTH = Attr.optional("cardExpMonth", Codecs.INT,
            a -> a.card().map(SavedCard::expMonth));
    private static final Attr<AutoTopUp, Integer> CARD_EXP_YEAR = Attr.optional("cardExpYear", Codecs.INT,
            a -> a.card().map(SavedCard::expYear));
    private static final Attr<AutoTopUp, Instant> CARD_ATTACHED_AT = Attr.optional("cardAttachedAt", Codecs.TIME,
            a -> a.card().map(SavedCard::attachedAt));
    static final Attr<AutoTopUp, Boolean> ARMED = Attr.of("armed", Codecs.BOOL, AutoTopUp::armed);
    static final Attr<AutoTopUp, Instant> DUE = Attr.optional("dueAt", Codecs.TIME, AutoTopUp::due);
    private static final Attr<AutoTopUp, String> PENDING = Attr.optional("pendingAttempt", Codecs.STRING, AutoTopUp::pendingAttempt);
    private static final Attr<AutoTopUp, Integer> DECLINES = Attr.of("declinesInARow", Codecs.INT, AutoTopUp::declinesInARow);
    private static final Attr<AutoTopUp, Instant> RETRY_AFTER = Attr.optional("retryAfter", Codecs.TIME, AutoTopUp::retryAfter);
    private static final Attr<AutoTopUp, String> PAUSED = Attr.optional("pausedReason", Codecs.STRING, AutoTopUp::pausedReason);
    private static final Attr<AutoTopUp, YearMonth> COUNTED_MONTH = Attr.optional("countedMonth", Codecs.MONTH, AutoTopUp::countedMonth);
    private static final Attr<AutoTopUp, Integer> COUNT = Attr.of("countThatMonth", Codecs.INT, AutoTopUp::countThatMonth);
    private static final Attr<AutoTopUp, String> NOTICE = Attr.optional("noticeOwed", Codecs.STRING, AutoTopUp::noticeOwed);
    private static final Attr<AutoTopUp, String> LAST_ATTEMPT = Attr.optional("lastAttemptId", Codecs.STRING, AutoTopUp::lastAttemptId);
    static final Attr<AutoTopUp, Long> VERSION = Attr.of("version", Codecs.LONG, AutoTopUp::version);
    // Membership of the sparse due index follows the due time.
    static final Attr<AutoTopUp, String> DUE_PK = Attr.optional(CreditsTable.TOP_UP_PK, Codecs.STRING,
            a -> a.due().map(at -> Keys.TOP_UP_DUE));
    static final Attr<AutoTopUp, String> DUE_SK = Attr.optional(CreditsTable.TOP_UP_SK, Codecs.STRING,
            a -> a.due().map(at -> Keys.topUpDueSk(at, a.org())));

    /** Attributes an item armed before anything else was stored may lack take their "nothing yet" values. */
    static final ItemSchema<AutoTopUp> SCHEMA = ItemSchema.of(AutoTopUp.class, f -> new AutoTopUp(
                    f.get(ORG), f.find(CUSTOMER),
                    f.find(CARD).map(pm -> new SavedCard(pm, f.get(CARD_BRAND), f.get(CARD_LAST4), f.get(CARD_EXP_MONTH),
                            f.get(CARD_EXP_YEAR), f.get(CARD_ATTACHED_AT))),
                    f.getOr(ARMED, false), f.find(DUE), f.find(PENDING), f.getOr(DECLINES, 0), f.find(RETRY_AFTER),
                    f.find(PAUSED), f.find(COUNTED_MONTH), f.getOr(COUNT, 0), f.find(NOTICE), f.find(LAST_ATTEMPT),
                    f.get(VERSION)),
            PK, SK, ORG, CUSTOMER, CARD, CARD_BRAND, CARD_LAST4, CARD_EXP_MONTH, CARD_EXP_YEAR, CARD_ATTACHED_AT, ARMED,
            DUE, PENDING, DECLINES, RETRY_AFTER, PAUSED, COUNTED_MONTH, COUNT, NOTICE, LAST_ATTEMPT, VERSION, DUE_PK,
            DUE_SK);

    static Map<String, AttributeValue> encode(AutoTopUp state) {
        return SCHEMA.encode(state);
    }

    static AutoTopUp decode(Map<String, AttributeValue> item) {
        return SCHEMA.decode(item);
    }

    /**
     * Arms the org's top-up within the write whose change crossed into one ({@link AutoTopUp#armedAtOnce}), without
     * reading the state: armed, due at once, the version advanced (so a pass that decided on the old version decides
     * again). It has no condition, so it never fails the account's write.
     */
    static TransactWriteItem armAtOnce(String table, OrgId org) {
        Instant due = AutoTopUp.AT_ONCE;
        return TransactWriteItem.builder().update(Update.builder().tableName(table)
                .key(Keys.key(Keys.orgPk(org), Keys.AUTO_TOP_UP))
                .updateExpression("SET #org = :org, #armed = :true, #due = :due, #duePk = :duePk, #dueSk = :dueSk"
                        + " ADD #version :one")
                .expressionAttributeNames(Map.of("#org", ORG.name(), "#armed", ARMED.name(), "#due", DUE.name(),
                        "#duePk", DUE_PK.name(), "#dueSk", DUE_SK.name(), "#version", VERSION.name()))
                .expressionAttributeValues(Map.of(":org", Codecs.ORG.transformFrom(org),
                        ":true", AttributeValue.fromBool(true), ":due", Codecs.TIME.transformFrom(due),
                        ":duePk", Codecs.s(Keys.TOP_UP_DUE), ":dueSk", Codecs.s(Keys.topUpDueSk(due, org)),
                        ":one", Codecs.n(1)))
                .build()).build();
    }

    // ---- attempts ----

    private static final Attr<TopUpAttempt, String> A_PK = Attr.partitionKey(a -> Keys.orgPk(a.org()));
    private static final Attr<TopUpAttempt, String> A_SK = Attr.sortKey(a -> Keys.topUpSk(a.id()));
    private static final Attr<TopUpAttempt, OrgId> A_ORG = Attr.of("org", Codecs.ORG, TopUpAttempt::org);
    private static final Attr<TopUpAttempt, String> A_ID = Attr.of("attemptId", Codecs.STRING, TopUpAttempt::id);
    private static final Attr<TopUpAttempt, TopUpStatus> A_STATUS = Attr.of("status", Codecs.TOP_UP_STATUS, TopUpAttempt::status);
    private static final Attr<TopUpAttempt, Long> A_CREDITS = Attr.of("credits", Codecs.LONG, TopUpAttempt::credits);
    private static final Attr<TopUpAttempt, Long> A_UNIT = Attr.of("unitAmount", Codecs.LONG, a -> a.unitPrice().amount());
    private static final Attr<TopUpAttempt, Long> A_AMOUNT = Attr.of("amount", Codecs.LONG, a -> a.amount().amount());
    private static final Attr<TopUpAttempt, String> A_CURRENCY = Attr.of("currency", Codecs.STRING, a -> a.amount().currency());
    private static final Attr<TopUpAttempt, Instant> A_CREATED = Attr.of("createdAt", Codecs.TIME, TopUpAttempt::createdAt);
    private static final Attr<TopUpAttempt, String> A_INTENT = Attr.optional("paymentIntentId", Codecs.STRING,
            TopUpAttempt::paymentIntentId);
    private static final Attr<TopUpAttempt, String> A_FAILURE = Attr.optional("failureCode", Codecs.STRING,
            TopUpAttempt::failureCode);
    private static final Attr<TopUpAttempt, Long> A_VERSION = Attr.of("version", Codecs.LONG, TopUpAttempt::version);

    static final ItemSchema<TopUpAttempt> ATTEMPT = ItemSchema.of(TopUpAttempt.class, f -> new TopUpAttempt(
                    f.get(A_ORG), f.get(A_ID), f.get(A_STATUS), f.get(A_CREDITS),
                    Money.of(f.get(A_UNIT), f.get(A_CURRENCY)), Money.of(f.get(A_AMOUNT), f.get(A_CURRENCY)),
                    f.get(A_CREATED), f.find(A_INTENT), f.find(A_FAILURE), f.get(A_VERSION)),
            A_PK, A_SK, A_ORG, A_ID, A_STATUS, A_CREDITS, A_UNIT, A_AMOUNT, A_CURRENCY, A_CREATED, A_INTENT, A_FAILURE,
            A_VERSION);

    // ---- the customer claim ----

    private static final Attr<CustomerClaim, String> C_PK = Attr.partitionKey(c -> Keys.customerPk(c.customerId()));
    private static final Attr<CustomerClaim, String> C_SK = Attr.sortKey(c -> Keys.CUSTOMER);
    private static final Attr<CustomerClaim, OrgId> C_ORG = Attr.of("org", Codecs.ORG, CustomerClaim::org);

    static final ItemSchema<CustomerClaim> CUSTOMER_CLAIM = ItemSchema.of(CustomerClaim.class, f -> new CustomerClaim(
            Keys.customerOf(f.get(C_PK)), f.get(C_ORG)), C_PK, C_SK, C_ORG);

    static Optional<OrgId> ownerOf(Map<String, AttributeValue> claim) {
        return Optional.ofNullable(claim).filter(item -> !item.isEmpty()).map(item -> CUSTOMER_CLAIM.decode(item).org());
    }
}
