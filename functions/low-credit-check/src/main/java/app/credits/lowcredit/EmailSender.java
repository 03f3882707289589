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

        /**
         * SES refused this message (a recipient it will not send to, an address it cannot parse): one org's
         * problem. The org stays owed and the next run retries it; the run goes on with the other orgs.
         */
        record Rejected(String reason) implements SendResult {
        }

        /**
         * Not sent because SES could not be used (throttled, our credentials refused, unreachable, timed out, its
         * 5xx): the org stays owed and the next run retries it; several in a row end the run.
         */
        record Failed(String reason) implements SendResult {
        }
    }
}
