package app.credits.bench.powertools;

import app.credits.balance.BalanceFunction;

/** The balance function with Powertools logging, metrics and tracing (balance-powertools.jar's handler). */
public final class BalanceOnPowertools extends OnPowertools {
    public BalanceOnPowertools() {
        super(new BalanceFunction());
    }
}
