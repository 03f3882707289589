package app.credits.lowcredit;

import app.credits.ledger.Account;
import app.credits.ledger.AlertLevel;
import app.credits.ledger.Ledger;
import app.credits.ledger.OrgId;
import app.credits.ledger.ReleaseOutcome;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * One run of the scheduled check: release the invites past their expiry, then email every org that owes a
 * low-credit email (one email per recipient, at most {@link Account#MAX_ALERTS_PER_DAY} per org and UTC day),
 * reading only the ledger's sparse indexes, so its cost follows the orgs that need it. Every step is safe to
 * repeat: a run that dies halfway is finished by the next.
 */
public final class LowCreditCheck {
    /** Orgs read from the index per query. */
    static final int ACCOUNT_PAGE = 100;
    /** Invites released per query of the expiry index. */
    static final int INVITE_PAGE = 100;
    /**
     * After this many failed sends in a row SES is taken to be down: the rest waits for the next run. A rejection
     * of one org's email (a bad recipient) does not count: it says nothing about the other orgs' emails.
     */
    static final int FAILURES_BEFORE_GIVING_UP = 5;
    /** Longer than one send takes at worst, with the org's read and write around it. */
    static final Duration SAFETY_MARGIN = SesEmailSender.SEND_TIMEOUT.plusSeconds(3);

    private final Ledger ledger;
    private final EmailSender sender;
    private final NotificationConfig config;
    private final RunLog log;
    private final Clock clock;

    /** A check on the system clock (UTC days), as the ledger's own in production. */
    public LowCreditCheck(Ledger ledger, EmailSender sender, NotificationConfig config, RunLog log) {
        this(ledger, sender, config, log, Clock.systemUTC());
    }

    /** {@code clock} decides which UTC day an email counts for: give it the ledger's clock. */
    public LowCreditCheck(Ledger ledger, EmailSender sender, NotificationConfig config, RunLog log, Clock clock) {
        this.ledger = ledger;
        this.sender = sender;
        this.config = config;
        this.log = log;
        this.clock = clock;
    }

    /** What one run did, and the error that stopped it early, if one did (the ledger failed, not an email). */
    public record Run(CheckSummary summary, Optional<RuntimeException> aborted) {
    }

    /** A run without a deadline (tests, benchmark, local runner). */
    public CheckSummary run() {
        return runUntil(() -> Long.MAX_VALUE).summary();
    }

    /**
     * @param millisLeft how long the invocation may still run (Lambda's remaining time); no email is started when
     *                   less than {@link #SAFETY_MARGIN} is left, so a slow SES cannot time the function out.
     */
    public Run runUntil(LongSupplier millisLeft) {
        List<RuntimeException> problems = new ArrayList<>();
        int expired = expireDueInvites(problems);
        Emails emails = emailOwingOrgs(millisLeft, problems);
        return new Run(new CheckSummary(expired, emails.sent, emails.failed, emails.checked, emails.atDailyCap),
                problems.stream().findFirst());
    }

    // ---------------------------------------------------------------- invites

    private int expireDueInvites(List<RuntimeException> problems) {
        int released = 0;
        int examined = 0;
        try {
            while (examined < config.maxInvitesPerRun()) {
                int batch = Math.min(INVITE_PAGE, config.maxInvitesPerRun() - examined);
                List<ReleaseOutcome> outcomes = ledger.expireDueInvites(batch);
                examined += outcomes.size();
                int releasedNow = 0;
                for (ReleaseOutcome outcome : outcomes) {
                    switch (outcome) {
                        case ReleaseOutcome.Released r -> {
                            releasedNow++;
                            log.info("invite expired", "orgId", r.invite().org().value(), "inviteId", r.invite().inviteId(),
                                    "creditsReleased", r.invite().reserved().toString());
                        }
                        // Another run (or a submission, or a revoke) got there first: nothing to release.
                        case ReleaseOutcome.AlreadyReleased a -> { }
                        case ReleaseOutcome.InviteNotPending n -> { }
                        case ReleaseOutcome.InviteNotFound n -> { }
                        case ReleaseOutcome.NotDue n -> { }
                    }
                }
                released += releasedNow;
                // A short page means the index is drained; a page of only stale entries (the index lags the
                // table) would come back unchanged, so stop rather than spin on it.
                if (outcomes.size() < batch || releasedNow == 0) {
                    break;
                }
            }
        } catch (RuntimeException e) {
            // The emails must not wait on a failing expiry: what is left is released next run.
            log.error("invite expiry stopped", e, "invitesExpired", released);
            problems.add(e);
        }
        return released;
    }

    // ---------------------------------------------------------------- emails

    private static final class Emails {
        int sent;
        int failed;
        int checked;
        int atDailyCap;
        int orgsEmailed;
        int failuresInARow;
    }

    private Emails emailOwingOrgs(LongSupplier millisLeft, List<RuntimeException> problems) {
        Emails emails = new Emails();
        // Orgs handled in this run: a failed one stays in the index, and the index may lag a markNotified.
        Set<OrgId> seen = new HashSet<>();
        Optional<OrgId> after = Optional.empty();
        try {
            while (true) {
                // Pages in org order: an org whose email failed (or waits for tomorrow) stays in the index but never
                // hides those after it.
                int limit = ACCOUNT_PAGE;
                List<Account> page = ledger.accountsOwingAlert(limit, after);
                if (page.isEmpty()) {
                    break;
                }
                after = Optional.of(page.getLast().org());
                List<Account> unseen = page.stream().filter(a -> !seen.contains(a.org())).toList();
                for (Account listed : unseen) {
                    if (emails.orgsEmailed >= config.maxOrgsPerRun()) {
                        log.info("per-run limit reached: the rest is emailed next run", "orgsEmailed", emails.orgsEmailed);
                        return emails;
                    }
                    if (millisLeft.getAsLong() < SAFETY_MARGIN.toMillis()) {
                        log.info("out of time: the rest is emailed next run", "orgsChecked", seen.size());
                        return emails;
                    }
                    if (emails.failuresInARow >= FAILURES_BEFORE_GIVING_UP) {
                        log.info("SES keeps failing: the rest is emailed next run", "emailsFailed", emails.failed);
                        return emails;
                    }
                    seen.add(listed.org());
                    emails.checked++;
                    emailOne(listed.org(), millisLeft, emails);
                }
                if (page.size() < limit) {
                    break;
                }
            }
        } catch (RuntimeException e) {
            log.error("low-credit emails stopped", e, "orgsChecked", emails.checked);
            problems.add(e);
        }
        return emails;
    }

    /** What sending one org's emails came to. */
    private record Deliveries(int sent, int rejected, int failed, int notTried) {
    }

    private void emailOne(OrgId org, LongSupplier millisLeft, Emails emails) {
        // The index may lag the table: the email is decided and written from the account as it is now.
        Account account = ledger.account(org);
        Optional<AlertLevel> owed = account.alertOwed();
        if (owed.isEmpty()) {
            log.info("no longer owed", "orgId", org.value());
            return;
        }
        AlertLevel level = owed.get();
        // The cap holds whatever made the email owed (settings, credits moving up and down): the org stays owed,
        // and the first run of the next UTC day sends what is owed then.
        if (!account.mayEmailAt(clock.instant())) {
            emails.atDailyCap++;
            log.info("daily cap reached: emailed the next UTC day if still owed", "orgId", org.value(),
                    "alertLevel", level.name(), "maxPerDay", Account.MAX_ALERTS_PER_DAY);
            return;
        }
        emails.orgsEmailed++;
        Deliveries deliveries = send(org, LowCreditEmail.compose(account, level, config), millisLeft, emails);
        emails.sent += deliveries.sent();
        emails.failed += deliveries.rejected() + deliveries.failed();
        if (deliveries.sent() == 0) {
            // Nobody got it: the org stays owed and the next run tries again.
            return;
        }
        // Somebody got it: the crossing is told and counted, even if a recipient's send failed. Trying again would
        // send the others a second copy each run, which the daily cap is there to prevent.
        boolean marked;
        try {
            marked = ledger.markNotified(account, level);
        } catch (RuntimeException e) {
            // Sent but not recorded: the next run sends it again. A duplicate beats a missed email.
            log.error("low-credit email sent but not recorded", e, "orgId", org.value(), "alertLevel", level.name());
            return;
        }
        // Unmarked means credits moved after the read: the email told what was true then; whatever is owed now is
        // decided by the next run.
        log.info("low-credit email sent", "orgId", org.value(), "alertLevel", level.name(),
                "creditsLeft", account.creditsLeft().toString(), "recipients", deliveries.sent(),
                "recipientsMissed", deliveries.rejected() + deliveries.failed() + deliveries.notTried(), "marked", marked);
    }

    /**
     * Sends one org's emails, one per recipient, until SES fails: a systemic failure (or too little time left) stops
     * the org's remaining sends, a rejection of one recipient does not. Logged by org and count, never by address:
     * the recipients are the org's admins' own data.
     */
    private Deliveries send(OrgId org, List<LowCreditEmail> perRecipient, LongSupplier millisLeft, Emails emails) {
        int sent = 0;
        int rejected = 0;
        for (int i = 0; i < perRecipient.size(); i++) {
            if (i > 0 && millisLeft.getAsLong() < SAFETY_MARGIN.toMillis()) {
                log.info("out of time in the middle of an org's emails", "orgId", org.value(), "sent", sent);
                return new Deliveries(sent, rejected, 0, perRecipient.size() - i);
            }
            switch (sender.send(perRecipient.get(i))) {
                case EmailSender.SendResult.Sent s -> {
                    sent++;
                    emails.failuresInARow = 0;
                }
                case EmailSender.SendResult.Rejected r -> {
                    rejected++;
                    log.warn("low-credit email rejected by SES for one of this org's recipients", "orgId", org.value(),
                            "recipient", i + 1, "recipients", perRecipient.size(), "reason", r.reason());
                }
                case EmailSender.SendResult.Failed f -> {
                    emails.failuresInARow++;
                    log.warn("low-credit email failed; retried next run if nobody got it", "orgId", org.value(),
                            "recipient", i + 1, "recipients", perRecipient.size(), "reason", f.reason());
                    return new Deliveries(sent, rejected, 1, perRecipient.size() - i - 1);
                }
            }
        }
        return new Deliveries(sent, rejected, 0, 0);
    }
}
