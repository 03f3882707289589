package app.credits.emulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * Receives every committed change (one JSON record, see {@link JournalRecords}) before it is applied; must make it
 * durable or throw.
 */
interface Journal {
    void append(ObjectNode record) throws IOException;
}
