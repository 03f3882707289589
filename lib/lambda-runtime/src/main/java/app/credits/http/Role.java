package app.credits.http;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** The {@code role} claim of the verified JWT (docs/api.md, "Roles"). */
public enum Role {
    /** A team member: submissions for their own org, as themselves. */
    MEMBER,
    /** A team admin: everything on their own org except adjustments and plan changes. */
    ADMIN,
    /** The photoshoot backend: submissions and invites on any org; reads balance. */
    SERVICE,
    /** The vendor's support and sales: everything on any org. */
    STAFF;

    public static final Set<Role> ALL = EnumSet.allOf(Role.class);

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> fromWire(String value) {
        for (Role r : values()) {
            if (r.wireName().equals(value)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** Service and staff act on any org; members and admins only on the org of their token. */
    public boolean actsOnAnyOrg() {
        return this == SERVICE || this == STAFF;
    }
}
