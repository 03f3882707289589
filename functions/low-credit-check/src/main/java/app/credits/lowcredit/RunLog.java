package app.credits.lowcredit;

import app.credits.runtime.Telemetry;

import java.util.LinkedHashMap;
import java.util.Map;

/** What a run tells the logs: a message and name/value pairs. Production writes them through {@link Telemetry}. */
@FunctionalInterface
public interface RunLog {

    void write(String level, String message, Throwable error, Object... fields);

    default void info(String message, Object... fields) {
        write("INFO", message, null, fields);
    }

    default void warn(String message, Object... fields) {
        write("WARN", message, null, fields);
    }

    default void error(String message, Throwable error, Object... fields) {
        write("ERROR", message, error, fields);
    }

    /** JSON log lines on the function's telemetry (stdout in Lambda). */
    static RunLog to(Telemetry telemetry) {
        return (level, message, error, fields) -> {
            Map<String, Object> map = new LinkedHashMap<>();
            for (int i = 0; i + 1 < fields.length; i += 2) {
                map.put(String.valueOf(fields[i]), fields[i + 1]);
            }
            if (error != null) {
                map.put("error", error.getClass().getName() + ": " + error.getMessage());
            }
            telemetry.log(level, message, map);
        };
    }
}
