package app.credits.bench.snapstart.crac;

/** jdk.crac.CheckpointException's shape: the hooks' failures as suppressed exceptions. */
public class CheckpointException extends Exception {
}
