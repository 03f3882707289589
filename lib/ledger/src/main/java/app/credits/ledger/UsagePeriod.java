package app.credits.ledger;

/** Credits purchased and used in one day ("2026-11-23") or month ("2026-11"). */
public record UsagePeriod(String period, Credits purchased, Credits used) {
}
