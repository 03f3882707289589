package app.credits.ledger.dynamo;

import app.credits.ledger.Credits;
import app.credits.ledger.DisputeState;
import app.credits.ledger.Money;
import app.credits.ledger.OrgId;
import app.credits.ledger.PaymentFacts;
import app.credits.ledger.Purchase;
import app.credits.ledger.dynamo.ItemSchema.Attr;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.util.Map;

/**
 * What Stripe sold and told: a purchase ({@code ORG#org / PURCHASE#session}), the claim that makes a Checkout
 * Session credit one org across the whole table ({@code SESSION#session / SESSION}), and a payment's facts
 * ({@code PAYMENT#paymentIntent / PAYMENT}), which live outside any org until its purchase names one.
 */
final class PurchaseItem {
    private PurchaseItem() {
    }

    static final Attr<Purchase, String> PK = Attr.partitionKey(p -> Keys.orgPk(p.org()));
    static final Attr<Purchase, String> SK = Attr.sortKey(p -> Keys.purchaseSk(p.checkoutSessionId()));
    static final Attr<Purchase, OrgId> ORG = Attr.of("org", Codecs.ORG, Purchase::org);
    static final Attr<Purchase, String> SESSION = Attr.of("checkoutSessionId", Codecs.STRING, Purchase::checkoutSessionId);
    static final Attr<Purchase, Long> CREDITS = Attr.of("credits", Codecs.LONG, Purchase::credits);
    static final Attr<Purchase, Long> AMOUNT = Attr.of("amount", Codecs.LONG, p -> p.amountPaid().amount());
    static final Attr<Purchase, String> CURRENCY = Attr.of("currency", Codecs.STRING, p -> p.amountPaid().currency());
    static final Attr<Purchase, String> PAYMENT_INTENT =
            Attr.optional("paymentIntentId", Codecs.STRING, Purchase::paymentIntentId);
    static final Attr<Purchase, String> BUYER = Attr.optional("buyerEmail", Codecs.STRING, Purchase::buyerEmail);
    static final Attr<Purchase, Instant> CREATED_AT = Attr.of("createdAt", Codecs.TIME, Purchase::createdAt);
    static final Attr<Purchase, Long> AMOUNT_REFUNDED = Attr.of("amountRefunded", Codecs.LONG, Purchase::amountRefunded);
    static final Attr<Purchase, Credits> CREDITS_REFUNDED =
            Attr.of("creditsRefunded", Codecs.CREDITS, Purchase::creditsRefunded);
    static final Attr<Purchase, DisputeState> DISPUTE = Attr.of("dispute", Codecs.DISPUTE, Purchase::dispute);
    static final Attr<Purchase, Credits> HELD = Attr.of("creditsHeldByDispute", Codecs.CREDITS, Purchase::creditsHeldByDispute);
    static final Attr<Purchase, Long> VERSION = Attr.of("version", Codecs.LONG, Purchase::version);

    static final ItemSchema<Purchase> SCHEMA = ItemSchema.of(Purchase.class, f -> new Purchase(
                    f.get(ORG), f.get(SESSION), f.get(CREDITS), Money.of(f.get(AMOUNT), f.get(CURRENCY)),
                    f.find(PAYMENT_INTENT), f.find(BUYER), f.get(CREATED_AT), f.get(AMOUNT_REFUNDED),
                    f.get(CREDITS_REFUNDED), f.get(DISPUTE), f.get(HELD), f.get(VERSION)),
            PK, SK, ORG, SESSION, CREDITS, AMOUNT, CURRENCY, PAYMENT_INTENT, BUYER, CREATED_AT, AMOUNT_REFUNDED,
            CREDITS_REFUNDED, DISPUTE, HELD, VERSION);

    // ---- the session claim ----

    /** A Checkout Session credited to {@code org}. */
    record SessionClaim(String checkoutSessionId, OrgId org, Instant createdAt) {
    }

    private static final Attr<SessionClaim, String> CLAIM_PK = Attr.partitionKey(c -> Keys.sessionPk(c.checkoutSessionId()));
    private static final Attr<SessionClaim, String> CLAIM_SK = Attr.sortKey(c -> Keys.SESSION);
    private static final Attr<SessionClaim, OrgId> CLAIM_ORG = Attr.of("org", Codecs.ORG, SessionClaim::org);
    private static final Attr<SessionClaim, Instant> CLAIM_AT = Attr.of("createdAt", Codecs.TIME, SessionClaim::createdAt);

    static final ItemSchema<SessionClaim> CLAIM = ItemSchema.of(SessionClaim.class, f -> new SessionClaim(
                    Keys.sessionOf(f.get(CLAIM_PK)), f.get(CLAIM_ORG), f.get(CLAIM_AT)),
            CLAIM_PK, CLAIM_SK, CLAIM_ORG, CLAIM_AT);

    // ---- a payment's facts ----

    private static final Attr<PaymentFacts, String> PAY_PK = Attr.partitionKey(p -> Keys.paymentPk(p.paymentIntentId()));
    private static final Attr<PaymentFacts, String> PAY_SK = Attr.sortKey(p -> Keys.PAYMENT);
    private static final Attr<PaymentFacts, String> PAY_INTENT =
            Attr.of("paymentIntentId", Codecs.STRING, PaymentFacts::paymentIntentId);
    private static final Attr<PaymentFacts, OrgId> PAY_ORG = Attr.optional("org", Codecs.ORG, PaymentFacts::org);
    private static final Attr<PaymentFacts, String> PAY_SESSION =
            Attr.optional("checkoutSessionId", Codecs.STRING, PaymentFacts::checkoutSessionId);
    private static final Attr<PaymentFacts, String> PAY_CHARGE = Attr.optional("chargeId", Codecs.STRING, PaymentFacts::chargeId);
    private static final Attr<PaymentFacts, Long> PAY_REFUNDED =
            Attr.of("amountRefunded", Codecs.LONG, PaymentFacts::amountRefunded);
    /** Absent while no refund is known by id (and on items written before refunds were). */
    private static final Attr<PaymentFacts, Map<String, PaymentFacts.KnownRefund>> PAY_REFUNDS =
            Attr.of("refunds", Codecs.REFUNDS, p -> p.refunds().isEmpty() ? null : p.refunds());
    private static final Attr<PaymentFacts, DisputeState> PAY_DISPUTE = Attr.of("dispute", Codecs.DISPUTE, PaymentFacts::dispute);
    private static final Attr<PaymentFacts, String> PAY_DISPUTE_ID =
            Attr.optional("disputeId", Codecs.STRING, PaymentFacts::disputeId);
    private static final Attr<PaymentFacts, Long> PAY_VERSION = Attr.of("version", Codecs.LONG, PaymentFacts::version);

    static final ItemSchema<PaymentFacts> PAYMENT = ItemSchema.of(PaymentFacts.class, f -> new PaymentFacts(
                    f.get(PAY_INTENT), f.find(PAY_ORG), f.find(PAY_SESSION), f.find(PAY_CHARGE), f.get(PAY_REFUNDED),
                    f.getOr(PAY_REFUNDS, Map.of()), f.get(PAY_DISPUTE), f.find(PAY_DISPUTE_ID), f.get(PAY_VERSION)),
            PAY_PK, PAY_SK, PAY_INTENT, PAY_ORG, PAY_SESSION, PAY_CHARGE, PAY_REFUNDED, PAY_REFUNDS, PAY_DISPUTE,
            PAY_DISPUTE_ID, PAY_VERSION);

    static Purchase decode(Map<String, AttributeValue> item) {
        return SCHEMA.decode(item);
    }
}
