package app.credits.reliability.support;

import app.credits.checkout.StripeCheckout;
import app.credits.http.HttpFunction;
import app.credits.runtime.Telemetry;
import app.credits.ledger.Ledger;
import app.credits.ledger.Money;
import app.credits.ledger.Pricing;
import app.credits.testkit.template.SamTemplate;
import app.credits.testkit.template.SamTemplate.HttpRoute;
import app.credits.runtime.UnsubscribeTokens;

import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.time.Clock;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The handler classes of template.yaml, instantiated through their test constructor (the one taking their
 * dependencies) with this world's ledger, so that every deployed route is reachable without knowing it in advance.
 * A new handler whose constructor needs something unknown here fails loudly instead of escaping the tests.
 */
public final class Handlers {

    /** What a handler may ask for in its test constructor. */
    public record Wiring(Ledger ledger, Clock clock, Telemetry telemetry, Optional<StripeCheckout> stripe) {
        public static final Pricing PRICING = new Pricing(Money.of(2900, "usd"), Pricing.parseTiers(Pricing.DEFAULT_TIERS));
    }

    private Handlers() {
    }

    /** One instance per handler class of the template, keyed by class name. */
    public static Map<String, HttpFunction> forTemplate(Wiring wiring) {
        Map<String, HttpFunction> functions = new LinkedHashMap<>();
        for (HttpRoute route : SamTemplate.ofRepository().httpRoutes()) {
            functions.computeIfAbsent(route.handlerClass(), name -> instantiate(name, wiring));
        }
        return functions;
    }

    public static HttpFunction instantiate(String className, Wiring wiring) {
        Class<?> type;
        try {
            type = Class.forName(className);
        } catch (ClassNotFoundException e) {
            throw new AssertionError("template.yaml names handler " + className
                    + ", which is not on the reliability module's test classpath: add its module to reliability/pom.xml", e);
        }
        if (!HttpFunction.class.isAssignableFrom(type)) {
            throw new AssertionError(className + " serves an HttpApi route but is not an HttpFunction");
        }
        List<Constructor<?>> candidates = Arrays.stream(type.getConstructors())
                .filter(c -> c.getParameterCount() > 0) // the no-arg one is Lambda's: it reads the process environment
                .sorted(Comparator.comparingInt((Constructor<?> c) -> c.getParameterCount()).reversed())
                .toList();
        for (Constructor<?> c : candidates) {
            Type[] parameters = c.getGenericParameterTypes();
            Object[] args = new Object[parameters.length];
            boolean ok = true;
            for (int i = 0; i < parameters.length && ok; i++) {
                Optional<Object> value = resolve(parameters[i], wiring);
                ok = value.isPresent();
                args[i] = value.orElse(null);
            }
            if (ok) {
                try {
                    HttpFunction function = (HttpFunction) c.newInstance(args);
                    function.telemetry(wiring.telemetry());
                    return function;
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError("cannot instantiate " + className, e);
                }
            }
        }
        throw new AssertionError(className + " has no test constructor whose parameters the reliability tests can "
                + "supply (Ledger, Pricing, Clock, Telemetry, the webhook secret, UnsubscribeTokens, Optional<StripeCheckout>): "
                + "extend Handlers");
    }

    private static Optional<Object> resolve(Type parameter, Wiring wiring) {
        if (parameter instanceof ParameterizedType p && p.getRawType() == Optional.class) {
            return resolve(p.getActualTypeArguments()[0], wiring).map(Optional::of);
        }
        if (parameter == Ledger.class) {
            return Optional.of(wiring.ledger());
        }
        if (parameter == Pricing.class) {
            return Optional.of(Wiring.PRICING);
        }
        if (parameter == Clock.class) {
            return Optional.of(wiring.clock());
        }
        if (parameter == Telemetry.class) {
            return Optional.of(wiring.telemetry());
        }
        if (parameter == String.class) {
            return Optional.of(StripeEvents.SECRET); // the webhook's signing secret
        }
        if (parameter == UnsubscribeTokens.class) {
            return Optional.of(Requests.UNSUBSCRIBE_TOKENS);
        }
        if (parameter == StripeCheckout.class) {
            return wiring.stripe().map(s -> s);
        }
        return Optional.empty();
    }
}
