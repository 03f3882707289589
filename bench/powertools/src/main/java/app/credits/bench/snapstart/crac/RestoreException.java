package app.credits.bench.snapstart.crac;

/** jdk.crac.RestoreException's shape: the hooks' failures as suppressed exceptions. */
public class RestoreException extends Exception {
}
