package app.credits.lowcredit;

import app.credits.ledger.Account;
import app.credits.ledger.AlertLevel;
import app.credits.ledger.Credits;

import java.util.List;

/** One low-credit email, ready to send: recipients, subject and the same message as plain text and HTML. */
public record LowCreditEmail(String from, List<String> to, String subject, String text, String html) {
    public static final String BLOCKED_SUBJECT = "Your credits have run out \u2014 submissions are now blocked";

    public LowCreditEmail {
        to = List.copyOf(to);
    }

    /** The email {@code level} calls for, from the account's numbers as they are now. */
    public static LowCreditEmail compose(Account account, AlertLevel level, NotificationConfig config) {
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
                .append("<p>").append(escape(headline)).append("</p>")
                .append("<table style=\"border-collapse:collapse\">")
                .append(row("Organization", org))
                .append(row("Credits left", leftLine))
                .append(row("Invites pending", invitesLine))
                .append("</table>");
        if (blockedNote != null) {
            html.append("<p>").append(escape(blockedNote)).append("</p>");
        }
        if (invitesNote != null) {
            html.append("<p>").append(escape(invitesNote)).append("</p>");
        }
        html.append("<p><a href=\"").append(escape(billing)).append("\">Buy credits</a></p>")
                .append("<p style=\"color:#666;font-size:small\">").append(escape(preferences)).append("</p>")
                .append("</body></html>");

        return new LowCreditEmail(config.emailFrom(), account.lowCreditRecipients(), subject, text.toString(), html.toString());
    }

    private static String row(String label, String value) {
        return "<tr><td style=\"padding-right:1em\">" + escape(label) + "</td><td><strong>" + escape(value)
                + "</strong></td></tr>";
    }

    private static String credits(Credits credits) {
        return credits + (credits.equals(Credits.ONE) ? " credit" : " credits");
    }

    /** Everything that comes from data goes through here before it enters the HTML part (of any email we send). */
    public static String escape(String value) {
        StringBuilder out = new StringBuilder(value.length() + 16);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
