package app.credits.bench.snapstart.crac;

/** jdk.crac.Resource's shape, for org.crac's compatibility layer (see {@link Core}). */
public interface Resource {
    void beforeCheckpoint(Context<? extends Resource> context) throws Exception;

    void afterRestore(Context<? extends Resource> context) throws Exception;
}
