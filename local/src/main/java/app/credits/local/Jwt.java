package app.credits.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The local stand-in for API Gateway's JWT authorizer: HS256 with one shared secret instead of an issuer's JWKS,
 * but the same checks (signature, {@code exp} required and in the future, {@code nbf}, issuer, audience) and the
 * same result: the claims as strings, which is how API Gateway hands them to the function.
 */
public final class Jwt {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    /** API Gateway allows this much clock skew. */
    private static final long SKEW_SECONDS = 60;

    private final byte[] secret;
    private final String issuer;
    private final String audience;
    private final Clock clock;

    public Jwt(String secret, String issuer, String audience, Clock clock) {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.issuer = issuer;
        this.audience = audience;
        this.clock = clock;
    }

    /** The token was refused; the message says why (it reaches the client, as API Gateway's does in its logs). */
    public static final class Rejected extends Exception {
        public Rejected(String message) {
            super(message, null, false, false);
        }
    }

    /** A token with {@code claims} plus iss, aud, iat and exp ({@code lifetime} from now). */
    public String mint(Map<String, String> claims, Duration lifetime) {
        long now = clock.instant().getEpochSecond();
        ObjectNode payload = JSON.createObjectNode();
        claims.forEach(payload::put);
        payload.put("iss", issuer).put("aud", audience).put("iat", now).put("exp", now + lifetime.toSeconds());
        String header = B64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String body = B64.encodeToString(payload.toString().getBytes(StandardCharsets.UTF_8));
        return header + "." + body + "." + B64.encodeToString(hmac(header + "." + body));
    }

    /** Verifies {@code token}; returns its claims as API Gateway renders them (every value a string). */
    public Map<String, String> verify(String token) throws Rejected {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            throw new Rejected("the bearer token is not a JWT (header.payload.signature)");
        }
        JsonNode header = decode(parts[0], "header");
        if (!"HS256".equals(header.path("alg").asText())) {
            throw new Rejected("the token must be signed with HS256 (alg was " + header.path("alg").asText("none") + ")");
        }
        byte[] signature;
        try {
            signature = B64D.decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new Rejected("the token's signature is not base64url");
        }
        if (!MessageDigest.isEqual(signature, hmac(parts[0] + "." + parts[1]))) {
            throw new Rejected("the token's signature does not match (is it signed with LOCAL_JWT_SECRET?)");
        }
        JsonNode payload = decode(parts[1], "payload");
        long now = clock.instant().getEpochSecond();
        JsonNode exp = payload.path("exp");
        if (!exp.canConvertToLong()) {
            throw new Rejected("the token has no exp claim");
        }
        if (exp.asLong() + SKEW_SECONDS < now) {
            throw new Rejected("the token expired");
        }
        JsonNode nbf = payload.path("nbf");
        if (nbf.canConvertToLong() && nbf.asLong() - SKEW_SECONDS > now) {
            throw new Rejected("the token is not valid yet (nbf)");
        }
        if (!issuer.equals(payload.path("iss").asText())) {
            throw new Rejected("the token's issuer (iss) must be " + issuer);
        }
        JsonNode aud = payload.path("aud");
        boolean audienceOk = aud.isArray()
                ? java.util.stream.StreamSupport.stream(aud.spliterator(), false).anyMatch(a -> audience.equals(a.asText()))
                : audience.equals(aud.asText());
        if (!audienceOk) {
            throw new Rejected("the token's audience (aud) must include " + audience);
        }
        Map<String, String> claims = new LinkedHashMap<>();
        payload.properties().forEach(e -> claims.put(e.getKey(), claimText(e.getValue())));
        return claims;
    }

    /** API Gateway's rendering: scalars as text, arrays as {@code [a b c]}, objects as their JSON. */
    private static String claimText(JsonNode value) {
        if (value.isArray()) {
            StringBuilder out = new StringBuilder("[");
            for (int i = 0; i < value.size(); i++) {
                out.append(i > 0 ? " " : "").append(value.get(i).isValueNode() ? value.get(i).asText() : value.get(i).toString());
            }
            return out.append(']').toString();
        }
        return value.isValueNode() ? value.asText() : value.toString();
    }

    private static JsonNode decode(String part, String what) throws Rejected {
        try {
            JsonNode node = JSON.readTree(B64D.decode(part));
            if (node == null || !node.isObject()) {
                throw new Rejected("the token's " + what + " is not a JSON object");
            }
            return node;
        } catch (IllegalArgumentException | IOException e) {
            throw new Rejected("the token's " + what + " is not base64url JSON");
        }
    }

    private byte[] hmac(String signingInput) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }
}
