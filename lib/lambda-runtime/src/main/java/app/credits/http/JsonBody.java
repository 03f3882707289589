package app.credits.http;

import app.credits.ledger.Credits;
import app.credits.ledger.Ids;
import app.credits.ledger.Times;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A request body that must be one JSON object, read strictly: malformed JSON, trailing data, a non-object and
 * duplicate keys are all 400. Unknown fields are tolerated (clients may be newer than us).
 * <p>
 * Numbers keep the exact text the client wrote, so {@code 2.505}, {@code 1e2} or {@code 1.0E1} are judged by
 * {@link Credits#parse} as written rather than after a lossy conversion. Every accessor throws {@link ApiError}
 * (400) naming the field.
 */
public final class JsonBody {
    private static final JsonFactory STRICT = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final Pattern WHOLE = Pattern.compile("-?(0|[1-9][0-9]{0,17})");

    /** A JSON number as written. */
    public record NumberText(String text) {
    }

    private static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    private final Map<String, Object> fields;

    private JsonBody(Map<String, Object> fields) {
        this.fields = Collections.unmodifiableMap(fields);
    }

    public static JsonBody parse(byte[] body) {
        if (body.length == 0) {
            throw ApiError.invalidRequest("malformed_json", "the request body must be a JSON object");
        }
        try (JsonParser parser = STRICT.createParser(body)) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw ApiError.invalidRequest("malformed_json", "the request body must be a JSON object");
            }
            Object value = readValue(parser, first);
            if (parser.nextToken() != null) {
                throw ApiError.invalidRequest("malformed_json", "the request body holds data after the JSON object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) value;
            return new JsonBody(map);
        } catch (IOException e) {
            // Jackson's message may quote the body: keep it out of the answer.
            String why = e.getMessage() != null && e.getMessage().startsWith("Duplicate field")
                    ? "the request body repeats a field" : "the request body is not valid JSON";
            throw ApiError.invalidRequest("malformed_json", why);
        }
    }

    private static Object readValue(JsonParser parser, JsonToken token) throws IOException {
        return switch (token) {
            case START_OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
                    String name = parser.currentName();
                    map.put(name, readValue(parser, parser.nextToken()));
                }
                yield map;
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                    list.add(readValue(parser, t));
                }
                yield Collections.unmodifiableList(list);
            }
            case VALUE_STRING -> parser.getText();
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> new NumberText(parser.getText());
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> NULL;
            default -> throw ApiError.invalidRequest("malformed_json", "the request body is not valid JSON");
        };
    }

    /** Present and not null. */
    public boolean has(String field) {
        Object v = fields.get(field);
        return v != null && v != NULL;
    }

    /** Present, possibly as JSON null. */
    public boolean isPresent(String field) {
        return fields.containsKey(field);
    }

    public boolean isNull(String field) {
        return fields.get(field) == NULL;
    }

    public String requiredString(String field) {
        return optionalString(field).orElseThrow(() -> missing(field));
    }

    public Optional<String> optionalString(String field) {
        if (!has(field)) {
            return Optional.empty();
        }
        if (fields.get(field) instanceof String s) {
            return Optional.of(s);
        }
        throw invalid(field, field + " must be a string");
    }

    /** An ID: 1-128 characters of {@code [A-Za-z0-9_.:-]}. */
    public String requiredId(String field) {
        return id(field, requiredString(field));
    }

    public Optional<String> optionalId(String field) {
        return optionalString(field).map(v -> id(field, v));
    }

    /** Credits from a JSON string or number, by the exact text written. */
    public Credits requiredCredits(String field) {
        return optionalCredits(field).orElseThrow(() -> missing(field));
    }

    public Optional<Credits> optionalCredits(String field) {
        if (!has(field)) {
            return Optional.empty();
        }
        String text = switch (fields.get(field)) {
            case String s -> s;
            case NumberText n -> n.text();
            default -> throw invalid(field, field + " must be a decimal string or number, e.g. \"2.5\"");
        };
        try {
            return Optional.of(Credits.parse(text));
        } catch (app.credits.ledger.InvalidInput e) {
            throw invalid(field, field + ": " + e.getMessage());
        }
    }

    /** A whole number within [min, max], written as a JSON integer or a string of digits. */
    public long requiredWholeNumber(String field, long min, long max) {
        return optionalWholeNumber(field, min, max).orElseThrow(() -> missing(field));
    }

    public Optional<Long> optionalWholeNumber(String field, long min, long max) {
        if (!has(field)) {
            return Optional.empty();
        }
        String text = switch (fields.get(field)) {
            case String s -> s;
            case NumberText n -> n.text();
            default -> throw invalid(field, field + " must be a whole number");
        };
        if (!WHOLE.matcher(text).matches()) {
            throw invalid(field, field + " must be a whole number from " + min + " to " + max);
        }
        long value = Long.parseLong(text);
        if (value < min || value > max) {
            throw invalid(field, field + " must be a whole number from " + min + " to " + max);
        }
        return Optional.of(value);
    }

    public Optional<Boolean> optionalBoolean(String field) {
        if (!has(field)) {
            return Optional.empty();
        }
        if (fields.get(field) instanceof Boolean b) {
            return Optional.of(b);
        }
        throw invalid(field, field + " must be true or false");
    }

    /** An ISO-8601 UTC time. */
    public Optional<Instant> optionalTime(String field) {
        return optionalString(field).map(text -> {
            try {
                return Times.parse(field, text);
            } catch (app.credits.ledger.InvalidInput e) {
                throw invalid(field, e.getMessage());
            }
        });
    }

    public Optional<List<String>> optionalStringList(String field) {
        if (!has(field)) {
            return Optional.empty();
        }
        if (!(fields.get(field) instanceof List<?> list)) {
            throw invalid(field, field + " must be an array of strings");
        }
        List<String> strings = new ArrayList<>();
        for (Object item : list) {
            if (!(item instanceof String s)) {
                throw invalid(field, field + " must be an array of strings");
            }
            strings.add(s);
        }
        return Optional.of(List.copyOf(strings));
    }

    public Optional<JsonBody> optionalObject(String field) {
        if (!has(field)) {
            return Optional.empty();
        }
        if (fields.get(field) instanceof Map<?, ?> map) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) map;
            return Optional.of(new JsonBody(m));
        }
        throw invalid(field, field + " must be an object");
    }

    public JsonBody requiredObject(String field) {
        return optionalObject(field).orElseThrow(() -> missing(field));
    }

    /** The raw value: String, {@link NumberText}, Boolean, List, Map, or null for absent and JSON null. */
    public Object raw(String field) {
        Object v = fields.get(field);
        return v == NULL ? null : v;
    }

    private static String id(String field, String value) {
        if (!Ids.isValid(value)) {
            throw ApiError.invalidRequest("invalid_id", field + " must be 1-128 characters of A-Z a-z 0-9 _ . : -");
        }
        return value;
    }

    private static ApiError missing(String field) {
        return ApiError.invalidRequest("missing_field", field + " is required");
    }

    private static ApiError invalid(String field, String message) {
        return ApiError.invalidRequest("invalid_field", message);
    }
}
