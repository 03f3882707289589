package app.credits.ledger;

/** An organization: the customer that owns credits. */
public record OrgId(String value) {
    public OrgId {
        Ids.require("orgId", value);
    }

    public static OrgId of(String value) {
        return new OrgId(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
