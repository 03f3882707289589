package app.credits.ledger;

import java.util.Locale;

/** What one submission costs an org. */
public enum CreditPackage {
    STANDARD(Credits.ONE),
    LITE(Credits.ofHundredths(25));

    private final Credits submissionCost;

    CreditPackage(Credits submissionCost) {
        this.submissionCost = submissionCost;
    }

    public Credits submissionCost() {
        return submissionCost;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static CreditPackage fromWire(String value) {
        for (CreditPackage p : values()) {
            if (p.wireName().equals(value)) {
                return p;
            }
        }
        throw new InvalidInput("package must be \"standard\" or \"lite\"");
    }
}
