package app.credits.emulator;

import java.util.Map;

/** What a write returns of the item (ReturnValues); Put and Delete accept only NONE and ALL_OLD. */
enum ReturnValues {
    NONE, ALL_OLD, UPDATED_OLD, ALL_NEW, UPDATED_NEW;

    static ReturnValues of(Request req) {
        return req.oneOf("ReturnValues", NONE, ReturnValues.class);
    }

    /** Put and Delete: the old item or nothing. */
    static ReturnValues ofPutOrDelete(Request req) {
        ReturnValues rv = of(req);
        if (rv != NONE && rv != ALL_OLD) throw DynamoError.validation("ReturnValues can only be ALL_OLD or NONE");
        return rv;
    }

    /** The attributes to return for an update from {@code old} to {@code item}, or null for none. */
    Map<String, Value> of(Map<String, Value> old, Map<String, Value> item, Expressions.UpdateActions update) {
        return switch (this) {
            case ALL_OLD -> old;
            case ALL_NEW -> item;
            case UPDATED_OLD -> old == null ? null : Projections.project(old, update.targets());
            case UPDATED_NEW -> Projections.project(item, update.targets());
            case NONE -> null;
        };
    }
}
