package app.credits.bench.snapstart.crac;

/**
 * A stand-in for a CRaC JVM's jdk.crac, so that a plain JDK runs the SnapStart priming hooks as Lambda does before
 * its snapshot. org.crac (which the functions and Powertools register their hooks with) looks for a CRaC
 * implementation in the package named by the system property {@code org.crac.Core.Compat}; without one it drops
 * every registration. {@link #checkpointRestore()} runs every hook (before, then after) and takes no snapshot.
 */
public final class Core {
    private static final Context<Resource> GLOBAL = new Context<>() {
    };

    private Core() {
    }

    public static Context<Resource> getGlobalContext() {
        return GLOBAL;
    }

    public static void checkpointRestore() throws CheckpointException, RestoreException {
        GLOBAL.beforeCheckpoint(null);
        GLOBAL.afterRestore(null);
    }
}
