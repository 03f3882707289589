package app.credits.local;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JwtTest {
    private static final Instant NOW = Instant.parse("2026-11-23T18:00:00Z");
    private final Jwt jwt = new Jwt("secret", "credits-local", "credits-local", Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void aMintedTokenVerifiesToItsClaimsAsApiGatewayRendersThem() throws Exception {
        String token = jwt.mint(Map.of("sub", "u1", "org_id", "org_acme", "role", "admin"), Duration.ofHours(24));

        Map<String, String> claims = jwt.verify(token);

        assertEquals("u1", claims.get("sub"));
        assertEquals("org_acme", claims.get("org_id"));
        assertEquals("admin", claims.get("role"));
        assertEquals(String.valueOf(NOW.getEpochSecond() + 86_400), claims.get("exp"));
        assertEquals("credits-local", claims.get("aud"));
    }

    @Test
    void forgedExpiredAndForeignTokensAreRejected() {
        String token = jwt.mint(Map.of("sub", "u1", "org_id", "o", "role", "staff"), Duration.ofHours(1));
        String[] parts = token.split("\\.");

        Jwt otherSecret = new Jwt("other", "credits-local", "credits-local", Clock.fixed(NOW, ZoneOffset.UTC));
        assertTrue(assertThrows(Jwt.Rejected.class, () -> otherSecret.verify(token)).getMessage().contains("signature"));

        Jwt later = new Jwt("secret", "credits-local", "credits-local", Clock.fixed(NOW.plus(Duration.ofHours(2)), ZoneOffset.UTC));
        assertTrue(assertThrows(Jwt.Rejected.class, () -> later.verify(token)).getMessage().contains("expired"));

        String unsigned = parts[0].replace(parts[0], "eyJhbGciOiJub25lIn0") + "." + parts[1] + ".";
        assertThrows(Jwt.Rejected.class, () -> jwt.verify(unsigned));
        assertThrows(Jwt.Rejected.class, () -> jwt.verify("not-a-jwt"));

        Jwt otherAudience = new Jwt("secret", "credits-local", "someone-else", Clock.fixed(NOW, ZoneOffset.UTC));
        assertTrue(assertThrows(Jwt.Rejected.class, () -> otherAudience.verify(token)).getMessage().contains("aud"));
    }
}
