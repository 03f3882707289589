package app.credits.ledger;

import java.util.Locale;

/** Why the balance moved. */
public enum EntryType {
    PURCHASE, SUBMISSION, ADJUSTMENT, BONUS, REFUND, DISPUTE, DISPUTE_REVERSAL;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static EntryType fromWire(String value) {
        for (EntryType type : values()) {
            if (type.wireName().equals(value)) {
                return type;
            }
        }
        throw new InvalidInput("unknown entry type \"" + value + "\"");
    }

    /** Money that came from or went back to Stripe: the only movements that change lifetime purchases. */
    public boolean countsTowardLifetimePurchased() {
        return this == PURCHASE || this == REFUND || this == DISPUTE || this == DISPUTE_REVERSAL;
    }

    /** Stripe may take credits back below zero; nothing else may. */
    public boolean mayOverdraw() {
        return this == REFUND || this == DISPUTE;
    }
}
