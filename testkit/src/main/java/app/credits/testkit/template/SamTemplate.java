package app.credits.testkit.template;

import app.credits.testkit.Repository;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one reader of template.yaml. The template is the one source of what deploys: the local runner hosts its
 * functions and routes from it, the reliability suite fuzzes and authorizes every route it declares, and the
 * contract tests hold it to the agreed decisions. Read as JSON with CloudFormation's long-form intrinsics
 * ({@code !Ref X} is {@code {"Ref": "X"}}), with typed views for what those three need.
 */
public final class SamTemplate {

    /**
     * One {@code AWS::Serverless::Function}: {@code handlerClass} from {@code Handler: a.b.C::handleRequest};
     * {@code moduleDir} from {@code CodeUri: functions/<dir>/target/<dir>.jar}; {@code timeoutSeconds} its own
     * {@code Timeout}, else the Globals', else Lambda's default of 3.
     */
    public record Function(String logicalId, String handlerClass, Optional<String> moduleDir, List<HttpRoute> routes,
                           boolean scheduled, int timeoutSeconds) {
    }

    /**
     * One {@code HttpApi} event. {@code jwt}: API Gateway's JWT authorizer guards it (the API's default authorizer,
     * unless the event says {@code Auth.Authorizer: NONE}). {@code properties} is the event's Properties block.
     */
    public record HttpRoute(String functionId, String handlerClass, String eventName, String method, String path,
                            boolean jwt, JsonNode properties) {
        /** API Gateway's route key, e.g. {@code "GET /orgs/{orgId}/balance"}. */
        public String routeKey() {
            return method + " " + path;
        }

        @Override
        public String toString() {
            return routeKey();
        }
    }

    /**
     * The HTTP API's {@code CorsConfiguration}: API Gateway answers preflights itself and adds the headers to
     * every response. Origins are a deployment parameter.
     */
    public record Cors(List<String> allowMethods, List<String> allowHeaders, List<String> exposeHeaders, long maxAge) {
    }

    private static final Pattern MODULE_JAR = Pattern.compile("functions/([a-z0-9-]+)/target/\\1\\.jar");
    private static final int LAMBDA_DEFAULT_TIMEOUT = 3;

    private final JsonNode root;
    private final List<Function> functions;

    private SamTemplate(JsonNode root) {
        this.root = root;
        if (!root.path("Resources").isObject()) {
            throw new IllegalArgumentException("not a SAM template: no Resources");
        }
        this.functions = readFunctions();
    }

    private static SamTemplate repository;

    /** The repository's template.yaml (read once per JVM: it does not change while tests run). */
    public static synchronized SamTemplate ofRepository() {
        if (repository == null) {
            repository = read(Repository.root().resolve("template.yaml"));
        }
        return repository;
    }

    public static SamTemplate read(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    public static SamTemplate parse(String yaml) {
        return new SamTemplate(CloudFormationYaml.read(yaml));
    }

    /** The whole template as JSON (long-form intrinsics). */
    public JsonNode root() {
        return root;
    }

    public JsonNode resources() {
        return root.path("Resources");
    }

    public Map<String, JsonNode> resourcesOfType(String type) {
        Map<String, JsonNode> found = new LinkedHashMap<>();
        resources().properties().forEach(e -> {
            if (type.equals(e.getValue().path("Type").asText())) {
                found.put(e.getKey(), e.getValue());
            }
        });
        return found;
    }

    public List<Function> functions() {
        return functions;
    }

    public Optional<Function> function(String logicalId) {
        return functions.stream().filter(f -> f.logicalId().equals(logicalId)).findFirst();
    }

    public List<String> functionIds() {
        return functions.stream().map(Function::logicalId).toList();
    }

    /** The module folder a function ships from, if its CodeUri is {@code functions/<dir>/target/<dir>.jar}. */
    public Optional<String> moduleDir(String functionId) {
        return function(functionId).flatMap(Function::moduleDir);
    }

    public String handlerClass(String functionId) {
        return function(functionId).map(Function::handlerClass).orElseThrow();
    }

    /** The functions that serve at least one HTTP route. */
    public List<Function> httpFunctions() {
        return functions.stream().filter(f -> !f.routes().isEmpty()).toList();
    }

    /** Every HTTP route of every function, in template order. */
    public List<HttpRoute> httpRoutes() {
        return functions.stream().flatMap(f -> f.routes().stream()).toList();
    }

    public Optional<Function> scheduledFunction() {
        return functions.stream().filter(Function::scheduled).findFirst();
    }

    /** The CORS configuration of the (first) HTTP API that has one. */
    public Optional<Cors> cors() {
        for (JsonNode api : resourcesOfType("AWS::Serverless::HttpApi").values()) {
            JsonNode config = api.path("Properties").path("CorsConfiguration");
            if (config.isObject() && !config.isEmpty()) {
                return Optional.of(new Cors(textList(config.path("AllowMethods")), textList(config.path("AllowHeaders")),
                        textList(config.path("ExposeHeaders")), config.path("MaxAge").asLong(0)));
            }
        }
        return Optional.empty();
    }

    /** A function's property as deployed: its own value, else the one from {@code Globals.Function}. */
    public JsonNode effectiveFunctionProperty(String functionId, String property) {
        JsonNode own = resources().path(functionId).path("Properties").path(property);
        return own.isMissingNode() ? root.path("Globals").path("Function").path(property) : own;
    }

    /** A function's environment variable: its own, else the global one. */
    public JsonNode environmentVariable(String functionId, String name) {
        JsonNode own = resources().path(functionId).path("Properties").path("Environment").path("Variables").path(name);
        return own.isMissingNode()
                ? root.path("Globals").path("Function").path("Environment").path("Variables").path(name)
                : own;
    }

    /** A function's event sources of the given types (e.g. {@code Schedule}, {@code ScheduleV2}). */
    public List<JsonNode> eventsOfType(String functionId, String... types) {
        List<JsonNode> found = new ArrayList<>();
        resources().path(functionId).path("Properties").path("Events").forEach(event -> {
            for (String type : types) {
                if (type.equals(event.path("Type").asText())) {
                    found.add(event);
                }
            }
        });
        return found;
    }

    /** Every IAM statement of a function's inline policies (SAM policy templates are left out). */
    public List<JsonNode> policyStatements(String functionId) {
        List<JsonNode> statements = new ArrayList<>();
        JsonNode policies = resources().path(functionId).path("Properties").path("Policies");
        Iterable<JsonNode> all = policies.isArray() ? policies : List.of(policies);
        all.forEach(policy -> {
            JsonNode s = policy.path("Statement");
            if (s.isArray()) {
                s.forEach(statements::add);
            } else if (s.isObject()) {
                statements.add(s);
            }
        });
        return statements;
    }

    /** The names of the SAM policy templates a function uses (e.g. DynamoDBReadPolicy). */
    public List<String> policyTemplates(String functionId) {
        List<String> names = new ArrayList<>();
        resources().path(functionId).path("Properties").path("Policies").forEach(policy -> {
            if (policy.isObject() && !policy.has("Statement")) {
                policy.fieldNames().forEachRemaining(names::add);
            } else if (policy.isTextual()) {
                names.add(policy.asText());
            }
        });
        return names;
    }

    /** A scalar or a list as a list of strings (non-text items rendered as JSON). */
    public static List<String> textList(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> out.add(n.isTextual() ? n.asText() : n.toString()));
        } else if (!node.isMissingNode() && !node.isNull()) {
            out.add(node.isTextual() ? node.asText() : node.toString());
        }
        return out;
    }

    private List<Function> readFunctions() {
        List<Function> found = new ArrayList<>();
        resourcesOfType("AWS::Serverless::Function").forEach((id, resource) -> {
            JsonNode props = resource.path("Properties");
            String handler = effectiveFunctionProperty(id, "Handler").asText("");
            if (handler.isBlank()) {
                throw new IllegalArgumentException("function " + id + " has no Handler");
            }
            String handlerClass = handler.contains("::") ? handler.substring(0, handler.indexOf("::")) : handler;
            Matcher jar = MODULE_JAR.matcher(effectiveFunctionProperty(id, "CodeUri").asText(""));
            List<HttpRoute> routes = new ArrayList<>();
            boolean scheduled = false;
            for (var event : props.path("Events").properties()) {
                JsonNode p = event.getValue().path("Properties");
                switch (event.getValue().path("Type").asText()) {
                    case "HttpApi" -> routes.add(new HttpRoute(id, handlerClass, event.getKey(),
                            p.path("Method").asText("ANY").toUpperCase(Locale.ROOT), p.path("Path").asText("/{proxy+}"),
                            !"NONE".equals(p.path("Auth").path("Authorizer").asText(defaultAuthorizer(p.path("ApiId")))),
                            p));
                    case "Schedule", "ScheduleV2" -> scheduled = true;
                    default -> {
                        // other event sources do not exist locally
                    }
                }
            }
            JsonNode timeout = effectiveFunctionProperty(id, "Timeout");
            found.add(new Function(id, handlerClass, jar.matches() ? Optional.of(jar.group(1)) : Optional.empty(),
                    List.copyOf(routes), scheduled, timeout.isNumber() ? timeout.asInt() : LAMBDA_DEFAULT_TIMEOUT));
        });
        return List.copyOf(found);
    }

    /** The default authorizer of the API an event names ({@code ApiId: !Ref CreditsApi}), else the implicit API's. */
    private String defaultAuthorizer(JsonNode apiId) {
        JsonNode auth = apiId.has("Ref")
                ? resources().path(apiId.path("Ref").asText()).path("Properties").path("Auth")
                : root.path("Globals").path("HttpApi").path("Auth");
        return auth.path("DefaultAuthorizer").asText("NONE");
    }
}
