package app.credits.ledger.dynamo;

import software.amazon.awssdk.enhanced.dynamodb.AttributeConverter;
import software.amazon.awssdk.enhanced.dynamodb.EnhancedType;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTag;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticImmutableTableSchema;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * One item type's codec: a {@link StaticImmutableTableSchema} built once, at class initialisation, from typed
 * attributes (no bean reflection), mapping a domain record to its DynamoDB item and back. Reading fills a
 * {@link Fields} with each attribute present, then the record's constructor takes them from it by attribute.
 * <p>
 * Stored values are decoded with the store's exact converters ({@link Codecs}), never with the parsers meant for
 * what callers send: a replay at any balance decodes what was written.
 */
final class ItemSchema<T> {

    /** One attribute of an item: its name, how it is stored, and how it is read off the record. */
    record Attr<T, R>(String name, EnhancedType<R> type, AttributeConverter<R> converter, Function<T, R> getter,
                      List<StaticAttributeTag> tags) {
        /** Reads this attribute's value off a record; {@code null} leaves it out of the item. */
        static <T, R> Attr<T, R> of(String name, AttributeConverter<R> converter, Function<T, R> getter) {
            return new Attr<>(name, converter.type(), converter, getter, List.of());
        }

        static <T, R> Attr<T, R> optional(String name, AttributeConverter<R> converter, Function<T, Optional<R>> getter) {
            return of(name, converter, item -> getter.apply(item).orElse(null));
        }

        static <T> Attr<T, String> partitionKey(Function<T, String> getter) {
            return new Attr<>(CreditsTable.PK, EnhancedType.of(String.class), Codecs.STRING, getter,
                    List.of(StaticAttributeTags.primaryPartitionKey()));
        }

        static <T> Attr<T, String> sortKey(Function<T, String> getter) {
            return new Attr<>(CreditsTable.SK, EnhancedType.of(String.class), Codecs.STRING, getter,
                    List.of(StaticAttributeTags.primarySortKey()));
        }
    }

    /** The attributes read from one item, before they become a record. */
    static final class Fields {
        private final Map<String, Object> values = new HashMap<>();

        void put(String name, Object value) {
            values.put(name, value);
        }

        /** A required attribute: an item without it is not one this code wrote. */
        <R> R get(Attr<?, R> attr) {
            @SuppressWarnings("unchecked")
            R value = (R) values.get(attr.name());
            if (value == null) {
                throw new IllegalStateException("stored item lacks " + attr.name() + ": " + values.get(CreditsTable.PK)
                        + "/" + values.get(CreditsTable.SK));
            }
            return value;
        }

        <R> Optional<R> find(Attr<?, R> attr) {
            @SuppressWarnings("unchecked")
            R value = (R) values.get(attr.name());
            return Optional.ofNullable(value);
        }

        <R> R getOr(Attr<?, R> attr, R absent) {
            return find(attr).orElse(absent);
        }
    }

    private final TableSchema<T> schema;

    private ItemSchema(TableSchema<T> schema) {
        this.schema = schema;
    }

    @SafeVarargs
    static <T> ItemSchema<T> of(Class<T> type, Function<Fields, T> build, Attr<T, ?>... attributes) {
        StaticImmutableTableSchema.Builder<T, Fields> builder =
                StaticImmutableTableSchema.builder(type, Fields.class).newItemBuilder(Fields::new, build)
                        .attributeConverterProviders(Codecs.EVERY_ATTRIBUTE_NAMES_ITS_OWN);
        for (Attr<T, ?> attr : attributes) {
            add(builder, attr);
        }
        return new ItemSchema<>(builder.build());
    }

    private static <T, R> void add(StaticImmutableTableSchema.Builder<T, Fields> builder, Attr<T, R> attr) {
        builder.addAttribute(attr.type(), a -> a.name(attr.name())
                .getter(attr.getter())
                .setter((fields, value) -> fields.put(attr.name(), value))
                .attributeConverter(attr.converter())
                .tags(new ArrayList<>(attr.tags())));
    }

    Map<String, AttributeValue> encode(T item) {
        return schema.itemToMap(item, true);
    }

    T decode(Map<String, AttributeValue> item) {
        return schema.mapToItem(item);
    }

    /** Just these attributes of {@code item}, encoded (for an update that sets part of an item). */
    Map<String, AttributeValue> encode(T item, List<String> attributeNames) {
        return schema.itemToMap(item, attributeNames);
    }
}
