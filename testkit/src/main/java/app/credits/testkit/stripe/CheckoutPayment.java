package app.credits.testkit.stripe;

/**
 * How a buyer pays a Checkout Session on Stripe's page: the card (one of Stripe's test tokens), the email typed,
 * whether the webhooks of what happens are sent ({@code deliver} false: the events are recorded, the webhooks never
 * sent), and whether the payment method is a delayed one (the session completes unpaid until it settles).
 */
public record CheckoutPayment(String card, String email, boolean deliver, boolean delayedMethod) {

    public static CheckoutPayment card(String testCard) {
        return new CheckoutPayment(testCard, null, true, false);
    }

    /** With Stripe's {@code pm_card_visa}. */
    public static CheckoutPayment visa() {
        return card(TestCards.VISA);
    }

    public CheckoutPayment email(String typed) {
        return new CheckoutPayment(card, typed, deliver, delayedMethod);
    }

    /** Stripe records the paid session and its events, but no webhook is ever sent. */
    public CheckoutPayment withoutWebhooks() {
        return new CheckoutPayment(card, email, false, delayedMethod);
    }

    /** A delayed payment method: {@code checkout.session.completed} unpaid, then async_payment_succeeded or _failed. */
    public CheckoutPayment delayedPaymentMethod() {
        return new CheckoutPayment(card, email, deliver, true);
    }
}
