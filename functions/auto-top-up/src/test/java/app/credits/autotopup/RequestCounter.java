package app.credits.autotopup;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Counts, on the client side, the DynamoDB requests by operation, and the items the transactions write. */
final class RequestCounter implements ExecutionInterceptor {
    private final Map<String, AtomicLong> requests = new ConcurrentHashMap<>();
    private final AtomicLong transactionItems = new AtomicLong();

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        String operation = context.request().getClass().getSimpleName().replace("Request", "");
        requests.computeIfAbsent(operation, k -> new AtomicLong()).incrementAndGet();
        if (context.request() instanceof TransactWriteItemsRequest transaction) {
            transactionItems.addAndGet(transaction.transactItems().size());
        }
    }

    /** Requests by operation since the last reset ({@code {BatchGetItem=1, TransactWriteItems=1}}). */
    Map<String, Long> requests() {
        Map<String, Long> counts = new TreeMap<>();
        requests.forEach((operation, count) -> counts.put(operation, count.get()));
        return counts;
    }

    long transactionItems() {
        return transactionItems.get();
    }

    void reset() {
        requests.clear();
        transactionItems.set(0);
    }
}
