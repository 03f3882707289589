package app.credits.testkit.stripe;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Optional;
import java.util.function.LongPredicate;
import java.util.function.ToLongFunction;

/** Stripe's list objects: {@code {"object": "list", "data", "has_more", "url"}}, newest first, cursor-paged. */
final class Lists {
    private Lists() {
    }

    /**
     * The page {@code limit} (1-100, default 10), {@code starting_after} (older than that object) or
     * {@code ending_before} (newer than it: the page nearest the cursor) select from {@code newestFirst}.
     * {@code sequenceOf} orders any object of the list's kind, so that a cursor the filter left out still works;
     * it answers -1 for an ID it does not know.
     */
    static ObjectNode page(List<ObjectNode> newestFirst, Params params, String url, ToLongFunction<String> sequenceOf,
                           String kind) {
        long limit = params.integer("limit").orElse(10L);
        if (limit < 1 || limit > 100) {
            throw StripeError.invalid("limit", null, "Invalid limit: must be between 1 and 100");
        }
        Optional<String> after = params.string("starting_after");
        Optional<String> before = params.string("ending_before");
        if (after.isPresent() && before.isPresent()) {
            throw StripeError.invalid("ending_before", null,
                    "You may only specify one of these parameters: ending_before, starting_after.");
        }
        List<ObjectNode> page;
        boolean hasMore;
        if (before.isPresent()) {
            long cursor = cursor(before.get(), "ending_before", sequenceOf, kind);
            List<ObjectNode> newer = newestFirst.stream().filter(o -> sequenceOf.applyAsLong(id(o)) > cursor).toList();
            int from = (int) Math.max(0, newer.size() - limit);
            page = newer.subList(from, newer.size());
            hasMore = from > 0;
        } else {
            long cursor = after.map(id -> cursor(id, "starting_after", sequenceOf, kind)).orElse(Long.MAX_VALUE);
            List<ObjectNode> older = newestFirst.stream().filter(o -> sequenceOf.applyAsLong(id(o)) < cursor).toList();
            page = older.subList(0, (int) Math.min(limit, older.size()));
            hasMore = older.size() > limit;
        }
        ObjectNode list = StripeJson.object();
        list.put("object", "list");
        ArrayNode data = list.putArray("data");
        page.forEach(data::add);
        list.put("has_more", hasMore);
        list.put("url", url);
        return list;
    }

    /** {@code created=<t>} or {@code created[gt|gte|lt|lte]=<t>} (Unix seconds). */
    static LongPredicate createdFilter(Params params) {
        if (!params.has("created")) {
            return t -> true;
        }
        if (!params.isHash("created")) {
            long exactly = params.requiredInteger("created");
            return t -> t == exactly;
        }
        Params range = params.child("created").allowOnly(java.util.Set.of("gt", "gte", "lt", "lte"));
        LongPredicate p = t -> true;
        Optional<Long> gt = range.integer("gt");
        Optional<Long> gte = range.integer("gte");
        Optional<Long> lt = range.integer("lt");
        Optional<Long> lte = range.integer("lte");
        if (gt.isPresent()) {
            p = p.and(t -> t > gt.get());
        }
        if (gte.isPresent()) {
            p = p.and(t -> t >= gte.get());
        }
        if (lt.isPresent()) {
            p = p.and(t -> t < lt.get());
        }
        if (lte.isPresent()) {
            p = p.and(t -> t <= lte.get());
        }
        return p;
    }

    private static long cursor(String id, String param, ToLongFunction<String> sequenceOf, String kind) {
        long sequence = sequenceOf.applyAsLong(id);
        if (sequence < 0) {
            throw StripeError.noSuch(kind, id, param);
        }
        return sequence;
    }

    private static String id(ObjectNode o) {
        return o.path("id").asText();
    }
}
