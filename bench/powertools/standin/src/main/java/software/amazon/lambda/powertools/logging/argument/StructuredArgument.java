package software.amazon.lambda.powertools.logging.argument;

/** STAND-IN for powertools-logging 2.10.0's structured log argument (see PowertoolsLogging): one key and value. */
public interface StructuredArgument {
    String key();

    Object value();
}
