package app.credits.local;

import app.credits.ledger.Account;
import app.credits.ledger.Credits;
import app.credits.ledger.EntryType;
import app.credits.ledger.Ids;
import app.credits.ledger.Ledger;
import app.credits.ledger.OrgId;
import app.credits.ledger.Purchase;
import app.credits.ledger.dynamo.BulkLoad;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /_local/seed-log {"orgId","entries"}}: gives an org that was never written a log of that many entries
 * at once (the ledger's {@link BulkLoad}, 25 items a request), so a long log's CSV export can be tried by hand: a
 * bonus of 1 credit, then a correction of a quarter, alternately, so every balance is easy to check. Only for an org
 * with no account yet: bulk loading checks no conditions, and on a live org it would break the books.
 */
final class LocalSeedLog implements LocalServer.Extras {
    static final int MAX_ENTRIES = 1_000_000;

    private final Ledger ledger;
    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    LocalSeedLog(Ledger ledger, DynamoDbClient dynamo, String table, Clock clock) {
        this.ledger = ledger;
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    @Override
    public Optional<LocalServer.Reply> handle(String method, String path, String rawQuery,
                                              Map<String, List<String>> headers, byte[] body) {
        if (!(method + " " + path).equals("POST /_local/seed-log")) {
            return Optional.empty();
        }
        ObjectNode request;
        try {
            request = LocalExtras.object(body);
        } catch (LocalExtras.BadRequest e) {
            return Optional.of(e.reply());
        }
        String orgId = request.path("orgId").asText("");
        if (!request.path("orgId").isTextual() || !Ids.isValid(orgId)) {
            return Optional.of(LocalExtras.invalid("invalid_id", "orgId must be 1-128 characters of A-Z a-z 0-9 _ . : -"));
        }
        JsonNode entries = request.path("entries");
        if (!entries.isIntegralNumber() || entries.longValue() < 1 || entries.longValue() > MAX_ENTRIES) {
            return Optional.of(LocalExtras.invalid("invalid_field", "entries must be a whole number from 1 to " + MAX_ENTRIES));
        }
        OrgId org = OrgId.of(orgId);
        if (ledger.account(org).isStored()) {
            return Optional.of(LocalServer.Reply.error(409, "conflict", "org_exists",
                    orgId + " has already been written: seed-log only fills a new org"));
        }
        int count = entries.intValue();
        List<Purchase.Movement> movements = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            movements.add(i % 2 == 0
                    ? new Purchase.Movement(EntryType.BONUS, Credits.ONE, "seed_bonus_" + i, "seeded bonus " + i)
                    : new Purchase.Movement(EntryType.ADJUSTMENT, Credits.parse("-0.25"), "seed_adj_" + i, "seeded correction " + i));
        }
        BulkLoad load = new BulkLoad(dynamo, table);
        Account account = load.org(org, movements, clock.instant());
        load.flush();
        ObjectNode answer = ApiGatewayEvents.JSON.createObjectNode();
        answer.put("orgId", orgId).put("entries", account.entryCount()).put("balance", account.balance().toString());
        return Optional.of(LocalServer.Reply.json(201, answer));
    }
}
