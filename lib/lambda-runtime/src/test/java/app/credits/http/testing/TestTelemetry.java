package app.credits.http.testing;

import app.credits.runtime.Telemetry;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Captures a function's log and EMF lines instead of printing them. */
public final class TestTelemetry {
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Telemetry telemetry = new Telemetry("credits", "Credits", lines::add, Clock.systemUTC());

    public Telemetry telemetry() {
        return telemetry;
    }

    public List<String> lines() {
        return lines;
    }
}
