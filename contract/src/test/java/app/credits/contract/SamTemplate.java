package app.credits.contract;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** template.yaml read as JSON (long-form intrinsics), with the few views the contract tests need. */
record SamTemplate(JsonNode root) {

    static SamTemplate load() {
        return new SamTemplate(CloudFormationYaml.read(RepoLayout.read(RepoLayout.file("template.yaml"))));
    }

    JsonNode resources() {
        return root.path("Resources");
    }

    Map<String, JsonNode> resourcesOfType(String type) {
        Map<String, JsonNode> found = new LinkedHashMap<>();
        resources().properties().forEach(e -> {
            if (type.equals(e.getValue().path("Type").asText())) {
                found.put(e.getKey(), e.getValue());
            }
        });
        return found;
    }

    Map<String, JsonNode> functions() {
        return resourcesOfType("AWS::Serverless::Function");
    }

    /** A function's property as deployed: its own value, else the one from Globals.Function. */
    JsonNode effectiveFunctionProperty(String functionId, String property) {
        JsonNode own = resources().path(functionId).path("Properties").path(property);
        return own.isMissingNode() ? root.path("Globals").path("Function").path(property) : own;
    }

    /** A function's environment variable: its own, else the global one. */
    JsonNode environmentVariable(String functionId, String name) {
        JsonNode own = resources().path(functionId).path("Properties").path("Environment").path("Variables").path(name);
        return own.isMissingNode()
                ? root.path("Globals").path("Function").path("Environment").path("Variables").path(name)
                : own;
    }

    /** The module folder a function ships from: CodeUri {@code functions/<dir>/target/<dir>.jar}. */
    Optional<String> moduleDir(String functionId) {
        String codeUri = effectiveFunctionProperty(functionId, "CodeUri").asText("");
        var m = java.util.regex.Pattern.compile("functions/([a-z0-9-]+)/target/\\1\\.jar").matcher(codeUri);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** The class part of {@code Handler: some.Class::handleRequest}. */
    String handlerClass(String functionId) {
        String handler = effectiveFunctionProperty(functionId, "Handler").asText("");
        int sep = handler.indexOf("::");
        return sep < 0 ? handler : handler.substring(0, sep);
    }

    record HttpRoute(String functionId, String eventName, String method, String path, JsonNode properties) {
        String key() {
            return method + " " + path;
        }
    }

    List<HttpRoute> httpRoutes() {
        List<HttpRoute> routes = new ArrayList<>();
        functions().forEach((id, fn) -> fn.path("Properties").path("Events").properties().forEach(e -> {
            JsonNode event = e.getValue();
            if ("HttpApi".equals(event.path("Type").asText())) {
                JsonNode p = event.path("Properties");
                routes.add(new HttpRoute(id, e.getKey(), p.path("Method").asText().toUpperCase(java.util.Locale.ROOT),
                        p.path("Path").asText(), p));
            }
        }));
        return routes;
    }

    List<JsonNode> eventsOfType(String functionId, String... types) {
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
    List<JsonNode> policyStatements(String functionId) {
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
    List<String> policyTemplates(String functionId) {
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

    static List<String> textList(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> out.add(n.isTextual() ? n.asText() : n.toString()));
        } else if (!node.isMissingNode() && !node.isNull()) {
            out.add(node.isTextual() ? node.asText() : node.toString());
        }
        return out;
    }
}
