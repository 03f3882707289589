package app.credits.runtime;

import app.credits.ledger.Credits;
import app.credits.ledger.Money;
import app.credits.ledger.Quote;
import app.credits.ledger.Times;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Optional;

/** The one Jackson mapper (trees only, no data binding) and the contract's renderings of credits, money and time. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode read(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Credits are rendered as JSON strings: "12.75", "3". */
    public static String credits(Credits credits) {
        return credits.toString();
    }

    /** {@code {"amount": 2900, "currency": "usd"}} */
    public static ObjectNode money(Money money) {
        return object().put("amount", money.amount()).put("currency", money.currency());
    }

    /**
     * A price quote as GET pricing answers it (and checkout echoes it):
     * {@code {"credits","listUnitPrice","unitPrice","discountPercent","fixedPricing","total"}}; credits as a string.
     */
    public static ObjectNode quote(Quote quote) {
        ObjectNode node = object();
        node.put("credits", Long.toString(quote.credits()));
        node.set("listUnitPrice", money(quote.listUnitPrice()));
        node.set("unitPrice", money(quote.unitPrice()));
        node.put("discountPercent", quote.discountPercent());
        node.put("fixedPricing", quote.fixedPricing());
        node.set("total", money(quote.total()));
        return node;
    }

    public static String time(Instant instant) {
        return Times.format(instant);
    }

    /** Puts an optional time, or JSON null. */
    public static void putTime(ObjectNode node, String field, Optional<Instant> instant) {
        if (instant.isPresent()) {
            node.put(field, Times.format(instant.get()));
        } else {
            node.putNull(field);
        }
    }

    public static void putOptional(ObjectNode node, String field, Optional<String> value) {
        if (value.isPresent()) {
            node.put(field, value.get());
        } else {
            node.putNull(field);
        }
    }
}
