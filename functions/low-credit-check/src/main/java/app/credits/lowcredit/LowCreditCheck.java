package app.credits.lowcredit;

import app.credits.ledger.Account;
import app.credits.ledger.AlertLevel;
import app.credits.ledger.Ledger;
import app.credits.ledger.OrgId;
import app.credits.ledger.ReleaseOutcome;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * One run of the scheduled check: release the invites past their expiry, then email every org that owes a
 * low-credit email, reading only the ledger's sparse indexes, so its cost follows the orgs that need it.
 * Every step is safe to repeat: a run that dies halfway is finished by the next.
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
    /** Longer than one org takes at worst: a read, a send that times out, a write. */
    static final Duration SAFETY_MARGIN = SesEmailSender.SEND_TIMEOUT.plusSeconds(3);

    private final Ledger ledger;
    private final EmailSender sender;
    private final NotificationConfig config;
    private final RunLog log;

    public LowCreditCheck(Ledger ledger, EmailSender sender, NotificationConfig config, RunLog log) {
        this.ledger = ledger;
        this.sender = sender;
        this.config = config;
        this.log = log;
    }

    /** What one run did, and the error that stopped it early, if one did (the ledger failed, not an email). */
    public record Run(CheckSummary summary, Optional<RuntimeException> aborted) {
    }

    /** A run without a deadline (tests, benchmark, local runner). */
    public CheckSummary run() {
        return runUntil(() -> Long.MAX_VALUE).summary();
    }

    /**
     * @param millisLeft how long the invocation may still run (Lambda's remaining time); no org is started when
     *                   less than {@link #SAFETY_MARGIN} is left, so a slow SES cannot time the function out.
     */
    public Run runUntil(LongSupplier millisLeft) {
        List<RuntimeException> problems = new ArrayList<>();
        int expired = expireDueInvites(problems);
        Emails emails = emailOwingOrgs(millisLeft, problems);
        return new Run(new CheckSummary(expired, emails.sent, emails.failed, emails.checked),
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
    }

    private Emails emailOwingOrgs(LongSupplier millisLeft, List<RuntimeException> problems) {
        Emails emails = new Emails();
        // Orgs handled in this run: a failed one stays in the index, and the index may lag a markNotified.
        Set<OrgId> seen = new HashSet<>();
        int failuresInARow = 0;
        Optional<OrgId> after = Optional.empty();
        try {
            while (true) {
                // Pages in org order: an org whose email failed stays in the index but never hides those after it.
                int limit = ACCOUNT_PAGE;
                List<Account> page = ledger.accountsOwingAlert(limit, after);
                if (page.isEmpty()) {
                    break;
                }
                after = Optional.of(page.getLast().org());
                List<Account> unseen = page.stream().filter(a -> !seen.contains(a.org())).toList();
                for (Account listed : unseen) {
                    if (seen.size() >= config.maxOrgsPerRun()) {
                        log.info("per-run limit reached: the rest is emailed next run", "orgsChecked", seen.size());
                        return emails;
                    }
                    if (millisLeft.getAsLong() < SAFETY_MARGIN.toMillis()) {
                        log.info("out of time: the rest is emailed next run", "orgsChecked", seen.size());
                        return emails;
                    }
                    if (failuresInARow >= FAILURES_BEFORE_GIVING_UP) {
                        log.info("SES keeps failing: the rest is emailed next run", "emailsFailed", emails.failed);
                        return emails;
                    }
                    seen.add(listed.org());
                    emails.checked++;
                    switch (emailOne(listed.org())) {
                        case Sent s -> {
                            emails.sent++;
                            failuresInARow = 0;
                        }
                        case Failed f -> {
                            emails.failed++;
                            failuresInARow++;
                        }
                        case Rejected r -> emails.failed++;
                        case NotOwed n -> { }
                    }
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

    private sealed interface OrgResult {
    }

    private record Sent() implements OrgResult {
    }

    private record Failed() implements OrgResult {
    }

    private record Rejected() implements OrgResult {
    }

    private record NotOwed() implements OrgResult {
    }

    private OrgResult emailOne(OrgId org) {
        // The index may lag the table: the email is decided and written from the account as it is now.
        Account account = ledger.account(org);
        Optional<AlertLevel> owed = account.alertOwed();
        if (owed.isEmpty()) {
            log.info("no longer owed", "orgId", org.value());
            return new NotOwed();
        }
        AlertLevel level = owed.get();
        LowCreditEmail email = LowCreditEmail.compose(account, level, config);
        return switch (sender.send(email)) {
            case EmailSender.SendResult.Sent sent -> {
                boolean marked;
                try {
                    marked = ledger.markNotified(account, level);
                } catch (RuntimeException e) {
                    // Sent but not recorded: the next run sends it again. A duplicate beats a missed email.
                    log.error("low-credit email sent but not recorded", e, "orgId", org.value(), "alertLevel", level.name());
                    yield new Sent();
                }
                // Unmarked means credits moved after the read: the email told what was true then; whatever is
                // owed now is decided by the next run.
                log.info("low-credit email sent", "orgId", org.value(), "alertLevel", level.name(),
                        "creditsLeft", account.creditsLeft().toString(), "recipients", email.to().size(),
                        "messageId", sent.messageId(), "marked", marked);
                yield new Sent();
            }
            case EmailSender.SendResult.Failed failed -> {
                log.warn("low-credit email failed; retried next run", "orgId", org.value(), "alertLevel", level.name(),
                        "reason", failed.reason());
                yield new Failed();
            }
            // Logged by org and count, never by address: the recipients are the org's admins' own data.
            case EmailSender.SendResult.Rejected rejected -> {
                log.warn("low-credit email rejected by SES for this org's recipients; retried next run", "orgId",
                        org.value(), "alertLevel", level.name(), "recipients", email.to().size(), "reason", rejected.reason());
                yield new Rejected();
            }
        };
    }
}
