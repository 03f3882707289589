package software.amazon.lambda.powertools.tracing;

import com.amazonaws.xray.AWSXRay;
import com.amazonaws.xray.entities.Subsegment;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import software.amazon.lambda.powertools.common.internal.ClassPreLoader;
import software.amazon.lambda.powertools.common.internal.LambdaHandlerProcessor;

import java.util.function.Consumer;

/**
 * STAND-IN (bench/powertools/standin, see its README) for powertools-tracing 2.10.0's functional API, which this
 * workplace's Maven Central does not serve: {@code withSubsegment} opens an X-Ray subsegment {@code ## name} in the
 * service's namespace around the code, through the real X-Ray SDK; {@code init} makes the class register its
 * SnapStart hook (CRaC), which preloads the classes Powertools lists, as the real one does.
 */
public final class TracingUtils implements Resource {
    private static final TracingUtils INSTANCE = new TracingUtils();

    static {
        Core.getGlobalContext().register(INSTANCE);
    }

    private TracingUtils() {
    }

    /** Referenced at init so that the hook above is registered before the snapshot. */
    public static void init() {
        // Loading this class is the point.
    }

    public static void withSubsegment(String name, Consumer<Subsegment> code) {
        Subsegment subsegment = AWSXRay.beginSubsegment("## " + name);
        subsegment.setNamespace(LambdaHandlerProcessor.serviceName());
        try {
            code.accept(subsegment);
        } finally {
            AWSXRay.endSubsegment();
        }
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        ClassPreLoader.preloadClasses();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // Nothing to restore.
    }
}
