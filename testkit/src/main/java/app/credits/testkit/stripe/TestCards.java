package app.credits.testkit.stripe;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Stripe's test payment methods (docs: "Testing" → "Declined payments", "Authentication and setup"): each token,
 * used as a {@code payment_method} or attached to a customer, becomes a card whose charges behave as Stripe's test
 * card does. Both spellings Stripe documents are accepted ({@code pm_card_chargeDeclined} and
 * {@code pm_card_visa_chargeDeclined}).
 */
public final class TestCards {

    /** What a charge on the card does. */
    public sealed interface Behaviour {
    }

    public record Succeeds() implements Behaviour {
    }

    /** Stripe's {@code code} (e.g. {@code card_declined}), {@code decline_code} (may be null) and buyer-facing message. */
    public record Declines(String code, String declineCode, String message) implements Behaviour {
    }

    /** 3D Secure on every payment: off-session charges are declined {@code authentication_required}. */
    public record RequiresAuthentication() implements Behaviour {
    }

    /** A test card: what {@code card} shows on the PaymentMethod, and how its charges behave. */
    public record Card(String token, String brand, String last4, String funding, Behaviour behaviour) {
    }

    public static final String VISA = "pm_card_visa";
    private static final String DECLINED = "Your card was declined.";
    private static final Map<String, Card> BY_TOKEN = new LinkedHashMap<>();

    static {
        add(new Card(VISA, "visa", "4242", "credit", new Succeeds()));
        add(new Card("pm_card_visa_debit", "visa", "5556", "debit", new Succeeds()));
        add(new Card("pm_card_mastercard", "mastercard", "4444", "credit", new Succeeds()));
        add(new Card("pm_card_amex", "amex", "8431", "credit", new Succeeds()));
        declining("chargeDeclined", "0002", "card_declined", "generic_decline", DECLINED);
        declining("chargeDeclinedInsufficientFunds", "9995", "card_declined", "insufficient_funds",
                "Your card has insufficient funds.");
        declining("chargeDeclinedLostCard", "9987", "card_declined", "lost_card", DECLINED);
        declining("chargeDeclinedStolenCard", "9979", "card_declined", "stolen_card", DECLINED);
        declining("chargeDeclinedFraudulent", "0019", "card_declined", "fraudulent", DECLINED);
        declining("chargeDeclinedVelocityLimitExceeded", "6975", "card_declined", "card_velocity_exceeded", DECLINED);
        declining("chargeDeclinedExpiredCard", "0069", "expired_card", null, "Your card has expired.");
        declining("chargeDeclinedIncorrectCvc", "0127", "incorrect_cvc", null, "Your card's security code is incorrect.");
        declining("chargeDeclinedProcessingError", "0119", "processing_error", null,
                "An error occurred while processing your card. Try again in a little bit.");
        // 4000 0000 0000 0341: attaching to a customer succeeds, charging it fails.
        declining("chargeCustomerFail", "0341", "card_declined", "generic_decline", DECLINED);
        add(new Card("pm_card_authenticationRequired", "visa", "3184", "credit", new RequiresAuthentication()));
        add(new Card("pm_card_threeDSecure2Required", "visa", "3220", "credit", new RequiresAuthentication()));
    }

    private TestCards() {
    }

    private static void declining(String name, String last4, String code, String declineCode, String message) {
        Behaviour declines = new Declines(code, declineCode, message);
        add(new Card("pm_card_" + name, "visa", last4, "credit", declines));
        add(new Card("pm_card_visa_" + name, "visa", last4, "credit", declines));
    }

    private static void add(Card card) {
        BY_TOKEN.put(card.token(), card);
    }

    public static Optional<Card> byToken(String token) {
        return Optional.ofNullable(BY_TOKEN.get(token));
    }

    /** Every token the stand-in knows, in documentation order. */
    public static Iterable<Card> all() {
        return BY_TOKEN.values();
    }
}
