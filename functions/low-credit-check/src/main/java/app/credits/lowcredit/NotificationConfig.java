package app.credits.lowcredit;

import app.credits.runtime.Environment;

/**
 * What the emails say about where they come from and where to go: {@code EMAIL_FROM}, {@code BILLING_PAGE_URL}
 * (with {@value #ORG_PLACEHOLDER} replaced by the org id) and each recipient's unsubscribe link, plus how much one
 * run may do.
 */
public record NotificationConfig(String emailFrom, String billingPageUrl, UnsubscribeLinks unsubscribe,
                                 int maxInvitesPerRun, int maxOrgsPerRun) {
    public static final String ORG_PLACEHOLDER = "{orgId}";
    public static final String DEFAULT_FROM = "billing@example.com";
    public static final String DEFAULT_BILLING_PAGE_URL = "https://app.example.com/billing?org={orgId}";
    /** One run releases at most this many due invites; the rest wait for the next run. */
    public static final int DEFAULT_MAX_INVITES_PER_RUN = 500;
    /**
     * One run emails at most this many orgs, so a backlog cannot outlast the Lambda timeout. Orgs only looked at
     * (no longer owed, or held by the daily cap) do not count: each costs one read.
     */
    public static final int DEFAULT_MAX_ORGS_PER_RUN = 500;

    public NotificationConfig {
        if (emailFrom == null || emailFrom.isBlank()) {
            throw new IllegalArgumentException("EMAIL_FROM must be set");
        }
        if (billingPageUrl == null || billingPageUrl.isBlank()) {
            throw new IllegalArgumentException("BILLING_PAGE_URL must be set");
        }
        if (unsubscribe == null) {
            throw new IllegalArgumentException("every email carries an unsubscribe link: UNSUBSCRIBE_URL must be set");
        }
        if (maxInvitesPerRun < 1 || maxOrgsPerRun < 1) {
            throw new IllegalArgumentException("per-run limits must be positive");
        }
    }

    public static NotificationConfig of(String emailFrom, String billingPageUrl, UnsubscribeLinks unsubscribe) {
        return new NotificationConfig(emailFrom, billingPageUrl, unsubscribe, DEFAULT_MAX_INVITES_PER_RUN,
                DEFAULT_MAX_ORGS_PER_RUN);
    }

    /**
     * {@code EMAIL_FROM} and {@code BILLING_PAGE_URL} (their defaults only suit local runs), and the unsubscribe
     * links' {@code UNSUBSCRIBE_URL} and secret, which have none.
     */
    public static NotificationConfig fromEnvironment(Environment env) {
        return of(env.get("EMAIL_FROM", DEFAULT_FROM), env.get("BILLING_PAGE_URL", DEFAULT_BILLING_PAGE_URL),
                UnsubscribeLinks.fromEnvironment(env));
    }

    public NotificationConfig withLimits(int maxInvites, int maxOrgs) {
        return new NotificationConfig(emailFrom, billingPageUrl, unsubscribe, maxInvites, maxOrgs);
    }

    /** The billing page of one org. The org id is URL-safe by the contract's id rule, so it goes in as is. */
    public String billingPageFor(String orgId) {
        return billingPageUrl.replace(ORG_PLACEHOLDER, orgId);
    }
}
