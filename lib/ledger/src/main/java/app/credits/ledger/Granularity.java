package app.credits.ledger;

public enum Granularity {
    DAY, MONTH;

    public static Granularity fromWire(String value) {
        return switch (value) {
            case "day" -> DAY;
            case "month" -> MONTH;
            default -> throw new InvalidInput("granularity must be \"day\" or \"month\"");
        };
    }
}
