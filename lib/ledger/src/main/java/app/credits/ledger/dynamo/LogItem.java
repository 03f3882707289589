package app.credits.ledger.dynamo;

import app.credits.ledger.Credits;
import app.credits.ledger.EntryType;
import app.credits.ledger.NewEntry;
import app.credits.ledger.OrgId;
import app.credits.ledger.dynamo.ItemSchema.Attr;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.util.Map;

/**
 * A log entry ({@code ORG#org / LOG#key}): immutable, written once. It holds what happened, not where it sits:
 * its sequence number and the balance after it are derived when the log is read (see {@link LogReader}).
 */
final class LogItem {
    private LogItem() {
    }

    /** Which org's log: the schema encodes entries of one org at a time. */
    record OfOrg(OrgId org, NewEntry entry) {
    }

    static final Attr<OfOrg, String> PK = Attr.partitionKey(e -> Keys.orgPk(e.org()));
    static final Attr<OfOrg, String> SK = Attr.sortKey(e -> Keys.logSk(e.entry().key()));
    static final Attr<OfOrg, EntryType> TYPE = Attr.of("type", Codecs.ENTRY_TYPE, e -> e.entry().type());
    static final Attr<OfOrg, Credits> CREDITS = Attr.of("credits", Codecs.CREDITS, e -> e.entry().credits());
    /** For a reader of the table; the entry's time is its key's. */
    static final Attr<OfOrg, Instant> CREATED_AT = Attr.of("createdAt", Codecs.TIME, e -> e.entry().createdAt());
    static final Attr<OfOrg, String> DESCRIPTION = Attr.of("description", Codecs.STRING, e -> e.entry().description());
    static final Attr<OfOrg, String> REFERENCE = Attr.of("reference", Codecs.STRING, e -> e.entry().reference());

    static final ItemSchema<OfOrg> SCHEMA = ItemSchema.of(OfOrg.class, f -> new OfOrg(
                    Keys.orgOf(f.get(PK)),
                    new NewEntry(Keys.entryKeyOf(f.get(SK)), f.get(TYPE), f.get(CREDITS), f.get(DESCRIPTION),
                            f.get(REFERENCE))),
            PK, SK, TYPE, CREDITS, CREATED_AT, DESCRIPTION, REFERENCE);

    static Map<String, AttributeValue> encode(OrgId org, NewEntry entry) {
        return SCHEMA.encode(new OfOrg(org, entry));
    }

    static NewEntry decode(Map<String, AttributeValue> item) {
        return SCHEMA.decode(item).entry();
    }
}
