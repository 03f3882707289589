package app.credits.lowcredit;

/**
 * What one run did; the handler's response. {@code emailsSent} and {@code emailsFailed} count emails (one per
 * recipient); {@code orgsChecked} the owing orgs looked at; {@code orgsAtDailyCap} those of them held until the
 * next UTC day by the daily cap.
 */
public record CheckSummary(int invitesExpired, int emailsSent, int emailsFailed, int orgsChecked, int orgsAtDailyCap) {

    /** A run in which no org was at the daily cap. */
    public CheckSummary(int invitesExpired, int emailsSent, int emailsFailed, int orgsChecked) {
        this(invitesExpired, emailsSent, emailsFailed, orgsChecked, 0);
    }

    public String toJson() {
        return "{\"invitesExpired\":" + invitesExpired + ",\"emailsSent\":" + emailsSent
                + ",\"emailsFailed\":" + emailsFailed + ",\"orgsChecked\":" + orgsChecked
                + ",\"orgsAtDailyCap\":" + orgsAtDailyCap + "}";
    }
}
