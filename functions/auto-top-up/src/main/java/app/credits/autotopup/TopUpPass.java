package app.credits.autotopup;

import app.credits.ledger.AutoTopUp;
import app.credits.ledger.AutoTopUps;
import app.credits.ledger.AutomaticPayment;
import app.credits.ledger.LedgerStore;
import app.credits.ledger.OrgId;
import app.credits.ledger.Pricing;
import app.credits.ledger.TopUpAttempt;
import app.credits.ledger.TopUpFailure;
import app.credits.ledger.TopUpStep;
import app.credits.lowcredit.EmailSender;
import app.credits.lowcredit.LowCreditEmail;
import app.credits.lowcredit.NotificationConfig;
import app.credits.lowcredit.RunLog;

import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * One run of the scheduled auto top-up pass: read the orgs due from the ledger's sparse index (so its cost follows
 * the orgs that need it), and for each take the ledger's next step until there is none: send an owed decline email,
 * or charge a claimed (or resumed) attempt off-session and record what Stripe answered. Every step is safe to repeat
 * and to race: several passes at once claim one top-up per crossing, and a pass that dies halfway is finished by a
 * later one (the attempt's lease runs out, and the same idempotency key finds the same PaymentIntent).
 */
public final class TopUpPass {
    /** Orgs read from the due index per query. */
    static final int PAGE = 100;
    /** Steps for one org in one run: an email, a charge, the email of its failure, and one to spare. */
    static final int STEPS_PER_ORG = 4;
    /** Longer than one org takes at worst: a claim, a charge with Stripe's timeouts and retries, a record, an email. */
    static final Duration SAFETY_MARGIN = OffSessionCharges.READ_TIMEOUT.multipliedBy(OffSessionCharges.NETWORK_RETRIES + 1)
            .plusSeconds(10);

    private final AutoTopUps topUps;
    private final Pricing pricing;
    private final Optional<OffSessionCharges> stripe;
    private final EmailSender sender;
    private final NotificationConfig config;
    private final RunLog log;
    private final Clock clock;

    public TopUpPass(AutoTopUps topUps, Pricing pricing, Optional<OffSessionCharges> stripe, EmailSender sender,
                     NotificationConfig config, RunLog log, Clock clock) {
        this.topUps = topUps;
        this.pricing = pricing;
        this.stripe = stripe;
        this.sender = sender;
        this.config = config;
        this.log = log;
        this.clock = clock;
    }

    /** What one run did, and the error that stopped it early, if one did (the ledger failed). */
    public record Run(PassSummary summary, Optional<RuntimeException> aborted) {
    }

    /** A run without a deadline (tests, local runner). */
    public PassSummary run() {
        return runUntil(() -> Long.MAX_VALUE).summary();
    }

    /** @param millisLeft how long the invocation may still run; no org is started with less than {@link #SAFETY_MARGIN}. */
    public Run runUntil(LongSupplier millisLeft) {
        Tally tally = new Tally();
        Set<OrgId> seen = new HashSet<>();
        Optional<String> after = Optional.empty();
        try {
            do {
                LedgerStore.DueTopUps page = topUps.due(PAGE, after);
                for (AutoTopUp due : page.due()) {
                    if (millisLeft.getAsLong() < SAFETY_MARGIN.toMillis()) {
                        log.info("out of time: the rest waits for the next run", "orgsDue", tally.orgsDue);
                        return new Run(tally.summary(), Optional.empty());
                    }
                    if (seen.add(due.org())) {
                        tally.orgsDue++;
                        handle(due.org(), tally);
                    }
                }
                after = page.next();
            } while (after.isPresent());
        } catch (RuntimeException e) {
            log.error("auto top-up pass stopped", e, "orgsDue", tally.orgsDue);
            return new Run(tally.summary(), Optional.of(e));
        }
        return new Run(tally.summary(), Optional.empty());
    }

    private static final class Tally {
        int orgsDue;
        int charged;
        int succeeded;
        int declined;
        int requiresAction;
        int unavailable;
        int emailsSent;
        int emailsFailed;

        PassSummary summary() {
            return new PassSummary(orgsDue, charged, succeeded, declined, requiresAction, unavailable, emailsSent,
                    emailsFailed);
        }
    }

    /**
     * The ledger's steps for one org while one may follow (a failure's email after its charge, a claim after an
     * email), until it has none or one cannot be done now (it is due again later).
     */
    private void handle(OrgId org, Tally tally) {
        for (int step = 0; step < STEPS_PER_ORG; step++) {
            boolean done = switch (topUps.next(org, pricing)) {
                case TopUpStep.Idle idle -> {
                    log.info("auto top-up idle", "orgId", org.value(), "reason", idle.reason());
                    yield false;
                }
                case TopUpStep.Notify notify -> notify(notify, tally);
                case TopUpStep.Charge charge -> charge(charge, tally);
            };
            if (!done) {
                return;
            }
        }
    }

    private boolean charge(TopUpStep.Charge step, Tally tally) {
        TopUpAttempt attempt = step.attempt();
        OrgId org = attempt.org();
        if (stripe.isEmpty()) {
            // Its lease runs out and a pass with Stripe configured resumes it.
            log.error("auto top-up claimed but Stripe is not configured (STRIPE_API_KEY_PARAM or STRIPE_API_KEY)", null,
                    "orgId", org.value(), "attemptId", attempt.id());
            tally.unavailable++;
            return false;
        }
        ChargeResult result = stripe.get().charge(attempt, step.state(), clock.instant());
        if (result instanceof ChargeResult.Unavailable unavailable) {
            log.warn("Stripe unavailable: the charge is retried by a later run", "orgId", org.value(),
                    "attemptId", attempt.id(), "resumed", step.resumed(), "reason", unavailable.reason());
            tally.unavailable++;
            return false;
        }
        tally.charged++;
        switch (result) {
            case ChargeResult.Succeeded s -> tally.succeeded++;
            case ChargeResult.Failed f when f.failure() instanceof TopUpFailure.NeedsAuthentication -> tally.requiresAction++;
            case ChargeResult.Failed f -> tally.declined++;
            default -> { }
        }
        topUps.recordCharge(org, attempt.id(), result.outcome().orElseThrow());
        log.info("auto top-up charged", "orgId", org.value(), "attemptId", attempt.id(), "credits", attempt.credits(),
                "resumed", step.resumed(), "result", result.getClass().getSimpleName(),
                "failureCode", result instanceof ChargeResult.Failed f ? f.failure().code() : null);
        if (step.resumed() && result instanceof ChargeResult.Succeeded succeeded) {
            // A charge whose pass died, or whose webhook never came: Stripe's answer confirms the payment, so it is
            // credited here (exactly once: the purchase is keyed by the PaymentIntent, as the webhook's is).
            topUps.credit(new AutomaticPayment(org, attempt.id(), succeeded.paymentIntentId(), attempt.credits(),
                    succeeded.received()));
        }
        // A failure's email is the next step; after a payment, nothing is until its credits arrive.
        return result instanceof ChargeResult.Failed;
    }

    /**
     * Emails the failure to each recipient. Once anybody got it, it is sent (another try would send the others a
     * second copy); if nobody did, it stays owed and a later run tries again. Logged by org and count, never by address.
     */
    private boolean notify(TopUpStep.Notify step, Tally tally) {
        OrgId org = step.account().org();
        String attemptId = step.attempt().id();
        List<LowCreditEmail> perRecipient = TopUpEmail.compose(step.account(), step.state(), step.attempt(), config);
        if (perRecipient.isEmpty()) {
            log.warn("auto top-up failed and nobody receives this org's emails", "orgId", org.value(), "attemptId", attemptId);
            return topUps.noticeSent(org, attemptId);
        }
        int sent = 0;
        for (LowCreditEmail email : perRecipient) {
            switch (sender.send(email)) {
                case EmailSender.SendResult.Sent s -> sent++;
                case EmailSender.SendResult.Rejected rejected -> log.warn("auto top-up email rejected by SES for one recipient",
                        "orgId", org.value(), "recipients", perRecipient.size(), "reason", rejected.reason());
                case EmailSender.SendResult.Failed failed -> log.warn("auto top-up email failed",
                        "orgId", org.value(), "recipients", perRecipient.size(), "reason", failed.reason());
            }
        }
        tally.emailsSent += sent;
        tally.emailsFailed += perRecipient.size() - sent;
        if (sent == 0) {
            return false;
        }
        boolean marked = topUps.noticeSent(org, attemptId);
        log.info("auto top-up email sent", "orgId", org.value(), "attemptId", attemptId,
                "failureCode", step.attempt().failureCode().orElse(null), "recipients", sent,
                "recipientsMissed", perRecipient.size() - sent, "marked", marked);
        return true;
    }
}
