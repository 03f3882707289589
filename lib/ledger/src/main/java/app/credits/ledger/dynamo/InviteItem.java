package app.credits.ledger.dynamo;

import app.credits.ledger.Credits;
import app.credits.ledger.Invite;
import app.credits.ledger.InviteStatus;
import app.credits.ledger.OrgId;
import app.credits.ledger.dynamo.ItemSchema.Attr;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.util.Map;

/**
 * An invite and its reservation ({@code ORG#org / INVITE#id}). While pending with an expiry it is also in the
 * sparse expiry index, under a sort key that orders by time (see {@link Keys#expirySk}).
 */
final class InviteItem {
    private InviteItem() {
    }

    static final Attr<Invite, String> PK = Attr.partitionKey(i -> Keys.orgPk(i.org()));
    static final Attr<Invite, String> SK = Attr.sortKey(i -> Keys.inviteSk(i.inviteId()));
    static final Attr<Invite, OrgId> ORG = Attr.of("org", Codecs.ORG, Invite::org);
    static final Attr<Invite, String> INVITE_ID = Attr.of("inviteId", Codecs.STRING, Invite::inviteId);
    static final Attr<Invite, String> EMAIL = Attr.of("email", Codecs.STRING, Invite::email);
    static final Attr<Invite, InviteStatus> STATUS = Attr.of("status", Codecs.INVITE_STATUS, Invite::status);
    static final Attr<Invite, Credits> RESERVED = Attr.of("reserved", Codecs.CREDITS, Invite::reserved);
    static final Attr<Invite, Instant> CREATED_AT = Attr.of("createdAt", Codecs.TIME, Invite::createdAt);
    static final Attr<Invite, Instant> EXPIRES_AT = Attr.optional("expiresAt", Codecs.TIME, Invite::expiresAt);
    static final Attr<Invite, Instant> RESOLVED_AT = Attr.optional("resolvedAt", Codecs.TIME, Invite::resolvedAt);
    static final Attr<Invite, String> SUBMISSION_ID = Attr.optional("submissionId", Codecs.STRING, Invite::submissionId);
    static final Attr<Invite, Credits> LEFT_WHEN_RESERVED =
            Attr.of("creditsLeftWhenReserved", Codecs.CREDITS, Invite::creditsLeftWhenReserved);
    static final Attr<Invite, Long> VERSION = Attr.of("version", Codecs.LONG, Invite::version);
    static final Attr<Invite, String> EXPIRY_PK = Attr.optional(CreditsTable.EXPIRY_PK, Codecs.STRING,
            i -> i.expiresAt().filter(at -> i.isPending()).map(at -> Keys.EXPIRY_PENDING));
    static final Attr<Invite, String> EXPIRY_SK = Attr.optional(CreditsTable.EXPIRY_SK, Codecs.STRING,
            i -> i.expiresAt().filter(at -> i.isPending()).map(at -> Keys.expirySk(at, i.org(), i.inviteId())));

    static final ItemSchema<Invite> SCHEMA = ItemSchema.of(Invite.class, f -> new Invite(
                    f.get(ORG), f.get(INVITE_ID), f.get(EMAIL), f.get(STATUS), f.get(RESERVED), f.get(CREATED_AT),
                    f.find(EXPIRES_AT), f.find(RESOLVED_AT), f.find(SUBMISSION_ID), f.get(LEFT_WHEN_RESERVED),
                    f.get(VERSION)),
            PK, SK, ORG, INVITE_ID, EMAIL, STATUS, RESERVED, CREATED_AT, EXPIRES_AT, RESOLVED_AT, SUBMISSION_ID,
            LEFT_WHEN_RESERVED, VERSION, EXPIRY_PK, EXPIRY_SK);

    static Map<String, AttributeValue> encode(Invite invite) {
        return SCHEMA.encode(invite);
    }

    static Invite decode(Map<String, AttributeValue> item) {
        return SCHEMA.decode(item);
    }
}
