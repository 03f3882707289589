package app.credits.ledger;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/** The contract's time format: ISO-8601 UTC with milliseconds, "2026-11-23T18:04:05.123Z". */
public final class Times {
    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Times() {
    }

    public static String format(Instant instant) {
        return FORMAT.format(instant);
    }

    public static Instant parse(String field, String text) {
        try {
            return Instant.parse(text).truncatedTo(ChronoUnit.MILLIS);
        } catch (DateTimeParseException | NullPointerException e) {
            throw new InvalidInput(field + " must be an ISO-8601 UTC time such as 2026-11-23T18:04:05.123Z");
        }
    }

    public static String day(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC).toLocalDate().toString();
    }

    public static String month(Instant instant) {
        return day(instant).substring(0, 7);
    }
}
