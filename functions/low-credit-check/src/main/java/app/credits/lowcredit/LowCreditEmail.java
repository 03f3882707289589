package app.credits.lowcredit;

import app.credits.ledger.Account;
import app.credits.ledger.AlertLevel;
import app.credits.ledger.Credits;
import app.credits.runtime.Html;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One low-credit email to one recipient, ready to send: subject, the same message as plain text and HTML, and the
 * recipient's own one-click unsubscribe link (in both parts and in the {@code List-Unsubscribe} headers). One
 * email per recipient because each carries its recipient's link, and because SES refuses a whole message when it
 * refuses one of its recipients.
 */
public record LowCreditEmail(String from, String to, String subject, String text, String html, URI unsubscribe) {
    public static final String BLOCKED_SUBJECT = "Your credits have run out \u2014 submissions are now blocked";
    /** RFC 8058's body of the one-click POST, announced by the {@code List-Unsubscribe-Post} header. */
    public static final String ONE_CLICK = "List-Unsubscribe=One-Click";

    /**
     * RFC 2369's {@code List-Unsubscribe} (the https link only: we receive no mail, so there is no mailto) and RFC
     * 8058's {@code List-Unsubscribe-Post}, which tells mail providers that a POST to that link unsubscribes with
     * no further step.
     */
    public Map<String, String> headers() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("List-Unsubscribe", "<" + unsubscribe + ">");
        headers.put("List-Unsubscribe-Post", ONE_CLICK);
        return headers;
    }

    /** The emails {@code level} calls for, one per recipient, from the account's numbers as they are now. */
    public static List<LowCreditEmail> compose(Account account, AlertLevel level, NotificationConfig config) {
        if (level == AlertLevel.NONE) {
            throw new IllegalArgumentException("no email is owed at level NONE");
        }
        String org = account.org().value();
        Credits left = account.creditsLeft();
        String billing = config.billingPageFor(org);
        boolean runOut = level == AlertLevel.ZERO;
        String subject = runOut ? BLOCKED_SUBJECT : "Credits running low: " + left + " left";

        String headline = runOut
                ? "Your team has run out of credits: new submissions and invites are blocked until you buy more."
                : "Your team's credits are running low.";
        String leftLine = runOut
                ? left.toString()
                : left + " (your alert threshold is " + account.settings().lowCreditThreshold() + ")";
        String invitesLine = account.invitesPending() + " (" + credits(account.reserved()) + " reserved for them)";
        // Between 0 and the price of one submission the org is blocked without being at zero: say so.
        String blockedNote = !runOut && account.submissionsBlocked()
                ? "That is not enough for another submission (" + credits(account.submissionCost())
                  + " each): new submissions and invites are blocked until you buy more."
                : null;
        String invitesNote = account.invitesPending() > 0
                ? "Pending invites keep their reserved credits: those invitees can still submit."
                : null;
        String preferences = "You get this email because low-credit emails are on for " + org + ". An admin can change "
                + "the threshold, choose who receives these emails, or turn them off in Settings on the billing page.";

        StringBuilder text = new StringBuilder()
                .append(headline).append("\n\n")
                .append("Organization: ").append(org).append('\n')
                .append("Credits left: ").append(leftLine).append('\n')
                .append("Invites pending: ").append(invitesLine).append('\n');
        if (blockedNote != null) {
            text.append('\n').append(blockedNote).append('\n');
        }
        if (invitesNote != null) {
            text.append('\n').append(invitesNote).append('\n');
        }
        text.append("\nBuy credits: ").append(billing).append("\n\n")
                .append(preferences).append('\n');

        StringBuilder html = new StringBuilder()
                .append("<!doctype html><html><body style=\"font-family:sans-serif;line-height:1.5\">")
                .append("<p>").append(Html.escape(headline)).append("</p>")
                .append("<table style=\"border-collapse:collapse\">")
                .append(row("Organization", org))
                .append(row("Credits left", leftLine))
                .append(row("Invites pending", invitesLine))
                .append("</table>");
        if (blockedNote != null) {
            html.append("<p>").append(Html.escape(blockedNote)).append("</p>");
        }
        if (invitesNote != null) {
            html.append("<p>").append(Html.escape(invitesNote)).append("</p>");
        }
        html.append("<p><a href=\"").append(Html.escape(billing)).append("\">Buy credits</a></p>")
                .append("<p style=\"color:#666;font-size:small\">").append(Html.escape(preferences));

        return perRecipient(account, config, subject, text, html);
    }

    /**
     * One email per low-credit recipient of the account: {@code text} and {@code html} with the recipient's own
     * one-click unsubscribe appended. {@code html} ends inside an open {@code <p>} (the preferences line), which the
     * unsubscribe sentence finishes; this closes the document.
     */
    public static List<LowCreditEmail> perRecipient(Account account, NotificationConfig config, String subject,
                                                    CharSequence text, CharSequence html) {
        return account.lowCreditRecipients().stream().map(to -> {
            URI unsubscribe = config.unsubscribe().linkFor(account.org(), to);
            String stop = "Stop these emails to " + to;
            return new LowCreditEmail(config.emailFrom(), to, subject,
                    text + stop + ": " + unsubscribe + "\n",
                    html + " " + Html.escape(stop) + ": <a href=\"" + Html.escape(unsubscribe.toString()) + "\">Unsubscribe</a></p>"
                            + "</body></html>",
                    unsubscribe);
        }).toList();
    }

    private static String row(String label, String value) {
        return "<tr><td style=\"padding-right:1em\">" + Html.escape(label) + "</td><td><strong>" + Html.escape(value)
                + "</strong></td></tr>";
    }

    private static String credits(Credits credits) {
        return credits + (credits.equals(Credits.ONE) ? " credit" : " credits");
    }
}
