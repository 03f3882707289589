package app.credits.lowcredit;

/**
 * Where low-credit emails go out. Production: {@link SesEmailSender}. Tests use the same class against the SES
 * emulator, so this seam exists for the benchmark and for wiring, not for fakes.
 */
public interface EmailSender {

    SendResult send(LowCreditEmail email);

    sealed interface SendResult {
        record Sent(String messageId) implements SendResult {
        }

        /** Not sent (SES refused, was unreachable or timed out): the org stays owed and the next run retries. */
        record Failed(String reason) implements SendResult {
        }
    }
}
