package app.credits.ledger;

import java.util.Locale;

public enum InviteStatus {
    PENDING, COMPLETED, REVOKED, EXPIRED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static InviteStatus fromWire(String value) {
        for (InviteStatus s : values()) {
            if (s.wireName().equals(value)) {
                return s;
            }
        }
        throw new InvalidInput("status must be one of pending, completed, revoked, expired");
    }
}
