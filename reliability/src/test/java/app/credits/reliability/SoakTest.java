package app.credits.reliability;

import app.credits.emulator.FaultInjector;
import app.credits.http.HttpFunction;
import app.credits.http.HttpResponse;
import app.credits.http.Role;
import app.credits.http.testing.Events;
import app.credits.http.testing.TestTelemetry;
import app.credits.invites.InvitesFunction;
import app.credits.account.AccountFunction;
import app.credits.ledger.LogEntry;
import app.credits.ledger.OrgId;
import app.credits.ledger.testing.MutableClock;
import app.credits.ledger.testing.TestDynamo;
import app.credits.reliability.support.Faults;
import app.credits.reliability.support.Handlers;
import app.credits.reliability.support.Requests;
import app.credits.reliability.support.Tally;
import app.credits.submissions.SubmissionsFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The long run, only with {@code -Dsoak=true} (skipped in CI, and reported as skipped): rounds of concurrent
 * submissions, invites, revokes and adjustments on a few orgs while the emulator injects random faults into about one
 * DynamoDB request in ten (errors before and after commit, conflicts, throttling). Clients retry every 5xx with the
 * same ids. After every round: no overdraft, every movement answered 2xx is in the log exactly once, the books balance.
 */
@EnabledIfSystemProperty(named = "soak", matches = "true")
class SoakTest {
    static final Tally TALLY = new Tally("SoakTest");
    static final int ROUNDS = Integer.getInteger("soak.rounds", 30);
    static final int REQUESTS_PER_ROUND = 400;

    final MutableClock clock = MutableClock.at("2026-11-23T10:00:00Z");
    final TestDynamo.World world = TestDynamo.world(clock);
    final Map<String, HttpFunction> functions = Map.of(
            "submissions", new SubmissionsFunction(world.ledger()).telemetry(new TestTelemetry().telemetry()),
            "invites", new InvitesFunction(world.ledger()).telemetry(new TestTelemetry().telemetry()),
            "account", new AccountFunction(world.ledger(), Handlers.Wiring.PRICING).telemetry(new TestTelemetry().telemetry()));

    @AfterEach
    void clear() {
        Faults.clear();
    }

    @AfterAll
    static void report() {
        TALLY.report();
    }

    @Test
    void roundsOfContendedWritesUnderRandomFaultsKeepEveryInvariant() throws Exception {
        List<String> orgs = List.of("soak-a", "soak-b", "soak-c", "soak-d");
        orgs.forEach(org -> Requests.fund(world.ledger(), org, 300));
        AtomicLong faults = new AtomicLong();
        FaultInjector randomFaults = (operation, request) -> {
            if (!Faults.touches(request, world.table()) || ThreadLocalRandom.current().nextInt(10) != 0) {
                return FaultInjector.proceed();
            }
            faults.incrementAndGet();
            return switch (ThreadLocalRandom.current().nextInt(4)) {
                case 0 -> FaultInjector.failBefore("InternalServerError", 500, "soak");
                case 1 -> FaultInjector.failAfterCommit("InternalServerError", 500);
                case 2 -> FaultInjector.transactionConflict();
                default -> FaultInjector.failBefore("ThrottlingException", 400, "soak");
            };
        };
        Random random = new Random(7);
        Map<String, Integer> finalStatus = new ConcurrentHashMap<>();
        for (int round = 0; round < ROUNDS; round++) {
            Faults.install(randomFaults);
            List<Map.Entry<String, Events>> calls = new ArrayList<>();
            for (int i = 0; i < REQUESTS_PER_ROUND; i++) {
                String org = orgs.get(random.nextInt(orgs.size()));
                String id = "r" + round + "-" + i;
                switch (random.nextInt(4)) {
                    case 0, 1 -> calls.add(Map.entry("submissions:" + id, Events.http("POST /orgs/{orgId}/submissions").org(org)
                            .claims("svc", null, Role.SERVICE)
                            .body("{\"submissionId\":\"" + id + "\",\"memberId\":\"m\"" + (random.nextBoolean()
                                    ? ",\"inviteId\":\"r" + round + "-" + (i - 1) + "\"" : "") + "}")));
                    case 2 -> calls.add(Map.entry("invites:" + id, Events.http("POST /orgs/{orgId}/invites").org(org)
                            .claims("svc", null, Role.SERVICE).body("{\"inviteId\":\"" + id + "\",\"email\":\"g@example.com\"}")));
                    default -> calls.add(Map.entry("account:" + id, Events.http("POST /orgs/{orgId}/adjustments").org(org)
                            .claims("st", null, Role.STAFF).header("Idempotency-Key", id)
                            .body("{\"credits\":\"" + (random.nextBoolean() ? "-0.5" : "0.75") + "\",\"reason\":\"soak\"}")));
                }
            }
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> futures = new ArrayList<>();
                for (var call : calls) {
                    futures.add(threads.submit(() -> {
                        String function = call.getKey().substring(0, call.getKey().indexOf(':'));
                        byte[] event = call.getValue().build();
                        for (int attempt = 0; ; attempt++) {
                            HttpResponse r = functions.get(function).handle(event, null);
                            TALLY.add("requests");
                            if (r.statusCode() >= 500 && attempt < 50) {
                                TALLY.add("retriesOf" + r.statusCode());
                                continue;
                            }
                            finalStatus.put(call.getKey(), r.statusCode());
                            TALLY.add("answered" + r.statusCode());
                            return null;
                        }
                    }));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
            }
            Faults.clear();
            for (String org : orgs) {
                var acct = world.ledger().account(OrgId.of(org));
                assertTrue(!acct.creditsLeft().isNegative(), org + " overdrawn in round " + round);
                Map<String, Long> byRef = world.ledger().fullLog(OrgId.of(org)).stream()
                        .collect(Collectors.groupingBy(LogEntry::reference, Collectors.counting()));
                byRef.forEach((ref, n) -> assertEquals(1L, n, ref));
                world.assertReconciles(OrgId.of(org));
            }
            finalStatus.forEach((key, status) -> assertTrue(status < 500, key + " still failing: " + status));
            TALLY.add("rounds");
        }
        TALLY.add("faultsInjected", faults.get());
    }
}
