package app.credits.bench.perf;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the DynamoDB requests a client makes, by operation name, and the transactions DynamoDB cancelled (a
 * lost optimistic race or a failed condition: each one is a retry or a refusal for the ledger). Counted per API
 * call, after the SDK's own retries, so a number here is a round trip the ledger asked for.
 */
final class CountingInterceptor implements ExecutionInterceptor {
    private final ConcurrentHashMap<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final LongAdder cancelledTransactions = new LongAdder();

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        count(attributes);
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        count(attributes);
        if (context.exception() instanceof TransactionCanceledException) {
            cancelledTransactions.increment();
        }
    }

    private void count(ExecutionAttributes attributes) {
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        requests.computeIfAbsent(operation == null ? "?" : operation, k -> new LongAdder()).increment();
    }

    /** Requests by operation name, sorted. */
    Map<String, Long> requests() {
        Map<String, Long> out = new TreeMap<>();
        requests.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    long total() {
        return requests.values().stream().mapToLong(LongAdder::sum).sum();
    }

    long cancelledTransactions() {
        return cancelledTransactions.sum();
    }

    void reset() {
        requests.clear();
        cancelledTransactions.reset();
    }
}
