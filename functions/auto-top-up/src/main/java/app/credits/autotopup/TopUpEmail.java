package app.credits.autotopup;

import app.credits.ledger.Account;
import app.credits.ledger.AutoTopUp;
import app.credits.ledger.SavedCard;
import app.credits.ledger.Times;
import app.credits.ledger.TopUpAttempt;
import app.credits.ledger.TopUpStatus;
import app.credits.lowcredit.LowCreditEmail;
import app.credits.lowcredit.NotificationConfig;
import app.credits.runtime.Html;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Locale;

/**
 * The email about an automatic purchase that brought no credits, to the org's low-credit recipients: what was
 * tried, why it failed, what happens next (a retry in an hour, a pause, or the cardholder's action), and a link to
 * the Billing page. Sent through the low-credit check's SES sender (one home for email), one per recipient with
 * its unsubscribe link; {@link LowCreditEmail} is that sender's message.
 */
final class TopUpEmail {
    private TopUpEmail() {
    }

    static List<LowCreditEmail> compose(Account account, AutoTopUp state, TopUpAttempt attempt, NotificationConfig config) {
        String org = account.org().value();
        String billing = config.billingPageFor(org);
        String code = attempt.failureCode().orElse("card_declined");
        String card = state.card().map(TopUpEmail::describe).orElse("your saved card");
        String tried = "We tried to buy " + attempt.credits() + " credits for " + org + " with " + card + " ("
                + money(attempt) + "), because credits left dropped below " + account.autoTopUp().threshold() + ".";
        String subject;
        List<String> lines = new ArrayList<>();
        lines.add(tried);
        if (attempt.status() == TopUpStatus.REQUIRES_ACTION) {
            subject = "Confirm your automatic credits purchase";
            lines.add("Your bank asks you to confirm this payment (authentication_required), so it was not made and no"
                    + " credits were added.");
            lines.add("Complete the payment on the Billing page: buy " + attempt.credits() + " credits with \"Save card"
                    + " for auto top-up\" ticked, and confirm it with your bank; later automatic purchases then use"
                    + " the confirmed card. Auto top-up tries again the next time credits left drop below the threshold.");
        } else if (state.isPaused()) {
            subject = "Auto top-up paused: your card was declined (" + code + ")";
            lines.add("The card was declined (" + code + "). Auto top-up is now paused: no more automatic purchases"
                    + " will be tried until you save a new card or buy credits on the Billing page.");
        } else {
            subject = "Automatic credits purchase declined (" + code + ")";
            lines.add("The card was declined (" + code + "), so no credits were added. We will try again no sooner"
                    + " than " + state.retryAfter().map(Times::format).orElse("an hour from now") + " if credits left are"
                    + " still below the threshold; after " + AutoTopUp.DECLINES_BEFORE_PAUSE + " declines in a row"
                    + " auto top-up pauses.");
            lines.add("To use another card, buy credits on the Billing page with \"Save card for auto top-up\" ticked.");
        }
        lines.add("Credits left: " + account.creditsLeft());
        String preferences = "You get this email because you receive the low-credit emails of " + org
                + ". An admin can change auto top-up or who receives these emails on the Billing page.";

        StringBuilder text = new StringBuilder();
        lines.forEach(line -> text.append(line).append("\n\n"));
        text.append("Billing page: ").append(billing).append("\n\n").append(preferences).append('\n');
        StringBuilder html = new StringBuilder("<!doctype html><html><body style=\"font-family:sans-serif;line-height:1.5\">");
        lines.forEach(line -> html.append("<p>").append(Html.escape(line)).append("</p>"));
        html.append("<p><a href=\"").append(Html.escape(billing)).append("\">Open the Billing page</a></p>")
                .append("<p style=\"color:#666;font-size:small\">").append(Html.escape(preferences));
        // One email per recipient, each with its own one-click unsubscribe (as the low-credit emails).
        return LowCreditEmail.perRecipient(account, config, subject, text, html);
    }

    private static String describe(SavedCard card) {
        String brand = card.brand().isEmpty() ? "card" : card.brand().substring(0, 1).toUpperCase(Locale.ROOT)
                + card.brand().substring(1).replace('_', ' ');
        return "your " + brand + " card ending " + card.last4();
    }

    /** 406.00 USD: the minor units at the currency's own number of decimals. */
    private static String money(TopUpAttempt attempt) {
        String currency = attempt.amount().currency().toUpperCase(Locale.ROOT);
        int decimals = Math.max(0, Currency.getInstance(currency).getDefaultFractionDigits());
        return BigDecimal.valueOf(attempt.amount().amount(), decimals).toPlainString() + " " + currency;
    }
}
