package app.credits.ledger;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One automatic purchase ({@code ORG#org / TOPUP#id}): claimed once per crossing, at the price quoted then, and
 * charged off-session under a Stripe idempotency key derived from its id, so a retried charge finds the same
 * PaymentIntent. Its id orders attempts by time ({@code atu_} and 16 digits of microseconds).
 */
public record TopUpAttempt(
        OrgId org,
        String id,
        TopUpStatus status,
        long credits,
        Money unitPrice,
        Money amount,
        Instant createdAt,
        Optional<String> paymentIntentId,
        Optional<String> failureCode,
        long version) implements Versioned {

    /**
     * The key of the PaymentIntent's metadata that names its attempt: the webhook credits only PaymentIntents that
     * carry it (a checkout's PaymentIntent carries the org and credits too, and is credited through its session).
     */
    public static final String STRIPE_METADATA_KEY = "auto_top_up_attempt";
    private static final String PREFIX = "atu_";
    private static final Pattern ID = Pattern.compile("atu_[0-9]{16}");

    public TopUpAttempt {
        if (!isId(id)) {
            throw new IllegalArgumentException("not an attempt id: " + id);
        }
        paymentIntentId.ifPresent(pi -> Ids.require("paymentIntentId", pi));
    }

    public static boolean isId(String text) {
        return text != null && ID.matcher(text).matches();
    }

    /** The id of an attempt claimed at {@code now}: its time, or just after the last one if that is later. */
    public static String idAt(Instant now, Optional<String> last) {
        long micros = ChronoUnit.MICROS.between(Instant.EPOCH, now);
        long after = last.filter(TopUpAttempt::isId).map(id -> Long.parseLong(id.substring(PREFIX.length())) + 1).orElse(0L);
        return PREFIX + String.format("%016d", Math.max(micros, after));
    }

    /** A new attempt for {@code quote}, pending. */
    public static TopUpAttempt claimed(OrgId org, String id, Quote quote, Instant now) {
        return new TopUpAttempt(org, id, TopUpStatus.PENDING, quote.credits(), quote.unitPrice(), quote.total(),
                now.truncatedTo(ChronoUnit.MILLIS), Optional.empty(), Optional.empty(), 1);
    }

    /** The key Stripe deduplicates this attempt's charge by: every retry of it sends the same one. */
    public String idempotencyKey() {
        return "auto-top-up:" + org.value() + ":" + id;
    }

    public boolean isPending() {
        return status == TopUpStatus.PENDING;
    }

    TopUpAttempt charged(String paymentIntent) {
        return new TopUpAttempt(org, id, status, credits, unitPrice, amount, createdAt, Optional.of(paymentIntent),
                failureCode, version + 1);
    }

    TopUpAttempt settled(TopUpStatus newStatus, Optional<String> paymentIntent, Optional<String> code) {
        return new TopUpAttempt(org, id, newStatus, credits, unitPrice, amount, createdAt,
                paymentIntent.or(() -> paymentIntentId), code, version + 1);
    }
}
