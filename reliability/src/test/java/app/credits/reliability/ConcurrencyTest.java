package app.credits.reliability;

import app.credits.account.AccountFunction;
import app.credits.http.HttpFunction;
import app.credits.http.HttpResponse;
import app.credits.http.Role;
import app.credits.http.testing.Events;
import app.credits.http.testing.TestTelemetry;
import app.credits.invites.InvitesFunction;
import app.credits.ledger.Account;
import app.credits.ledger.Credits;
import app.credits.ledger.EntryType;
import app.credits.ledger.Invite;
import app.credits.ledger.InviteStatus;
import app.credits.ledger.LogEntry;
import app.credits.ledger.OrgId;
import app.credits.ledger.testing.MutableClock;
import app.credits.ledger.testing.TestDynamo;
import app.credits.reliability.support.Handlers;
import app.credits.reliability.support.StripeEvents;
import app.credits.reliability.support.Tally;
import app.credits.submissions.SubmissionsFunction;
import app.credits.webhook.StripeWebhookFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hundreds of concurrent requests through the real handlers, on virtual threads: submissions with and without
 * invites, invites and revokes racing, adjustments, duplicated requests, and duplicated and reordered Stripe
 * webhooks; on a few hot orgs (contention) and on many orgs. A client retries a 503 with the same ids, as the
 * contract says it may. Nothing but 503 may be a 5xx, no org is overdrawn, and every movement lands exactly once.
 */
class ConcurrencyTest {
    static final Tally TALLY = new Tally("ConcurrencyTest");
    static final Set<Integer> EXPECTED = Set.of(200, 201, 402, 404, 409);
    static final int MAX_RETRIES_OF_503 = 30;

    final MutableClock clock = MutableClock.at("2026-11-23T10:00:00Z");
    final TestDynamo.World world = TestDynamo.world(clock);
    // Request logs go to a capture, not the console: thousands of lines would drown the test report.
    final HttpFunction submissions = new SubmissionsFunction(world.ledger()).telemetry(new TestTelemetry().telemetry());
    final HttpFunction invites = new InvitesFunction(world.ledger()).telemetry(new TestTelemetry().telemetry());
    final HttpFunction account = new AccountFunction(world.ledger(), Handlers.Wiring.PRICING).telemetry(new TestTelemetry().telemetry());
    final StripeWebhookFunction webhook = new StripeWebhookFunction(world.ledger(), StripeEvents.SECRET, clock,
            new TestTelemetry().telemetry());
    final Random random = new Random(20261123L);

    /** One request of the mix, what it names, and the final answer it got (after retrying 503s). */
    record Call(String kind, String org, String id, HttpFunction function, byte[] event) {
    }

    record Answer(Call call, int status, int retriesOf503, String body) {
    }

    @AfterAll
    static void report() {
        TALLY.report();
    }

    @Test
    void fiveHundredMixedRequestsOnThreeHotOrgsNeverOverdrawAndLandExactlyOnce() throws Exception {
        // GIVEN three orgs with 40 credits each, bought through the webhook
        List<String> orgs = List.of("hot-a", "hot-b", "hot-c");
        for (String org : orgs) {
            deliver(StripeEvents.purchase(org, 40).completed());
        }

        // AND a mix of requests, each org's far more than its credits can pay for, some sent twice
        List<Call> calls = new ArrayList<>();
        for (String org : orgs) {
            for (int i = 0; i < 60; i++) {
                Call submit = submission(org, "s-" + org + "-" + i, Optional.empty());
                calls.add(submit);
                if (i % 4 == 0) {
                    calls.add(submit); // a duplicate, concurrent with the original
                }
            }
            for (int i = 0; i < 25; i++) {
                String invite = "i-" + org + "-" + i;
                calls.add(new Call("invite", org, invite, invites, Events.http("POST /orgs/{orgId}/invites").org(org)
                        .claims("admin", org, Role.ADMIN)
                        .body("{\"inviteId\":\"" + invite + "\",\"email\":\"guest" + i + "@example.com\"}").build()));
                calls.add(submission(org, "si-" + org + "-" + i, Optional.of(invite)));
                if (i % 3 == 0) {
                    // A revoke racing the submission that consumes the same invite: exactly one of them may win.
                    calls.add(new Call("revoke", org, invite, invites, Events.http("DELETE /orgs/{orgId}/invites/{inviteId}")
                            .org(org).path("inviteId", invite).claims("svc", null, Role.SERVICE).build()));
                }
            }
            for (int i = 0; i < 12; i++) {
                String key = "adj-" + org + "-" + i;
                Call adjust = new Call("adjustment", org, key, account, Events.http("POST /orgs/{orgId}/adjustments").org(org)
                        .claims("staff", null, Role.STAFF).header("Idempotency-Key", key)
                        .body("{\"credits\":\"" + (i % 2 == 0 ? "-1.5" : "2") + "\",\"reason\":\"race\"}").build());
                calls.add(adjust);
                calls.add(adjust);
            }
        }
        Collections.shuffle(calls, random);

        // WHEN they are all sent at once
        List<Answer> answers = sendAll(calls);

        // THEN nothing failed but with the contract's expected answers (503s having been retried)
        assertExpectedAnswers(answers);
        for (String org : orgs) {
            OrgId id = OrgId.of(org);
            Account acct = world.ledger().account(id);
            // AND no org is overdrawn
            assertTrue(!acct.creditsLeft().isNegative(), org + " overdrawn: " + acct);
            List<LogEntry> log = world.ledger().fullLog(id);
            Map<String, Long> byReference = log.stream().collect(Collectors.groupingBy(LogEntry::reference, Collectors.counting()));
            // AND every movement is in the log exactly once, exactly when it was answered 2xx
            for (Answer a : answers) {
                if (!a.call().org().equals(org) || a.call().kind().equals("invite") || a.call().kind().equals("revoke")) {
                    continue;
                }
                long entries = byReference.getOrDefault(a.call().id(), 0L);
                if (a.status() < 300) {
                    assertEquals(1, entries, a.call().kind() + " " + a.call().id() + " answered " + a.status() + " but has " + entries + " entries");
                }
            }
            byReference.forEach((ref, n) -> assertEquals(1L, n, "reference " + ref + " appears " + n + " times"));
            Set<String> answered2xx = answers.stream().filter(a -> a.call().org().equals(org) && a.status() < 300)
                    .map(a -> a.call().id()).collect(Collectors.toSet());
            for (LogEntry e : log) {
                assertTrue(e.type() == EntryType.PURCHASE || answered2xx.contains(e.reference()),
                        "a movement nobody was told about: " + e);
            }
            // AND each invite resolved once: consumed by its submission or revoked, never both
            for (Invite invite : world.ledger().invites(id, Optional.empty(), 100, Optional.empty()).invites()) {
                long charged = byReference.getOrDefault("si-" + org + "-" + invite.inviteId().substring(invite.inviteId().lastIndexOf('-') + 1), 0L);
                if (invite.status() == InviteStatus.COMPLETED) {
                    assertEquals(1, charged, "completed invite without exactly one charge: " + invite);
                } else {
                    assertEquals(0, charged, "invite " + invite.status() + " but its submission was charged: " + invite);
                }
            }
            world.assertReconciles(id);
        }
    }

    @Test
    void oneHundredFiftyOrgsInParallelEachGetExactlyTheirOwnMovements() throws Exception {
        // GIVEN a hundred and fifty orgs, each funded, then sent a submission, an invite and a duplicate of each, all at once
        List<String> orgs = new ArrayList<>();
        List<Call> funding = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            String org = "many-" + i;
            orgs.add(org);
            funding.add(new Call("adjustment", org, "fund-" + org, account, Events.http("POST /orgs/{orgId}/adjustments").org(org)
                    .claims("staff", null, Role.STAFF).header("Idempotency-Key", "fund-" + org)
                    .body("{\"credits\":\"3\",\"reason\":\"welcome\",\"kind\":\"bonus\"}").build()));
        }
        assertExpectedAnswers(sendAll(funding));
        List<Call> calls = new ArrayList<>();
        for (String org : orgs) {
            Call submit = submission(org, "s-" + org, Optional.empty());
            Call invite = new Call("invite", org, "i-" + org, invites, Events.http("POST /orgs/{orgId}/invites").org(org)
                    .claims("admin", org, Role.ADMIN).body("{\"inviteId\":\"i-" + org + "\",\"email\":\"g@example.com\"}").build());
            calls.addAll(List.of(submit, submit, invite, invite));
        }
        Collections.shuffle(calls, random);

        // WHEN they all run at once
        List<Answer> answers = sendAll(calls);

        // THEN every one succeeded (replays included), and each org holds exactly its own numbers
        assertExpectedAnswers(answers);
        assertTrue(answers.stream().allMatch(a -> a.status() == 200 || a.status() == 201),
                answers.stream().filter(a -> a.status() > 201).map(Answer::toString).limit(5).toList().toString());
        for (String org : orgs) {
            Account acct = world.ledger().account(OrgId.of(org));
            assertEquals(Credits.whole(2), acct.balance(), org);
            assertEquals(Credits.whole(1), acct.reserved(), org);
            assertEquals(Credits.whole(1), acct.creditsLeft(), org);
            world.assertReconciles(OrgId.of(org));
        }
    }

    @Test
    void duplicatedAndReorderedWebhooksCreditEachPurchaseExactlyOnce() throws Exception {
        // GIVEN thirty purchases of 10 credits: partly refunded (3 credits), disputed and won, disputed and lost, or
        // partly refunded AND disputed and won (the refund stays taken back whatever the order)
        List<String> orgs = new ArrayList<>();
        Map<String, Credits> expected = new HashMap<>();
        List<Call> calls = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String org = "buyer-" + i;
            orgs.add(org);
            StripeEvents.Purchase purchase = StripeEvents.purchase(org, 10);
            List<com.fasterxml.jackson.databind.node.ObjectNode> events = new ArrayList<>(List.of(purchase.completed()));
            switch (i % 4) {
                case 0 -> {
                    events.add(purchase.refunded(3 * StripeEvents.UNIT_AMOUNT));
                    expected.put(org, Credits.whole(7));
                }
                case 1 -> {
                    StripeEvents.Dispute dispute = purchase.disputed();
                    events.add(dispute.created());
                    events.add(dispute.closed(true));
                    expected.put(org, Credits.whole(10));
                }
                case 2 -> {
                    StripeEvents.Dispute dispute = purchase.disputed();
                    events.add(dispute.created());
                    events.add(dispute.closed(false));
                    expected.put(org, Credits.ZERO);
                }
                default -> {
                    events.add(purchase.refunded(3 * StripeEvents.UNIT_AMOUNT));
                    StripeEvents.Dispute dispute = purchase.disputed();
                    events.add(dispute.created());
                    events.add(dispute.closed(true));
                    expected.put(org, Credits.whole(7));
                }
            }
            // AND Stripe delivers every event three times, in any order, concurrently
            for (var event : events) {
                Call delivery = new Call("webhook", org, event.path("id").asText(), webhook,
                        StripeEvents.delivery(event, clock.instant()).build());
                calls.addAll(List.of(delivery, delivery, delivery));
            }
        }
        Collections.shuffle(calls, random);

        // WHEN they all arrive at once
        List<Answer> answers = sendAll(calls);

        // THEN every delivery is acknowledged, and each org holds what its events add up to, with one purchase entry
        assertTrue(answers.stream().allMatch(a -> a.status() == 200), answers.stream().filter(a -> a.status() != 200)
                .map(Answer::toString).limit(5).toList().toString());
        for (String org : orgs) {
            OrgId id = OrgId.of(org);
            Account acct = world.ledger().account(id);
            assertEquals(expected.get(org), acct.balance(), org + ": " + world.ledger().fullLog(id));
            assertEquals(1, world.ledger().fullLog(id).stream().filter(e -> e.type() == EntryType.PURCHASE).count(), org);
            world.assertReconciles(id);
        }
    }

    // ---------------------------------------------------------------- plumbing

    private Call submission(String org, String submissionId, Optional<String> invite) {
        String body = "{\"submissionId\":\"" + submissionId + "\",\"memberId\":\"m-" + submissionId + "\""
                + invite.map(i -> ",\"inviteId\":\"" + i + "\"").orElse("") + "}";
        Events event = Events.http("POST /orgs/{orgId}/submissions").org(org).body(body);
        event = invite.isPresent() ? event.claims("svc", null, Role.SERVICE) : event.claims("m-" + submissionId, org, Role.MEMBER);
        return new Call("submission", org, submissionId, submissions, event.build());
    }

    private void deliver(com.fasterxml.jackson.databind.node.ObjectNode event) {
        HttpResponse r = webhook.handle(StripeEvents.delivery(event, clock.instant()).build(), null);
        TALLY.add("requests");
        assertEquals(200, r.statusCode(), r.body());
    }

    /** Every call on its own virtual thread, all at once; a 503 is retried with the same request, as a client would. */
    private List<Answer> sendAll(List<Call> calls) throws Exception {
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Answer>> futures = new ArrayList<>();
            for (Call call : calls) {
                futures.add(threads.submit(() -> {
                    int retries = 0;
                    while (true) {
                        HttpResponse r = call.function().handle(call.event(), null);
                        TALLY.add("requests");
                        if (r.statusCode() == 503 && retries < MAX_RETRIES_OF_503) {
                            retries++;
                            TALLY.add("retriesOf503");
                            continue;
                        }
                        return new Answer(call, r.statusCode(), retries, r.body());
                    }
                }));
            }
            List<Answer> answers = new ArrayList<>();
            for (Future<Answer> f : futures) {
                answers.add(f.get());
            }
            Map<Integer, Long> statuses = new HashMap<>();
            answers.forEach(a -> statuses.merge(a.status(), 1L, Long::sum));
            statuses.forEach((status, n) -> TALLY.add("answered" + status, n));
            return answers;
        }
    }

    private static void assertExpectedAnswers(List<Answer> answers) {
        List<Answer> unexpected = answers.stream().filter(a -> !EXPECTED.contains(a.status())).toList();
        assertTrue(unexpected.isEmpty(), unexpected.size() + " unexpected answers, e.g. " + unexpected.stream().limit(5).toList());
    }
}
