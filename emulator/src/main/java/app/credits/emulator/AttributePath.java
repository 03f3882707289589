package app.credits.emulator;

import java.util.List;
import java.util.Map;

/** A document path such as {@code a.b[0].c}: a top-level attribute name, then map keys and list indexes. */
record AttributePath(List<Step> steps) {

    /** One step of a path: into a map by name, or into a list by index. */
    sealed interface Step {}

    record Name(String name) implements Step {
        @Override public String toString() { return name; }
    }

    record Index(int index) implements Step {
        @Override public String toString() { return "[" + index + "]"; }
    }

    AttributePath {
        steps = List.copyOf(steps);
        if (steps.isEmpty() || !(steps.getFirst() instanceof Name)) throw new IllegalArgumentException("a path starts with a name");
    }

    static AttributePath of(String topLevelName) {
        return new AttributePath(List.of(new Name(topLevelName)));
    }

    /** The top-level attribute name. */
    String top() {
        return ((Name) steps.getFirst()).name();
    }

    boolean isTopLevel() {
        return steps.size() == 1;
    }

    /** True if this path equals or is a prefix of the other. */
    boolean isPrefixOf(AttributePath other) {
        return steps.size() <= other.steps.size() && other.steps.subList(0, steps.size()).equals(steps);
    }

    /** The value at this path in an item, or null if there is none. */
    Value in(Map<String, Value> item) {
        if (item == null) return null;
        Value cur = item.get(top());
        for (int i = 1; i < steps.size() && cur != null; i++) {
            cur = switch (steps.get(i)) {
                case Name n -> cur instanceof Value.M m ? m.v().get(n.name()) : null;
                case Index x -> cur instanceof Value.L l && x.index() < l.v().size() ? l.v().get(x.index()) : null;
            };
        }
        return cur;
    }

    /** Orders paths so that list elements with higher indexes come later (used to remove them from the end). */
    static int compare(AttributePath a, AttributePath b) {
        int n = Math.min(a.steps.size(), b.steps.size());
        for (int i = 0; i < n; i++) {
            Step x = a.steps.get(i), y = b.steps.get(i);
            int r = x instanceof Index xi && y instanceof Index yi ? Integer.compare(xi.index(), yi.index())
                    : stepText(x).compareTo(stepText(y));
            if (r != 0) return r;
        }
        return Integer.compare(a.steps.size(), b.steps.size());
    }

    private static String stepText(Step s) {
        return switch (s) {
            case Name n -> n.name();
            case Index x -> Integer.toString(x.index());
        };
    }

    /** DynamoDB refuses two paths of one expression where one is (a prefix of) the other. */
    static void checkNoOverlap(List<AttributePath> paths, String expressionKind) {
        for (int i = 0; i < paths.size(); i++) {
            for (int j = i + 1; j < paths.size(); j++) {
                AttributePath a = paths.get(i), b = paths.get(j);
                if (a.isPrefixOf(b) || b.isPrefixOf(a)) {
                    throw DynamoError.validation("Invalid " + expressionKind + ": Two document paths overlap with each other; "
                            + "must remove or rewrite one of these paths; path one: " + a + ", path two: " + b);
                }
            }
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < steps.size(); i++) {
            if (i > 0) sb.append(", ");
            sb.append(steps.get(i));
        }
        return sb.append(']').toString();
    }
}
