package app.credits.testkit.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** The YAML reader turns CloudFormation's short tags into the long form the SAM schema expects. */
class CloudFormationYamlTest {

    private static String json(String yaml) {
        return CloudFormationYaml.read(yaml).toString();
    }

    @Test
    void shortTagsBecomeTheirLongForm() {
        assertEquals("{\"a\":{\"Ref\":\"Table\"}}", json("a: !Ref Table"));
        assertEquals("{\"a\":{\"Fn::Sub\":\"${Table.Arn}/index/*\"}}", json("a: !Sub ${Table.Arn}/index/*"));
        assertEquals("{\"a\":{\"Fn::Sub\":[\"${X}-y\",{\"X\":{\"Ref\":\"Stage\"}}]}}",
                json("a: !Sub\n  - ${X}-y\n  - X: !Ref Stage"));
        assertEquals("{\"a\":{\"Fn::GetAtt\":[\"Queue\",\"Arn\"]}}", json("a: !GetAtt Queue.Arn"));
        assertEquals("{\"a\":{\"Fn::GetAtt\":[\"Db\",\"Endpoint.Address\"]}}", json("a: !GetAtt Db.Endpoint.Address"));
        assertEquals("{\"a\":{\"Fn::GetAtt\":[\"Queue\",\"Arn\"]}}", json("a: !GetAtt [Queue, Arn]"));
        assertEquals("{\"a\":{\"Fn::Join\":[\",\",[\"x\",{\"Ref\":\"Y\"}]]}}", json("a: !Join [',', [x, !Ref Y]]"));
        assertEquals("{\"a\":{\"Fn::If\":[\"HasX\",\"x\",{\"Ref\":\"AWS::NoValue\"}]}}",
                json("a: !If [HasX, x, !Ref AWS::NoValue]"));
        assertEquals("{\"c\":{\"Fn::Not\":[{\"Fn::Equals\":[{\"Ref\":\"P\"},\"\"]}]}}", json("c: !Not [!Equals [!Ref P, '']]"));
        assertEquals("{\"c\":{\"Fn::And\":[{\"Condition\":\"A\"},{\"Fn::Or\":[{\"Condition\":\"B\"},{\"Condition\":\"C\"}]}]}}",
                json("c: !And [!Condition A, !Or [!Condition B, !Condition C]]"));
        assertEquals("{\"a\":{\"Fn::Select\":[0,{\"Fn::Split\":[\",\",\"a,b\"]}]}}", json("a: !Select [0, !Split [',', 'a,b']]"));
        assertEquals("{\"a\":{\"Fn::FindInMap\":[\"M\",\"k\",\"v\"]}}", json("a: !FindInMap [M, k, v]"));
        assertEquals("{\"a\":{\"Fn::ImportValue\":\"shared-vpc\"}}", json("a: !ImportValue shared-vpc"));
        assertEquals("{\"a\":{\"Fn::Base64\":\"hello\"}}", json("a: !Base64 hello"));
        assertEquals("{\"a\":{\"Fn::GetAZs\":\"\"}}", json("a: !GetAZs ''"));
        assertEquals("{\"a\":{\"Fn::Cidr\":[\"10.0.0.0/16\",4,8]}}", json("a: !Cidr ['10.0.0.0/16', 4, 8]"));
    }

    @Test
    void duplicateKeysAreRejectedAsCloudFormationDoes() {
        assertThrows(RuntimeException.class, () -> CloudFormationYaml.read("a: 1\na: 2\n"));
    }

    @Test
    void plainYamlStaysPlain() {
        JsonNode node = CloudFormationYaml.readPlain("paths:\n  /x:\n    get: {}\n");
        assertEquals("{\"paths\":{\"/x\":{\"get\":{}}}}", node.toString());
    }
}
