package app.credits.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/** Validates a CreateTable request into the normalised table definition that the journal keeps. */
final class TableDefinitions {
    private TableDefinitions() {}

    private static final Pattern TABLE_NAME = Pattern.compile("[a-zA-Z0-9_.-]{3,255}");
    private static final int MAX_GLOBAL_INDEXES = 20;

    static void validateTableName(String name) {
        if (!TABLE_NAME.matcher(name).matches()) {
            throw DynamoError.validation("1 validation error detected: Value '" + name + "' at 'tableName' failed to satisfy constraint: "
                    + "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+ and length 3..255");
        }
    }

    /** The normalised definition of the table a CreateTable request asks for (not yet checked for existence). */
    static ObjectNode validate(Request req) {
        String name = req.tableName();
        if (req.has("LocalSecondaryIndexes")) throw DynamoError.validation("LocalSecondaryIndexes are not supported by this DynamoDB emulator");
        if (req.json().path("StreamSpecification").path("StreamEnabled").asBoolean(false)) {
            throw DynamoError.validation("Streams are not supported by this DynamoDB emulator");
        }
        if (req.json().path("DeletionProtectionEnabled").asBoolean(false)) {
            throw DynamoError.validation("DeletionProtectionEnabled is not supported by this DynamoDB emulator");
        }
        String billing = req.oneOf("BillingMode", "PROVISIONED", "PROVISIONED", "PAY_PER_REQUEST");
        JsonNode attrDefs = req.get("AttributeDefinitions");
        if (attrDefs == null || !attrDefs.isArray() || attrDefs.isEmpty()) throw Request.mustNotBeNull("attributeDefinitions");
        Map<String, String> types = new LinkedHashMap<>();
        ArrayNode normalisedDefinitions = Codec.F.arrayNode();
        for (JsonNode a : attrDefs) {
            Request def = new Request(a);
            String attribute = def.text("AttributeName"), type = def.text("AttributeType");
            if (attribute == null || type == null || !Set.of("S", "N", "B").contains(type)) {
                throw DynamoError.invalidParam("Invalid AttributeDefinition: " + a);
            }
            if (types.put(attribute, type) != null) throw DynamoError.invalidParam("Duplicate AttributeName in AttributeDefinitions: " + attribute);
            normalisedDefinitions.addObject().put("AttributeName", attribute).put("AttributeType", type);
        }
        Set<String> usedKeyAttributes = new HashSet<>();
        ArrayNode keySchema = keySchema(req.get("KeySchema"), types, usedKeyAttributes, null);
        ObjectNode def = Codec.F.objectNode();
        def.put("TableName", name);
        def.set("AttributeDefinitions", normalisedDefinitions);
        def.set("KeySchema", keySchema);
        def.put("BillingMode", billing);
        ObjectNode throughput = throughput(billing, req.get("ProvisionedThroughput"), "table");
        if (throughput != null) def.set("ProvisionedThroughput", throughput);
        JsonNode gsis = req.get("GlobalSecondaryIndexes");
        if (gsis != null && !gsis.isNull()) {
            if (!gsis.isArray() || gsis.isEmpty()) throw DynamoError.validation("GlobalSecondaryIndexes must be a non-empty list");
            if (gsis.size() > MAX_GLOBAL_INDEXES) {
                throw DynamoError.validation("One or more parameter values were invalid: GlobalSecondaryIndex count exceeds the per-table limit of 20");
            }
            ArrayNode normalised = def.putArray("GlobalSecondaryIndexes");
            Set<String> names = new HashSet<>();
            for (JsonNode g : gsis) normalised.add(globalIndex(new Request(g), billing, types, usedKeyAttributes, names));
        }
        if (!usedKeyAttributes.equals(types.keySet())) {
            throw DynamoError.invalidParam("Some AttributeDefinitions are not used. AttributeDefinitions: " + types.keySet()
                    + ", keys used: " + usedKeyAttributes);
        }
        def.put("CreationDateTime", System.currentTimeMillis() / 1000.0);
        def.put("TableId", UUID.randomUUID().toString());
        return def;
    }

    private static ObjectNode globalIndex(Request g, String billing, Map<String, String> types, Set<String> usedKeyAttributes, Set<String> names) {
        String name = g.text("IndexName");
        if (name == null || !TABLE_NAME.matcher(name).matches()) throw DynamoError.validation("Invalid IndexName: " + name);
        if (!names.add(name)) throw DynamoError.invalidParam("Duplicate index name: " + name);
        for (Iterator<String> it = g.json().fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!Set.of("IndexName", "KeySchema", "Projection", "ProvisionedThroughput", "OnDemandThroughput", "WarmThroughput").contains(f)) {
                throw DynamoError.validation("The parameter " + f + " of a GlobalSecondaryIndex is not supported by this DynamoDB emulator");
            }
        }
        ObjectNode index = Codec.F.objectNode();
        index.put("IndexName", name);
        index.set("KeySchema", keySchema(g.get("KeySchema"), types, usedKeyAttributes, name));
        JsonNode projection = g.get("Projection");
        String projectionType = projection == null ? null : new Request(projection).text("ProjectionType");
        if (projectionType == null || !Set.of("ALL", "KEYS_ONLY", "INCLUDE").contains(projectionType)) {
            throw DynamoError.invalidParam("Unknown or missing ProjectionType for index " + name);
        }
        ObjectNode normalisedProjection = index.putObject("Projection");
        normalisedProjection.put("ProjectionType", projectionType);
        JsonNode nonKey = projection.get("NonKeyAttributes");
        if (projectionType.equals("INCLUDE")) {
            if (nonKey == null || !nonKey.isArray() || nonKey.isEmpty()) {
                throw DynamoError.invalidParam("NonKeyAttributes must be specified for INCLUDE projection type; index: " + name);
            }
            ArrayNode a = normalisedProjection.putArray("NonKeyAttributes");
            nonKey.forEach(x -> a.add(x.asText()));
        } else if (nonKey != null && !nonKey.isNull()) {
            throw DynamoError.invalidParam("ProjectionType is " + projectionType + ", but NonKeyAttributes is specified");
        }
        ObjectNode throughput = throughput(billing, g.get("ProvisionedThroughput"), "index " + name);
        if (throughput != null) index.set("ProvisionedThroughput", throughput);
        return index;
    }

    private static ObjectNode throughput(String billing, JsonNode pt, String what) {
        boolean given = pt != null && !pt.isNull();
        if (billing.equals("PAY_PER_REQUEST")) {
            if (given) throw DynamoError.invalidParam("Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
            return null;
        }
        if (!given) throw DynamoError.invalidParam("ProvisionedThroughput must be specified when BillingMode is PROVISIONED (" + what + ")");
        long r = pt.path("ReadCapacityUnits").asLong(0), w = pt.path("WriteCapacityUnits").asLong(0);
        if (r < 1 || w < 1) throw DynamoError.invalidParam("ReadCapacityUnits and WriteCapacityUnits must be at least 1 (" + what + ")");
        return Codec.F.objectNode().put("ReadCapacityUnits", r).put("WriteCapacityUnits", w);
    }

    private static ArrayNode keySchema(JsonNode ks, Map<String, String> types, Set<String> used, String index) {
        String where = index == null ? "" : " for index " + index;
        if (ks == null || !ks.isArray() || ks.isEmpty() || ks.size() > 2) {
            throw DynamoError.validation("1 validation error detected: KeySchema" + where + " must have 1 or 2 elements");
        }
        String partition = null, sort = null;
        for (JsonNode e : ks) {
            Request element = new Request(e);
            String attribute = element.text("AttributeName"), keyType = element.text("KeyType");
            if (attribute == null || keyType == null) throw DynamoError.invalidParam("Invalid KeySchema element" + where);
            if (!types.containsKey(attribute)) {
                throw DynamoError.invalidParam("Some index key attributes are not defined in AttributeDefinitions. Keys: [" + attribute
                        + "], AttributeDefinitions: " + types.keySet());
            }
            if (keyType.equals("HASH") && partition == null) partition = attribute;
            else if (keyType.equals("RANGE") && sort == null) sort = attribute;
            else throw DynamoError.invalidParam("Invalid KeySchema" + where + ": exactly one HASH and at most one RANGE key are allowed");
            used.add(attribute);
        }
        if (partition == null) throw DynamoError.invalidParam("Invalid KeySchema" + where + ": no HASH key");
        if (ks.get(0).get("KeyType").textValue().equals("RANGE")) {
            throw DynamoError.invalidParam("Invalid KeySchema" + where + ": The first KeySchemaElement is not a HASH key type");
        }
        if (partition.equals(sort)) throw DynamoError.invalidParam("Both the Hash Key and the Range Key element in the KeySchema have the same name" + where);
        ArrayNode out = Codec.F.arrayNode();
        out.addObject().put("AttributeName", partition).put("KeyType", "HASH");
        if (sort != null) out.addObject().put("AttributeName", sort).put("KeyType", "RANGE");
        return out;
    }
}
