package app.credits.ledger.testing;

import app.credits.ledger.LedgerBusy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Races for every module's tests: tasks released together, and what a client does with a 503. */
public final class Races {
    private Races() {
    }

    /** Runs every task at once (released together, one virtual thread each) and returns their results in order. */
    public static <T> List<T> race(List<Callable<T>> tasks) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.call();
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        }
    }

    /**
     * What a client does with a 503 (the contract: safe to retry with the same id). Under heavy contention on one org
     * some callers exhaust the ledger's retry budget; they must then see LedgerBusy, never a wrong answer, and their
     * retry must land exactly once.
     */
    public static <T> T retryWhileBusy(Callable<T> call) throws Exception {
        while (true) {
            try {
                return call.call();
            } catch (LedgerBusy busy) {
                Thread.sleep(10);
            }
        }
    }
}
