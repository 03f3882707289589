package app.credits.ledger;

import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The values of credits left for which a decision stays right: a commit is conditioned on the stored value being
 * in this range instead of on nothing having changed, so concurrent submissions that leave each other's premises
 * intact commit side by side. {@code from} is inclusive, {@code below} exclusive; empty means unbounded.
 */
public record CreditsRange(Optional<Credits> from, Optional<Credits> below) {
    public static final CreditsRange ANY = new CreditsRange(Optional.empty(), Optional.empty());

    public CreditsRange {
        if (from.isPresent() && below.isPresent() && !from.get().isLessThan(below.get())) {
            throw new IllegalArgumentException("an empty range of credits left: [" + from.get() + ", " + below.get() + ")");
        }
    }

    public static CreditsRange between(Optional<Credits> from, Optional<Credits> below) {
        return new CreditsRange(from, below);
    }

    public boolean contains(Credits value) {
        return from.map(f -> !value.isLessThan(f)).orElse(true) && below.map(value::isLessThan).orElse(true);
    }

    /** This range moved by {@code delta}: the range of "before" values whose "after" lies in this one. */
    public CreditsRange shiftedBy(Credits delta) {
        return new CreditsRange(from.map(f -> f.plus(delta)), below.map(b -> b.plus(delta)));
    }

    /** The values in both ranges (both hold for the value the decision read, so never empty). */
    public CreditsRange intersect(CreditsRange other) {
        return new CreditsRange(Stream.of(from, other.from).flatMap(Optional::stream).max(Comparator.naturalOrder()),
                Stream.of(below, other.below).flatMap(Optional::stream).min(Comparator.naturalOrder()));
    }

    /** Also at least {@code minimum}. */
    public CreditsRange atLeast(Credits minimum) {
        Credits lower = from.filter(f -> minimum.isLessThan(f)).orElse(minimum);
        return new CreditsRange(Optional.of(lower), below);
    }
}
