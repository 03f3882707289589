package app.credits.local;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the runner needs from template.yaml: every {@code AWS::Serverless::Function}'s handler class, its
 * {@code HttpApi} routes (and whether the API's JWT authorizer guards them) and whether it runs on a schedule.
 * The template is the one source of routes: nothing is wired by hand.
 */
public record SamTemplate(List<Function> functions, Optional<Cors> cors) {

    /**
     * One function: {@code handlerClass} from {@code Handler: a.b.C::handleRequest}; {@code timeoutSeconds} from its
     * {@code Timeout}, else the Globals', else Lambda's default of 3.
     */
    public record Function(String logicalId, String handlerClass, List<HttpRoute> routes, boolean scheduled,
                           int timeoutSeconds) {
    }

    /** {@code jwt}: the route is behind the JWT authorizer (the API's default, unless {@code Auth.Authorizer: NONE}). */
    public record HttpRoute(String method, String path, boolean jwt) {
        public String routeKey() {
            return method + " " + path;
        }
    }

    /**
     * The HTTP API's {@code CorsConfiguration}: API Gateway answers preflights itself and adds the headers to
     * every response. Origins are a deployment parameter; locally every origin is allowed.
     */
    public record Cors(List<String> allowMethods, List<String> allowHeaders, List<String> exposeHeaders, long maxAge) {
    }

    /** The value of a CloudFormation short-form tag ({@code !Ref X}): kept only so that {@code ApiId} can be followed. */
    record Intrinsic(String tag, Object value) {
    }

    public static SamTemplate read(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    @SuppressWarnings("unchecked")
    public static SamTemplate parse(String yaml) {
        LoaderOptions options = new LoaderOptions();
        Object root = new Yaml(new TolerantConstructor(options)).load(yaml);
        if (!(root instanceof Map<?, ?> top) || !(top.get("Resources") instanceof Map<?, ?> resources)) {
            throw new IllegalArgumentException("not a SAM template: no Resources");
        }
        Map<String, Object> globals = map(map(top.get("Globals")).get("HttpApi"));
        Object globalTimeout = map(map(top.get("Globals")).get("Function")).get("Timeout");
        List<Function> functions = new ArrayList<>();
        resources.forEach((id, resource) -> {
            Map<String, Object> r = map(resource);
            if (!"AWS::Serverless::Function".equals(r.get("Type"))) {
                return;
            }
            Map<String, Object> props = map(r.get("Properties"));
            Object handler = props.get("Handler");
            if (!(handler instanceof String h) || h.isBlank()) {
                throw new IllegalArgumentException("function " + id + " has no Handler");
            }
            String handlerClass = h.contains("::") ? h.substring(0, h.indexOf("::")) : h;
            List<HttpRoute> routes = new ArrayList<>();
            boolean scheduled = false;
            for (Object event : map(props.get("Events")).values()) {
                Map<String, Object> e = map(event);
                Map<String, Object> p = map(e.get("Properties"));
                switch (String.valueOf(e.get("Type"))) {
                    case "HttpApi" -> {
                        String method = String.valueOf(p.getOrDefault("Method", "ANY")).toUpperCase();
                        String path = String.valueOf(p.getOrDefault("Path", "/{proxy+}"));
                        Map<String, Object> api = apiAuth((Map<String, Object>) resources, p.get("ApiId"), globals);
                        String authorizer = String.valueOf(map(p.get("Auth")).getOrDefault("Authorizer",
                                api.getOrDefault("DefaultAuthorizer", "NONE")));
                        routes.add(new HttpRoute(method, path, !"NONE".equals(authorizer)));
                    }
                    case "Schedule", "ScheduleV2" -> scheduled = true;
                    default -> {
                        // other event sources do not exist locally
                    }
                }
            }
            Object timeout = props.getOrDefault("Timeout", globalTimeout);
            functions.add(new Function(String.valueOf(id), handlerClass, List.copyOf(routes), scheduled,
                    timeout instanceof Number n ? n.intValue() : 3));
        });
        Optional<Cors> cors = Optional.empty();
        for (Object resource : resources.values()) {
            Map<String, Object> r = map(resource);
            Map<String, Object> config = map(map(r.get("Properties")).get("CorsConfiguration"));
            if ("AWS::Serverless::HttpApi".equals(r.get("Type")) && !config.isEmpty()) {
                cors = Optional.of(new Cors(strings(config.get("AllowMethods")), strings(config.get("AllowHeaders")),
                        strings(config.get("ExposeHeaders")),
                        config.get("MaxAge") instanceof Number n ? n.longValue() : 0));
                break;
            }
        }
        return new SamTemplate(List.copyOf(functions), cors);
    }

    private static List<String> strings(Object value) {
        return value instanceof List<?> list
                ? list.stream().filter(v -> v instanceof String).map(String::valueOf).toList()
                : List.of();
    }

    /** The Auth block of the API an event names ({@code ApiId: !Ref CreditsApi}), else the implicit API's. */
    private static Map<String, Object> apiAuth(Map<String, Object> resources, Object apiId, Map<String, Object> globals) {
        if (apiId instanceof Intrinsic(String tag, Object value) && tag.equals("!Ref")) {
            Map<String, Object> api = map(resources.get(String.valueOf(value)));
            return map(map(api.get("Properties")).get("Auth"));
        }
        return map(globals.get("Auth"));
    }

    public List<Function> httpFunctions() {
        return functions.stream().filter(f -> !f.routes().isEmpty()).toList();
    }

    public Optional<Function> scheduledFunction() {
        return functions.stream().filter(Function::scheduled).findFirst();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /** Safe YAML plus every {@code !Tag}: CloudFormation's intrinsics are read as {@link Intrinsic}, not evaluated. */
    private static final class TolerantConstructor extends SafeConstructor {
        TolerantConstructor(LoaderOptions options) {
            super(options);
            yamlMultiConstructors.put("!", new AbstractConstruct() {
                @Override
                public Object construct(Node node) {
                    String tag = node.getTag().getValue();
                    Object value = switch (node) {
                        case ScalarNode s -> constructScalar(s);
                        case SequenceNode s -> constructSequence(s);
                        case MappingNode m -> constructMapping(m);
                        default -> null;
                    };
                    return new Intrinsic(tag, value);
                }
            });
        }
    }
}
