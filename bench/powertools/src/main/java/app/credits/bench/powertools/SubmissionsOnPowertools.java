package app.credits.bench.powertools;

import app.credits.submissions.SubmissionsFunction;

/** The submissions function with Powertools logging, metrics and tracing (submissions-powertools.jar's handler). */
public final class SubmissionsOnPowertools extends OnPowertools {
    public SubmissionsOnPowertools() {
        super(new SubmissionsFunction());
    }
}
