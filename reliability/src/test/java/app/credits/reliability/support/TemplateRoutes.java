package app.credits.reliability.support;

import app.credits.http.testing.SampleEvents;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The HTTP routes template.yaml deploys, read from the template itself so that a route added there cannot escape
 * the fuzzing and the authorization matrix: every {@code HttpApi} event of every {@code AWS::Serverless::Function},
 * with the function's handler class and whether API Gateway's JWT authorizer guards it.
 */
public final class TemplateRoutes {

    /** One deployed route: {@code key} is API Gateway's route key, e.g. {@code "GET /orgs/{orgId}/balance"}. */
    public record TemplateRoute(String key, String function, String handlerClass, boolean jwt) {
        public String method() {
            return key.substring(0, key.indexOf(' '));
        }

        public String path() {
            return key.substring(key.indexOf(' ') + 1);
        }

        @Override
        public String toString() {
            return key;
        }
    }

    private static List<TemplateRoute> cached;

    private TemplateRoutes() {
    }

    public static Path template() {
        return SampleEvents.repoRoot().resolve("template.yaml");
    }

    public static synchronized List<TemplateRoute> all() {
        if (cached == null) {
            try {
                cached = parse(Files.readString(template()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return cached;
    }

    @SuppressWarnings("unchecked")
    static List<TemplateRoute> parse(String yaml) {
        Map<String, Object> root = new Yaml(new CloudFormationTags()).load(yaml);
        Map<String, Object> resources = (Map<String, Object>) root.get("Resources");
        List<TemplateRoute> routes = new ArrayList<>();
        resources.forEach((name, value) -> {
            Map<String, Object> resource = (Map<String, Object>) value;
            if (!"AWS::Serverless::Function".equals(resource.get("Type"))) {
                return;
            }
            Map<String, Object> properties = (Map<String, Object>) resource.get("Properties");
            String handler = String.valueOf(properties.get("Handler"));
            String handlerClass = handler.contains("::") ? handler.substring(0, handler.indexOf("::")) : handler;
            Map<String, Object> events = (Map<String, Object>) properties.getOrDefault("Events", Map.of());
            events.forEach((eventName, eventValue) -> {
                Map<String, Object> event = (Map<String, Object>) eventValue;
                if (!"HttpApi".equals(event.get("Type"))) {
                    return;
                }
                Map<String, Object> p = (Map<String, Object>) event.get("Properties");
                String method = String.valueOf(p.get("Method")).toUpperCase();
                Object auth = p.get("Auth");
                boolean open = auth instanceof Map<?, ?> a && "NONE".equals(String.valueOf(a.get("Authorizer")));
                routes.add(new TemplateRoute(method + " " + p.get("Path"), name, handlerClass, !open));
            });
        });
        if (routes.isEmpty()) {
            throw new IllegalStateException("template.yaml declares no HttpApi routes");
        }
        return List.copyOf(routes);
    }

    /** SafeConstructor that reads CloudFormation's short-form tags (!Ref, !Sub, !GetAtt, ...) as plain values. */
    private static final class CloudFormationTags extends SafeConstructor {
        CloudFormationTags() {
            super(new LoaderOptions());
            this.yamlConstructors.put(null, new AbstractConstruct() {
                @Override
                public Object construct(Node node) {
                    return switch (node) {
                        case ScalarNode s -> constructScalar(s);
                        case SequenceNode s -> constructSequence(s);
                        case MappingNode m -> constructMapping(m);
                        default -> null;
                    };
                }
            });
        }
    }
}
