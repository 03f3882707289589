package app.credits.ledger.dynamo;

import app.credits.ledger.Account;
import app.credits.ledger.Credits;
import app.credits.ledger.EntryKey;
import app.credits.ledger.InvalidInput;
import app.credits.ledger.LogEntry;
import app.credits.ledger.LogPage;
import app.credits.ledger.NewEntry;
import app.credits.ledger.OrgId;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an org's log newest first and gives each entry its position. Entries are appended in key order (a commit
 * requires its keys above the account's last), so the account's entry count and balance are the newest entry's
 * sequence number and balance after, and each older entry's follow by subtracting: exact, and the same at every
 * read. The query stops at the account's last key, so entries committed after the account was read wait for the
 * next read instead of shifting this one.
 */
final class LogReader {
    private static final Pattern CURSOR = Pattern.compile("log:([0-9]{1,17}):([0-9]{1,19}):(-?[0-9]{1,19})");

    /** The next entry to show: the newest with a key below {@code below}, whose position is {@code seq}, {@code balanceAfter}. */
    record Position(EntryKey below, long seq, Credits balanceAfter) {
        static Position newest(Account account) {
            return new Position(account.lastEntryKey().next(), account.entryCount(), account.balance());
        }

        boolean exhausted() {
            return seq < 1;
        }

        Position after(NewEntry shown) {
            return new Position(shown.key(), seq - 1, balanceAfter.minus(shown.credits()));
        }

        LogEntry place(NewEntry entry) {
            return new LogEntry(seq, entry.key(), entry.type(), entry.credits(), balanceAfter, entry.description(),
                    entry.reference());
        }

        String cursor() {
            String text = "log:" + below.micros() + ":" + seq + ":" + balanceAfter.hundredths();
            return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
        }

        static Position fromCursor(String cursor) {
            try {
                Matcher m = CURSOR.matcher(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
                if (m.matches() && Long.parseLong(m.group(1)) > 0 && Long.parseLong(m.group(2)) > 0) {
                    return new Position(new EntryKey(Long.parseLong(m.group(1))), Long.parseLong(m.group(2)),
                            Credits.ofHundredths(Long.parseLong(m.group(3))));
                }
            } catch (IllegalArgumentException e) {
                // falls through to the same answer as any other forged cursor
            }
            throw new InvalidInput("cursor is not one this API returned");
        }
    }

    private final DynamoDbClient dynamo;
    private final String table;

    LogReader(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    LogPage page(OrgId org, Position first, int limit) {
        Position position = first;
        List<LogEntry> entries = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        while (!position.exhausted() && entries.size() < limit) {
            // One key range for the whole page: a continuation key must lie within the query's range.
            QueryResponse response = dynamo.query(olderThan(org, first.below(), start, limit - entries.size()));
            for (Map<String, AttributeValue> item : response.items()) {
                NewEntry entry = LogItem.decode(item);
                entries.add(position.place(entry));
                position = position.after(entry);
            }
            start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty() ? response.lastEvaluatedKey() : null;
            if (start == null) {
                break;
            }
        }
        return new LogPage(List.copyOf(entries), position.exhausted() || entries.isEmpty()
                ? Optional.empty() : Optional.of(position.cursor()));
    }

    /** The whole log, newest first, one 1 MB query page at a time. */
    void forEach(OrgId org, Position first, Consumer<LogEntry> consumer) {
        Position position = first;
        Map<String, AttributeValue> start = null;
        do {
            if (position.exhausted()) {
                return;
            }
            QueryResponse response = dynamo.query(olderThan(org, first.below(), start, 0));
            for (Map<String, AttributeValue> item : response.items()) {
                NewEntry entry = LogItem.decode(item);
                consumer.accept(position.place(entry));
                position = position.after(entry);
            }
            start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty() ? response.lastEvaluatedKey() : null;
        } while (start != null);
    }

    /** Entries of {@code newestFirst} order (an org's whole log as queried), each placed from the account's numbers. */
    static List<LogEntry> placed(Account account, List<NewEntry> newestFirst) {
        List<LogEntry> placed = new ArrayList<>(newestFirst.size());
        Position position = Position.newest(account);
        for (NewEntry entry : newestFirst) {
            placed.add(position.place(entry));
            position = position.after(entry);
        }
        return placed;
    }

    private QueryRequest olderThan(OrgId org, EntryKey below, Map<String, AttributeValue> start, int limit) {
        QueryRequest.Builder query = QueryRequest.builder().tableName(table)
                .keyConditionExpression("PK = :pk AND SK BETWEEN :first AND :last")
                .expressionAttributeValues(Map.of(":pk", Codecs.s(Keys.orgPk(org)), ":first", Codecs.s(Keys.LOG),
                        ":last", Codecs.s(Keys.logSk(new EntryKey(below.micros() - 1)))))
                .scanIndexForward(false)
                .consistentRead(true)
                .exclusiveStartKey(start);
        if (limit > 0) {
            query.limit(limit);
        }
        return query.build();
    }
}
