package app.credits.ledger.dynamo;

import app.credits.ledger.Credits;
import app.credits.ledger.EntryType;
import app.credits.ledger.Granularity;
import app.credits.ledger.NewEntry;
import app.credits.ledger.OrgId;
import app.credits.ledger.Times;
import app.credits.ledger.UsagePeriod;
import app.credits.ledger.dynamo.ItemSchema.Attr;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Usage counters per day and month ({@code ORG#org / USAGE#D#yyyy-mm-dd}, {@code USAGE#M#yyyy-mm}), added to in
 * the transaction that writes the entries they count, so usage is read without scanning the log.
 */
final class UsageItem {
    private UsageItem() {
    }

    private static final Attr<UsagePeriod, String> PK = Attr.partitionKey(u -> {
        throw new UnsupportedOperationException("usage counters are only ever added to, never put");
    });
    private static final Attr<UsagePeriod, String> SK = Attr.sortKey(u -> {
        throw new UnsupportedOperationException("usage counters are only ever added to, never put");
    });
    private static final Attr<UsagePeriod, Credits> PURCHASED = Attr.of("purchased", Codecs.CREDITS, UsagePeriod::purchased);
    private static final Attr<UsagePeriod, Credits> USED = Attr.of("used", Codecs.CREDITS, UsagePeriod::used);

    static final ItemSchema<UsagePeriod> SCHEMA = ItemSchema.of(UsagePeriod.class, f -> {
        String sk = f.get(SK);
        return new UsagePeriod(sk.substring(sk.lastIndexOf('#') + 1), f.getOr(PURCHASED, Credits.ZERO),
                f.getOr(USED, Credits.ZERO));
    }, PK, SK, PURCHASED, USED);

    static UsagePeriod decode(Map<String, AttributeValue> item) {
        return SCHEMA.decode(item);
    }

    /** What some entries add to the counters of each day and month they fall in. */
    record Totals(String sk, Credits purchased, Credits used) {
        Totals plus(NewEntry e) {
            return new Totals(sk, e.type() == EntryType.PURCHASE ? purchased.plus(e.credits()) : purchased,
                    e.credits().isNegative() ? used.plus(e.credits().negate()) : used);
        }
    }

    static List<Totals> totals(List<NewEntry> entries) {
        Map<String, Totals> bySk = new LinkedHashMap<>();
        for (NewEntry e : entries) {
            for (String sk : List.of(Keys.usageSk(Granularity.DAY, Times.day(e.createdAt())),
                    Keys.usageSk(Granularity.MONTH, Times.month(e.createdAt())))) {
                bySk.put(sk, bySk.getOrDefault(sk, new Totals(sk, Credits.ZERO, Credits.ZERO)).plus(e));
            }
        }
        return List.copyOf(bySk.values());
    }

    /**
     * One ADD per touched day and month (a transaction may not name the same item twice). ADD, which the
     * enhanced client cannot express in a transaction, is why the counters are written with the low-level call.
     */
    static List<TransactWriteItem> additions(String table, OrgId org, List<NewEntry> entries) {
        List<TransactWriteItem> writes = new ArrayList<>();
        for (Totals t : totals(entries)) {
            writes.add(TransactWriteItem.builder().update(Update.builder().tableName(table)
                    .key(Keys.key(Keys.orgPk(org), t.sk()))
                    .updateExpression("ADD purchased :p, used :u")
                    .expressionAttributeValues(Map.of(":p", Codecs.CREDITS.transformFrom(t.purchased()),
                            ":u", Codecs.CREDITS.transformFrom(t.used())))
                    .build()).build());
        }
        return writes;
    }

    /** The counters of an org that had nothing before these totals (a bulk load). */
    static Map<String, AttributeValue> item(OrgId org, Totals totals) {
        return Map.of(CreditsTable.PK, Codecs.s(Keys.orgPk(org)), CreditsTable.SK, Codecs.s(totals.sk()),
                "purchased", Codecs.CREDITS.transformFrom(totals.purchased()),
                "used", Codecs.CREDITS.transformFrom(totals.used()));
    }
}
