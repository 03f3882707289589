package app.credits.ledger.dynamo;

import app.credits.ledger.EntryKey;
import app.credits.ledger.Granularity;
import app.credits.ledger.OrgId;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.util.Map;

/** The single table's key layout (drawn in {@link CreditsTable}): every PK and SK is built here and only here. */
final class Keys {
    static final String ACCOUNT = "ACCOUNT";
    static final String LOG = "LOG#";
    static final String INVITE = "INVITE#";
    static final String PURCHASE = "PURCHASE#";
    static final String USAGE_DAY = "USAGE#D#";
    static final String USAGE_MONTH = "USAGE#M#";
    static final String SUBMISSION_RECORD = "SUB#";
    static final String ADJUSTMENT_RECORD = "ADJ#";
    static final String AUTO_TOP_UP = "AUTOTOPUP";
    static final String TOP_UP = "TOPUP#";
    static final String CUSTOMER = "CUSTOMER";
    /** The partition of the sparse due index: orgs the auto top-up pass should look at. */
    static final String TOP_UP_DUE = "DUE";
    static final String PAYMENT = "PAYMENT";
    static final String SESSION = "SESSION";
    /** The partition of the sparse low-credit index: accounts owing an email. */
    static final String LOW_CREDIT_DUE = "DUE";
    /** The partition of the sparse expiry index: pending invites with an expiry. */
    static final String EXPIRY_PENDING = "PENDING";

    private Keys() {
    }

    static String orgPk(OrgId org) {
        return "ORG#" + org.value();
    }

    static OrgId orgOf(String orgPk) {
        return OrgId.of(orgPk.substring("ORG#".length()));
    }

    static String paymentPk(String paymentIntentId) {
        return "PAYMENT#" + paymentIntentId;
    }

    static String customerPk(String customerId) {
        return "CUSTOMER#" + customerId;
    }

    static String customerOf(String customerPk) {
        return customerPk.substring("CUSTOMER#".length());
    }

    static String topUpSk(String attemptId) {
        return TOP_UP + attemptId;
    }

    /** The due index's sort key: epoch milliseconds at a fixed width (string order is time order), then the org. */
    static String topUpDueSk(Instant due, OrgId org) {
        return dueTime(due) + "#" + org.value();
    }

    static String sessionPk(String checkoutSessionId) {
        return "SESSION#" + checkoutSessionId;
    }

    static String sessionOf(String sessionPk) {
        return sessionPk.substring("SESSION#".length());
    }

    /** Fixed width, so that string order is key order (microseconds until the year 2286). */
    static String logSk(EntryKey key) {
        return LOG + String.format("%016d", key.micros());
    }

    static EntryKey entryKeyOf(String logSk) {
        return new EntryKey(Long.parseLong(logSk.substring(LOG.length())));
    }

    static String inviteSk(String inviteId) {
        return INVITE + inviteId;
    }

    static String purchaseSk(String checkoutSessionId) {
        return PURCHASE + checkoutSessionId;
    }

    static String usageSk(Granularity granularity, String period) {
        return (granularity == Granularity.DAY ? USAGE_DAY : USAGE_MONTH) + period;
    }

    /**
     * The expiry index's sort key: epoch milliseconds at a fixed width of 13 digits (until the year 2286), then
     * org and invite, so that string order is time order and every due invite sorts before every later one.
     */
    static String expirySk(Instant expiresAt, OrgId org, String inviteId) {
        return dueTime(expiresAt) + "#" + org.value() + "#" + inviteId;
    }

    /** Past every sort key of instant {@code at} in a due index (expiry, top-up): '~' sorts after every id character. */
    static String dueBound(Instant at) {
        return dueTime(at) + "#~";
    }

    /** The time part of every due index's sort key: epoch milliseconds at 13 digits (until the year 2286). */
    private static String dueTime(Instant at) {
        return String.format("%013d", at.toEpochMilli());
    }

    static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of(CreditsTable.PK, Codecs.s(pk), CreditsTable.SK, Codecs.s(sk));
    }
}
