package app.credits.local;

import app.credits.lowcredit.EmailSender;
import app.credits.lowcredit.LowCreditEmail;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Where low-credit emails go when no SES endpoint is configured: one JSON line per email in
 * {@code <data dir>/outbox.jsonl} (in memory with {@code --in-memory}), in the shape {@code GET /_local/emails}
 * answers. Written and fsynced before the send counts as done, like the ledger's own writes.
 */
public final class Outbox implements EmailSender {
    public static final String FILE = "outbox.jsonl";

    private final Path file;
    private final Clock clock;
    private final List<ObjectNode> inMemory = new ArrayList<>();

    private Outbox(Path file, Clock clock) {
        this.file = file;
        this.clock = clock;
    }

    public static Outbox inDirectory(Path dataDir, Clock clock) {
        return new Outbox(dataDir.resolve(FILE), clock);
    }

    public static Outbox inMemory(Clock clock) {
        return new Outbox(null, clock);
    }

    @Override
    public synchronized SendResult send(LowCreditEmail email) {
        String messageId = "local-" + UUID.randomUUID();
        ObjectNode line = ApiGatewayEvents.JSON.createObjectNode();
        line.put("messageId", messageId);
        line.putArray("to").add(email.to());
        line.put("from", email.from());
        line.put("subject", email.subject());
        line.put("text", email.text());
        line.put("html", email.html());
        ObjectNode headers = line.putObject("headers");
        email.headers().forEach(headers::put);
        line.put("sentAt", app.credits.ledger.Times.format(clock.instant()));
        if (file == null) {
            inMemory.add(line);
            return new SendResult.Sent(messageId);
        }
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
            out.force(false);
            return new SendResult.Sent(messageId);
        } catch (IOException e) {
            return new SendResult.Failed("cannot write " + file + ": " + e.getMessage());
        }
    }

    /** Every email sent so far, newest first. A torn last line (a kill mid-write) is skipped. */
    public synchronized List<JsonNode> emails() {
        List<JsonNode> all = new ArrayList<>();
        if (file == null) {
            all.addAll(inMemory);
        } else if (Files.exists(file)) {
            try {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    try {
                        if (!line.isBlank()) {
                            all.add(ApiGatewayEvents.JSON.readTree(line));
                        }
                    } catch (IOException torn) {
                        // only the last line can be torn; it was never acknowledged as sent
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        List<JsonNode> newestFirst = new ArrayList<>(all.size());
        for (int i = all.size() - 1; i >= 0; i--) {
            newestFirst.add(all.get(i));
        }
        return newestFirst;
    }

    public String describe() {
        return file == null ? "in memory (--in-memory)" : file.toString();
    }
}
