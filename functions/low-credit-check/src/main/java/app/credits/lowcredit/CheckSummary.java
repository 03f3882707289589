package app.credits.lowcredit;

/** What one run did; the handler's response. */
public record CheckSummary(int invitesExpired, int emailsSent, int emailsFailed, int orgsChecked) {

    public String toJson() {
        return "{\"invitesExpired\":" + invitesExpired + ",\"emailsSent\":" + emailsSent
                + ",\"emailsFailed\":" + emailsFailed + ",\"orgsChecked\":" + orgsChecked + "}";
    }
}
