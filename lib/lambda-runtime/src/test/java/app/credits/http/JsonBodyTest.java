package app.credits.http;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonBodyTest {

    private static JsonBody parse(String json) {
        return JsonBody.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String codeOf(Runnable r) {
        return assertThrows(ApiError.class, r::run).code();
    }

    @Test
    void malformedNonObjectDuplicateAndTrailingBodiesAreRefused() {
        for (String bad : List.of("", "{", "[]", "\"x\"", "12", "null", "{\"a\":1,\"a\":2}",
                "{\"a\":{\"b\":1,\"b\":1}}", "{} {}", "{\"a\":NaN}", "{'a':1}")) {
            assertEquals("malformed_json", codeOf(() -> parse(bad)), bad);
        }
    }

    @Test
    void creditsAreReadFromTheExactTextOfStringsAndNumbers() {
        JsonBody body = parse("{\"a\":2.5,\"b\":\"0.25\",\"c\":-3,\"d\":\"12.75\"}");
        assertEquals("2.5", body.requiredCredits("a").toString());
        assertEquals("0.25", body.requiredCredits("b").toString());
        assertEquals("-3", body.requiredCredits("c").toString());
        assertEquals("12.75", body.requiredCredits("d").toString());
    }

    @Test
    void creditsWithThreeDecimalsExponentNaNOrOutOfRangeAreRefused() {
        for (String bad : List.of("2.505", "\"2.505\"", "1e2", "1.0E1", "\"1e2\"", "\"NaN\"", "\"Infinity\"",
                "1000000.01", "-1000000.01", "\"10000000\"", "true", "[1]", "\"\"", "\" 1\"", "01")) {
            String json = "{\"credits\":" + bad + "}";
            String code = assertThrows(ApiError.class, () -> parse(json).requiredCredits("credits")).code();
            assertTrue(code.equals("invalid_field") || code.equals("malformed_json"), bad + " gave " + code);
        }
    }

    @Test
    void limitsOfCreditsAreAccepted() {
        assertEquals("1000000", parse("{\"c\":1000000}").requiredCredits("c").toString());
        assertEquals("-1000000", parse("{\"c\":\"-1000000.00\"}").requiredCredits("c").toString());
    }

    @Test
    void idsMustBeShortAndOfTheAllowedCharacters() {
        assertEquals("a-b_c.d:1", parse("{\"id\":\"a-b_c.d:1\"}").requiredId("id"));
        assertEquals("x".repeat(128), parse("{\"id\":\"" + "x".repeat(128) + "\"}").requiredId("id"));
        for (String bad : List.of("a#b", "x".repeat(129), "", "a b", "é")) {
            assertEquals("invalid_id", codeOf(() -> parse("{\"id\":\"" + bad + "\"}").requiredId("id")), bad);
        }
        assertEquals("missing_field", codeOf(() -> parse("{}").requiredId("id")));
        assertEquals("missing_field", codeOf(() -> parse("{\"id\":null}").requiredId("id")));
        assertEquals("invalid_field", codeOf(() -> parse("{\"id\":5}").requiredId("id")));
    }

    @Test
    void unknownFieldsAreTolerated() {
        assertEquals("x", parse("{\"id\":\"x\",\"future\":{\"n\":[1,2]}}").requiredId("id"));
    }

    @Test
    void wholeNumbersAndListsAndObjects() {
        JsonBody body = parse("{\"n\":42,\"s\":\"7\",\"l\":[\"a\",\"b\"],\"o\":{\"amount\":100}}");
        assertEquals(42, body.requiredWholeNumber("n", 1, 100));
        assertEquals(7, body.requiredWholeNumber("s", 1, 100));
        assertEquals(List.of("a", "b"), body.optionalStringList("l").orElseThrow());
        assertEquals(100, body.requiredObject("o").requiredWholeNumber("amount", 0, 1000));
        assertEquals("invalid_field", codeOf(() -> body.requiredWholeNumber("n", 1, 10)));
        assertEquals("invalid_field", codeOf(() -> parse("{\"n\":1.5}").requiredWholeNumber("n", 1, 10)));
    }
}
