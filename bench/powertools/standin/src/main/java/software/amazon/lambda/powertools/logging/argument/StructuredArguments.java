package software.amazon.lambda.powertools.logging.argument;

/**
 * STAND-IN for powertools-logging 2.10.0's factory of structured arguments (see PowertoolsLogging): an {@code entry}
 * passed to an SLF4J call becomes a field of the JSON line, written by the Powertools resolver of the log4j layout.
 */
public final class StructuredArguments {
    private StructuredArguments() {
    }

    public static StructuredArgument entry(String key, Object value) {
        return new KeyValue(key, value);
    }

    private record KeyValue(String key, Object value) implements StructuredArgument {
        @Override
        public String toString() {
            return key + "=" + value;
        }
    }
}
