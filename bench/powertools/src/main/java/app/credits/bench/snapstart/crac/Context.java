package app.credits.bench.snapstart.crac;

import java.util.ArrayList;
import java.util.List;

/**
 * jdk.crac.Context's shape: the global context keeps its resources strongly (the org.crac wrapper holds the
 * application's resource weakly, as on a CRaC JVM) and notifies them as CRaC does: before the checkpoint in the
 * reverse order of registration, after the restore in that order.
 */
public abstract class Context<R extends Resource> implements Resource {
    private final List<R> resources = new ArrayList<>();

    public synchronized void register(R resource) {
        resources.add(resource);
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) throws CheckpointException {
        CheckpointException failed = new CheckpointException();
        for (R resource : snapshot().reversed()) {
            try {
                resource.beforeCheckpoint(this);
            } catch (Exception e) {
                failed.addSuppressed(e);
            }
        }
        if (failed.getSuppressed().length > 0) {
            throw failed;
        }
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) throws RestoreException {
        RestoreException failed = new RestoreException();
        for (R resource : snapshot()) {
            try {
                resource.afterRestore(this);
            } catch (Exception e) {
                failed.addSuppressed(e);
            }
        }
        if (failed.getSuppressed().length > 0) {
            throw failed;
        }
    }

    /** How many resources registered (the driver reports it: 0 would mean org.crac never reached this package). */
    public synchronized int size() {
        return resources.size();
    }

    private synchronized List<R> snapshot() {
        return List.copyOf(resources);
    }
}
