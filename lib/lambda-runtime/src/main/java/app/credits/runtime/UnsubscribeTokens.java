package app.credits.runtime;

import app.credits.ledger.Ids;
import app.credits.ledger.OrgId;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;

/**
 * The one-click unsubscribe token of a low-credit email: "this address may stop this org's low-credit emails",
 * signed with HMAC-SHA256 so that nobody can make one for another org or another address. Issued by the scheduled
 * check into each email, checked by the unsubscribe route; both hold the same secret (an SSM SecureString).
 * <p>
 * {@code v1.<org>.<email>.<mac>}, each part base64url without padding (URL-safe, no escaping in a query string),
 * the MAC over the purpose, the org and the address. No expiry: an unsubscribe link must keep working from an old
 * email, and what it grants (no more emails to the address that received it) is harmless to replay.
 */
public final class UnsubscribeTokens {
    /**
     * The local runner's secret and the one events/unsubscribe/ is signed with. It is public, so it is never a
     * fallback: a function without a configured secret refuses to start.
     */
    public static final String LOCAL_SECRET = "credits-local-unsubscribe-secret-never-deployed";
    /** What the token allows; a token made for another purpose (or version) never verifies here. */
    static final String PURPOSE = "credits/unsubscribe/v1/low-credit-emails";
    /** A random secret of 32 bytes or more: HMAC-SHA256's own strength. */
    static final int MIN_SECRET_BYTES = 32;
    /** Longer than any token we issue (a 128-character org and a 254-character address make ~570). */
    static final int MAX_TOKEN_LENGTH = 1024;
    private static final String VERSION = "v1";
    private static final Base64.Encoder ENCODE = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODE = Base64.getUrlDecoder();

    private final SecretKeySpec key;

    public UnsubscribeTokens(String secret) {
        if (secret == null || secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
            throw new IllegalStateException("the unsubscribe secret must be at least " + MIN_SECRET_BYTES
                    + " bytes (e.g. openssl rand -base64 48)");
        }
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    /**
     * UNSUBSCRIBE_SECRET_PARAM (an SSM SecureString name, in AWS), else UNSUBSCRIBE_SECRET (the local runner sets
     * {@link #LOCAL_SECRET}); neither is an init error, as for the Stripe secrets.
     */
    public static UnsubscribeTokens fromEnvironment(Environment env) {
        return new UnsubscribeTokens(SecureParameter.load(env, "UNSUBSCRIBE_SECRET_PARAM", "UNSUBSCRIBE_SECRET"));
    }

    /** Whose emails a valid token stops. */
    public record Recipient(OrgId org, String email) {
    }

    public String issue(OrgId org, String email) {
        String orgPart = ENCODE.encodeToString(org.value().getBytes(StandardCharsets.UTF_8));
        String emailPart = ENCODE.encodeToString(email.getBytes(StandardCharsets.UTF_8));
        return VERSION + "." + orgPart + "." + emailPart + "." + ENCODE.encodeToString(mac(org.value(), email));
    }

    /** The recipient a token names, if this secret signed it for this purpose; empty for anything else. */
    public Optional<Recipient> verify(String token) {
        if (token == null || token.length() > MAX_TOKEN_LENGTH) {
            return Optional.empty();
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 4 || !parts[0].equals(VERSION)) {
            return Optional.empty();
        }
        try {
            String org = new String(DECODE.decode(parts[1]), StandardCharsets.UTF_8);
            String email = new String(DECODE.decode(parts[2]), StandardCharsets.UTF_8);
            byte[] claimed = DECODE.decode(parts[3]);
            // Constant time: a byte-by-byte early exit would tell a forger how much of a MAC was right.
            if (!Ids.isValid(org) || !printable(email) || !MessageDigest.isEqual(mac(org, email), claimed)) {
                return Optional.empty();
            }
            return Optional.of(new Recipient(OrgId.of(org), email));
        } catch (IllegalArgumentException notBase64url) {
            return Optional.empty();
        }
    }

    private byte[] mac(String org, String email) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            // NUL never occurs in an org id or an address, so the three fields cannot be shifted into each other.
            return mac.doFinal((PURPOSE + '\0' + org + '\0' + email).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    private static boolean printable(String email) {
        return !email.isEmpty() && email.length() <= 254 && email.chars().allMatch(c -> c > 0x20 && c < 0x7f);
    }
}
