package app.credits.runtime;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InvokeOnceTest {

    /** Echoes the raw event and the context it was given, as a scheduled handler would see them. */
    public static final class Echo implements RequestStreamHandler {
        public Echo() {
        }

        @Override
        public void handleRequest(InputStream input, OutputStream output, Context context) throws java.io.IOException {
            String event = new String(input.readAllBytes(), StandardCharsets.UTF_8);
            output.write(Json.write(Json.object()
                    .put("event", event)
                    .put("hasRequestId", !context.getAwsRequestId().isEmpty())
                    .put("hasTimeLeft", context.getRemainingTimeInMillis() > 0)).getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void aScheduledEventIsPassedThroughAsRawBytesWithAContext() throws Exception {
        String scheduled = "{\"version\":\"0\",\"detail-type\":\"Scheduled Event\",\"source\":\"aws.events\",\"detail\":{}}";

        byte[] out = InvokeOnce.invoke(Echo.class.getName(), scheduled.getBytes(StandardCharsets.UTF_8));

        var answer = Json.read(new String(out, StandardCharsets.UTF_8));
        assertEquals(scheduled, answer.get("event").asText());
        assertTrue(answer.get("hasRequestId").asBoolean());
        assertTrue(answer.get("hasTimeLeft").asBoolean());
    }
}
