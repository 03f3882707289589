package app.credits.ledger.dynamo;

import app.credits.ledger.AdjustmentOutcome;
import app.credits.ledger.Credits;
import app.credits.ledger.EntryType;
import app.credits.ledger.IdempotencyRecord;
import app.credits.ledger.IdempotencyRecord.AdjustmentRequest;
import app.credits.ledger.IdempotencyRecord.SubmissionRequest;
import app.credits.ledger.OrgId;
import app.credits.ledger.SubmissionOutcome;
import app.credits.ledger.dynamo.ItemSchema.Attr;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.util.Map;

/**
 * Idempotency records ({@code ORG#org / SUB#submissionId}, {@code ADJ#key}): each operation's request and result
 * as typed attributes with their own schema, so a replay decodes exactly what was answered, at any size.
 */
final class RecordItem {
    private RecordItem() {
    }

    record Submission(OrgId org, IdempotencyRecord.SubmissionCharged record) {
    }

    record Adjustment(OrgId org, IdempotencyRecord.Adjusted record) {
    }

    // ---- a charged submission ----

    private static final Attr<Submission, String> SUB_PK = Attr.partitionKey(r -> Keys.orgPk(r.org()));
    private static final Attr<Submission, String> SUB_SK = Attr.sortKey(r -> r.record().key());
    private static final Attr<Submission, String> MEMBER = Attr.of("memberId", Codecs.STRING,
            r -> r.record().request().memberId());
    private static final Attr<Submission, String> INVITE = Attr.optional("inviteId", Codecs.STRING,
            r -> r.record().request().inviteId());
    private static final Attr<Submission, Credits> CHARGED = Attr.of("creditsCharged", Codecs.CREDITS,
            r -> r.record().result().creditsCharged());
    private static final Attr<Submission, Credits> SUB_LEFT = Attr.of("creditsLeft", Codecs.CREDITS,
            r -> r.record().result().creditsLeft());
    private static final Attr<Submission, Boolean> FROM_RESERVATION = Attr.of("fromReservation", Codecs.BOOL,
            r -> r.record().result().fromReservation());
    private static final Attr<Submission, Instant> SUB_AT = Attr.of("createdAt", Codecs.TIME, r -> r.record().createdAt());

    static final ItemSchema<Submission> SUBMISSION = ItemSchema.of(Submission.class, f -> {
        String submissionId = f.get(SUB_SK).substring(Keys.SUBMISSION_RECORD.length());
        return new Submission(Keys.orgOf(f.get(SUB_PK)), new IdempotencyRecord.SubmissionCharged(
                submissionId, new SubmissionRequest(f.get(MEMBER), f.find(INVITE)),
                new SubmissionOutcome.Charged(submissionId, f.get(CHARGED), f.get(SUB_LEFT), f.get(FROM_RESERVATION)),
                f.get(SUB_AT)));
    }, SUB_PK, SUB_SK, MEMBER, INVITE, CHARGED, SUB_LEFT, FROM_RESERVATION, SUB_AT);

    // ---- an adjustment ----

    private static final Attr<Adjustment, String> ADJ_PK = Attr.partitionKey(r -> Keys.orgPk(r.org()));
    private static final Attr<Adjustment, String> ADJ_SK = Attr.sortKey(r -> r.record().key());
    private static final Attr<Adjustment, EntryType> KIND = Attr.of("kind", Codecs.ENTRY_TYPE,
            r -> r.record().request().kind());
    private static final Attr<Adjustment, Credits> CREDITS = Attr.of("credits", Codecs.CREDITS,
            r -> r.record().request().credits());
    private static final Attr<Adjustment, String> REASON = Attr.of("reason", Codecs.STRING,
            r -> r.record().request().reason());
    private static final Attr<Adjustment, Credits> BALANCE = Attr.of("balance", Codecs.CREDITS,
            r -> r.record().result().balance());
    private static final Attr<Adjustment, Credits> ADJ_LEFT = Attr.of("creditsLeft", Codecs.CREDITS,
            r -> r.record().result().creditsLeft());
    private static final Attr<Adjustment, Instant> ADJ_AT = Attr.of("createdAt", Codecs.TIME, r -> r.record().createdAt());

    static final ItemSchema<Adjustment> ADJUSTMENT = ItemSchema.of(Adjustment.class, f -> {
        String key = f.get(ADJ_SK).substring(Keys.ADJUSTMENT_RECORD.length());
        Credits credits = f.get(CREDITS);
        return new Adjustment(Keys.orgOf(f.get(ADJ_PK)), new IdempotencyRecord.Adjusted(key,
                new AdjustmentRequest(f.get(KIND), credits, f.get(REASON)),
                new AdjustmentOutcome.Adjusted(key, credits, f.get(BALANCE), f.get(ADJ_LEFT)), f.get(ADJ_AT)));
    }, ADJ_PK, ADJ_SK, KIND, CREDITS, REASON, BALANCE, ADJ_LEFT, ADJ_AT);

    static Map<String, AttributeValue> encode(OrgId org, IdempotencyRecord record) {
        return switch (record) {
            case IdempotencyRecord.SubmissionCharged s -> SUBMISSION.encode(new Submission(org, s));
            case IdempotencyRecord.Adjusted a -> ADJUSTMENT.encode(new Adjustment(org, a));
        };
    }

    static IdempotencyRecord decode(Map<String, AttributeValue> item) {
        String sk = item.get(CreditsTable.SK).s();
        if (sk.startsWith(Keys.SUBMISSION_RECORD)) {
            return SUBMISSION.decode(item).record();
        }
        if (sk.startsWith(Keys.ADJUSTMENT_RECORD)) {
            return ADJUSTMENT.decode(item).record();
        }
        throw new IllegalStateException("no idempotency record is kept under " + sk);
    }

    static boolean isRecord(String sk) {
        return sk.startsWith(Keys.SUBMISSION_RECORD) || sk.startsWith(Keys.ADJUSTMENT_RECORD);
    }
}
