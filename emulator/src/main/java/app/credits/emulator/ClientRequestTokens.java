package app.credits.emulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The ClientRequestTokens of committed TransactWriteItems, each with a hash of its request, for DynamoDB's
 * 10-minute idempotency window.
 */
final class ClientRequestTokens {
    static final long TTL_MILLIS = 10 * 60 * 1000;
    private static final int PRUNE_ABOVE = 10_000;
    private static final ObjectMapper CANONICAL = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    /** A token used by a committed transaction: the request it stands for and when it was committed. */
    record Use(String token, String requestHash, long atMillis) {
        ObjectNode toJson() {
            return Codec.F.objectNode().put("token", token).put("hash", requestHash).put("at", atMillis);
        }

        static Use fromJson(JsonNode n) {
            return new Use(n.get("token").textValue(), n.get("hash").textValue(), n.get("at").asLong());
        }
    }

    /** What a token means for a new request. */
    enum Seen { NEW, SAME_REQUEST, OTHER_REQUEST }

    private final Map<String, Use> byToken = new HashMap<>();

    /** The request without the parameters that do not change its meaning, in a canonical form. */
    static String requestHash(JsonNode request) {
        ObjectNode copy = ((ObjectNode) request).deepCopy();
        copy.remove("ClientRequestToken");
        copy.remove("ReturnConsumedCapacity");
        copy.remove("ReturnItemCollectionMetrics");
        try {
            return CANONICAL.writeValueAsString(CANONICAL.treeToValue(copy, Object.class));
        } catch (JsonProcessingException e) {
            throw DynamoError.internal(e.getMessage());
        }
    }

    Seen check(String token, String requestHash, long nowMillis) {
        Use previous = byToken.get(token);
        if (previous == null || nowMillis - previous.atMillis() >= TTL_MILLIS) return Seen.NEW;
        return previous.requestHash().equals(requestHash) ? Seen.SAME_REQUEST : Seen.OTHER_REQUEST;
    }

    /** Remembers a committed use (and forgets expired ones now and then). */
    void remember(Use use) {
        byToken.put(use.token(), use);
        if (byToken.size() > PRUNE_ABOVE) byToken.values().removeIf(u -> use.atMillis() - u.atMillis() >= TTL_MILLIS);
    }

    /** Remembers a use read back from the journal. */
    void restore(Use use) {
        byToken.put(use.token(), use);
    }

    void forEachUnexpired(long nowMillis, Consumer<Use> action) {
        for (Use u : byToken.values()) if (nowMillis - u.atMillis() < TTL_MILLIS) action.accept(u);
    }
}
