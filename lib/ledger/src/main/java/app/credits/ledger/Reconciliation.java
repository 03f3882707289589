package app.credits.ledger;

import java.util.List;

/** The invariants of one org, recomputed from its items. Empty {@code problems} means the books balance. */
public record Reconciliation(OrgId org, List<String> problems) {
    public Reconciliation {
        problems = List.copyOf(problems);
    }

    public boolean balances() {
        return problems.isEmpty();
    }
}
