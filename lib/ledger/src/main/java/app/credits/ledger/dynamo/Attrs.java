package app.credits.ledger.dynamo;

import app.credits.ledger.Credits;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Small, explicit conversions between domain values and DynamoDB attributes. */
final class Attrs {
    private Attrs() {
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    /** Credits are stored as exact decimal numbers ("12.75"), readable in a table scan. */
    static AttributeValue credits(Credits value) {
        return AttributeValue.fromN(value.toBigDecimal().toPlainString());
    }

    static AttributeValue bool(boolean value) {
        return AttributeValue.fromBool(value);
    }

    static AttributeValue time(Instant value) {
        return AttributeValue.fromS(app.credits.ledger.Times.format(value));
    }

    static AttributeValue strings(List<String> values) {
        return AttributeValue.fromL(values.stream().map(AttributeValue::fromS).toList());
    }

    static String str(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        if (v == null || v.s() == null) {
            throw new IllegalStateException("item " + item.get("PK") + "/" + item.get("SK") + " lacks " + name);
        }
        return v.s();
    }

    static Optional<String> optStr(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || v.s() == null ? Optional.empty() : Optional.of(v.s());
    }

    static long num(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || v.n() == null ? 0 : new BigDecimal(v.n()).longValueExact();
    }

    static Credits creditsOf(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || v.n() == null ? Credits.ZERO : Credits.of(new BigDecimal(v.n()));
    }

    static boolean boolOf(Map<String, AttributeValue> item, String name, boolean absent) {
        AttributeValue v = item.get(name);
        return v == null || v.bool() == null ? absent : v.bool();
    }

    static Instant timeOf(Map<String, AttributeValue> item, String name) {
        return Instant.parse(str(item, name));
    }

    static Optional<Instant> optTime(Map<String, AttributeValue> item, String name) {
        return optStr(item, name).map(Instant::parse);
    }

    static List<String> stringsOf(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || !v.hasL() ? List.of() : v.l().stream().map(AttributeValue::s).toList();
    }
}
