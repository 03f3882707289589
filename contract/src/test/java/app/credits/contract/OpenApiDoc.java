package app.credits.contract;

import app.credits.testkit.template.CloudFormationYaml;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** docs/openapi.yaml read as JSON, with its operations listed. */
record OpenApiDoc(JsonNode root) {

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");

    static OpenApiDoc load() {
        return new OpenApiDoc(CloudFormationYaml.readPlain(RepoLayout.read(RepoLayout.file("docs/openapi.yaml"))));
    }

    record Operation(String method, String path, JsonNode node, JsonNode pathItem) {
        String key() {
            return method + " " + path;
        }

        /** Path-level and operation-level parameters, references resolved. */
        List<JsonNode> parameters(OpenApiDoc doc) {
            List<JsonNode> all = new ArrayList<>();
            pathItem.path("parameters").forEach(p -> all.add(doc.resolve(p)));
            node.path("parameters").forEach(p -> all.add(doc.resolve(p)));
            return all;
        }
    }

    List<Operation> operations() {
        List<Operation> operations = new ArrayList<>();
        root.path("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
            if (METHODS.contains(op.getKey())) {
                operations.add(new Operation(op.getKey().toUpperCase(Locale.ROOT), path.getKey(), op.getValue(),
                        path.getValue()));
            }
        }));
        return operations;
    }

    Operation operation(String key) {
        return operations().stream().filter(o -> o.key().equals(key)).findFirst()
                .orElseThrow(() -> new AssertionError("docs/openapi.yaml has no " + key));
    }

    /** Follows a local {@code $ref} (one or more hops); other nodes are returned as they are. */
    JsonNode resolve(JsonNode node) {
        JsonNode current = node;
        for (int hops = 0; current.has("$ref"); hops++) {
            if (hops > 10) {
                throw new AssertionError("$ref loop at " + node);
            }
            current = pointer(current.path("$ref").asText());
        }
        return current;
    }

    JsonNode pointer(String ref) {
        if (!ref.startsWith("#/")) {
            throw new AssertionError("only local references are used here: " + ref);
        }
        JsonNode target = root.at(JsonPointer.compile(ref.substring(1)));
        if (target.isMissingNode()) {
            throw new AssertionError("unresolved $ref " + ref);
        }
        return target;
    }
}
