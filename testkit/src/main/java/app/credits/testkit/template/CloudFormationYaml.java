package app.credits.testkit.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads CloudFormation/SAM YAML into JSON, turning the short-form intrinsic tags ({@code !Ref}, {@code !Sub}, ...)
 * into their long form ({@code {"Ref": ...}}, {@code {"Fn::Sub": ...}}), as CloudFormation itself does.
 */
public final class CloudFormationYaml {

    public static final ObjectMapper JSON = new ObjectMapper();

    private static final Map<String, String> LONG_FORM_BY_TAG = Map.ofEntries(
            Map.entry("!Ref", "Ref"),
            Map.entry("!Condition", "Condition"),
            Map.entry("!Sub", "Fn::Sub"),
            Map.entry("!GetAtt", "Fn::GetAtt"),
            Map.entry("!Join", "Fn::Join"),
            Map.entry("!If", "Fn::If"),
            Map.entry("!Equals", "Fn::Equals"),
            Map.entry("!Not", "Fn::Not"),
            Map.entry("!And", "Fn::And"),
            Map.entry("!Or", "Fn::Or"),
            Map.entry("!Select", "Fn::Select"),
            Map.entry("!Split", "Fn::Split"),
            Map.entry("!FindInMap", "Fn::FindInMap"),
            Map.entry("!ImportValue", "Fn::ImportValue"),
            Map.entry("!Base64", "Fn::Base64"),
            Map.entry("!GetAZs", "Fn::GetAZs"),
            Map.entry("!Cidr", "Fn::Cidr"),
            Map.entry("!Transform", "Fn::Transform"),
            Map.entry("!Length", "Fn::Length"),
            Map.entry("!ToJsonString", "Fn::ToJsonString"));

    private CloudFormationYaml() {
    }

    /** Parses CloudFormation YAML (short tags allowed). Duplicate keys are an error, as in CloudFormation. */
    public static JsonNode read(String yaml) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        Object tree = new Yaml(new IntrinsicConstructor(options)).load(yaml);
        return JSON.valueToTree(tree);
    }

    /** Parses plain YAML (no custom tags), e.g. an OpenAPI document. */
    public static JsonNode readPlain(String yaml) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        return JSON.valueToTree(new Yaml(new SafeConstructor(options)).load(yaml));
    }

    private static final class IntrinsicConstructor extends SafeConstructor {

        IntrinsicConstructor(LoaderOptions options) {
            super(options);
            LONG_FORM_BY_TAG.forEach((tag, function) -> yamlConstructors.put(new Tag(tag), new LongForm(function)));
        }

        private final class LongForm extends AbstractConstruct {
            private final String function;

            LongForm(String function) {
                this.function = function;
            }

            @Override
            public Object construct(Node node) {
                Object argument = switch (node) {
                    case ScalarNode scalar when function.equals("Fn::GetAtt") -> getAttList(constructScalar(scalar));
                    case ScalarNode scalar -> constructScalar(scalar);
                    case SequenceNode sequence -> constructSequence(sequence);
                    case MappingNode mapping -> constructMapping(mapping);
                    default -> throw new IllegalArgumentException("unexpected node for " + function + ": " + node);
                };
                Map<String, Object> longForm = new LinkedHashMap<>();
                longForm.put(function, argument);
                return longForm;
            }
        }

        /** {@code !GetAtt Res.Attr.Sub} is {@code ["Res", "Attr.Sub"]}: the logical ID ends at the first dot. */
        private static List<String> getAttList(String dotted) {
            int dot = dotted.indexOf('.');
            if (dot <= 0 || dot == dotted.length() - 1) {
                throw new IllegalArgumentException("!GetAtt needs Resource.Attribute, got " + dotted);
            }
            return List.of(dotted.substring(0, dot), dotted.substring(dot + 1));
        }
    }
}
