package app.credits.lowcredit.testing;

import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsResponse;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts, on the client side, the DynamoDB requests a piece of code makes and the items their responses return
 * (Query and Scan: {@code Count}; GetItem: 0 or 1; BatchGetItem / TransactGetItems: the items returned).
 */
public final class ReadCounter implements ExecutionInterceptor {
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong itemsRead = new AtomicLong();
    private final AtomicLong scans = new AtomicLong();

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        requests.incrementAndGet();
        SdkResponse response = context.response();
        long items = switch (response) {
            case QueryResponse q -> q.count();
            case ScanResponse s -> {
                scans.incrementAndGet();
                yield s.count();
            }
            case GetItemResponse g -> g.hasItem() && !g.item().isEmpty() ? 1 : 0;
            case BatchGetItemResponse b -> b.responses().values().stream().mapToLong(List::size).sum();
            case TransactGetItemsResponse t -> t.responses().stream().filter(r -> r.hasItem() && !r.item().isEmpty()).count();
            default -> 0;
        };
        itemsRead.addAndGet(items);
    }

    public long requests() {
        return requests.get();
    }

    public long itemsRead() {
        return itemsRead.get();
    }

    public long scans() {
        return scans.get();
    }

    public void reset() {
        requests.set(0);
        itemsRead.set(0);
        scans.set(0);
    }
}
