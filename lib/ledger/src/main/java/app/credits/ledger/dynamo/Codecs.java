package app.credits.ledger.dynamo;

import app.credits.ledger.AlertLevel;
import app.credits.ledger.CreditPackage;
import app.credits.ledger.Credits;
import app.credits.ledger.DisputeState;
import app.credits.ledger.EntryKey;
import app.credits.ledger.EntryType;
import app.credits.ledger.InviteStatus;
import app.credits.ledger.OrgId;
import app.credits.ledger.PaymentFacts;
import app.credits.ledger.RefundStatus;
import app.credits.ledger.Times;
import app.credits.ledger.TopUpStatus;
import software.amazon.awssdk.enhanced.dynamodb.AttributeConverter;
import software.amazon.awssdk.enhanced.dynamodb.AttributeValueType;
import software.amazon.awssdk.enhanced.dynamodb.EnhancedType;
import software.amazon.awssdk.enhanced.dynamodb.AttributeConverterProvider;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * How each kind of value is stored. Decoding is exact and for stored data only: a value this code did not write
 * is a corrupt item ({@link IllegalStateException}), never a 400 for a caller who sent nothing wrong.
 */
final class Codecs {
    private Codecs() {
    }

    /**
     * The schemas' converter provider: none. Every attribute names its converter, and the SDK's default provider
     * would load a converter for every Java type it knows (about 100 classes, measurable at cold start).
     */
    static final AttributeConverterProvider EVERY_ATTRIBUTE_NAMES_ITS_OWN = new AttributeConverterProvider() {
        @Override
        public <T> AttributeConverter<T> converterFor(EnhancedType<T> type) {
            throw new IllegalStateException("an attribute of type " + type + " was declared without its converter");
        }
    };

    static final AttributeConverter<String> STRING = string(String.class, text -> text, text -> text);
    static final AttributeConverter<Long> LONG = number(Long.class, String::valueOf, Long::valueOf);
    static final AttributeConverter<Integer> INT = number(Integer.class, String::valueOf, Integer::valueOf);
    static final AttributeConverter<Boolean> BOOL = new Converter<>(EnhancedType.of(Boolean.class), AttributeValueType.BOOL,
            AttributeValue::fromBool, AttributeValue::bool);
    /** A list of strings (recipients, buyers): DynamoDB's L of S, so that an empty list can be stored. */
    static final AttributeConverter<List<String>> STRINGS = new Converter<>(EnhancedType.listOf(String.class),
            AttributeValueType.L, values -> AttributeValue.fromL(values.stream().map(AttributeValue::fromS).toList()),
            value -> value.l().stream().map(AttributeValue::s).toList());

    /** Credits as an exact decimal number ("12.75"), readable in a table scan, of any size the ledger holds. */
    static final AttributeConverter<Credits> CREDITS = number(Credits.class,
            credits -> credits.toBigDecimal().toPlainString(), text -> {
                BigDecimal value = new BigDecimal(text);
                try {
                    return Credits.ofHundredths(value.movePointRight(2).longValueExact());
                } catch (ArithmeticException e) {
                    throw new IllegalStateException("stored credits " + text + " are not whole hundredths", e);
                }
            });

    /** A log entry's position: microseconds since the epoch. */
    static final AttributeConverter<EntryKey> ENTRY_KEY = number(EntryKey.class,
            key -> Long.toString(key.micros()), text -> new EntryKey(Long.parseLong(text)));

    /** The contract's time format, with milliseconds, so stored times read the same as answered ones. */
    static final AttributeConverter<Instant> TIME = string(Instant.class, Times::format, Instant::parse);
    static final AttributeConverter<LocalDate> DAY = string(LocalDate.class, LocalDate::toString, LocalDate::parse);
    static final AttributeConverter<OrgId> ORG = string(OrgId.class, OrgId::value, OrgId::of);
    static final AttributeConverter<YearMonth> MONTH = string(YearMonth.class, YearMonth::toString, YearMonth::parse);

    static final AttributeConverter<EntryType> ENTRY_TYPE = wire(EntryType.class, EntryType.values(), EntryType::wireName);
    static final AttributeConverter<InviteStatus> INVITE_STATUS =
            wire(InviteStatus.class, InviteStatus.values(), InviteStatus::wireName);
    static final AttributeConverter<CreditPackage> PACKAGE =
            wire(CreditPackage.class, CreditPackage.values(), CreditPackage::wireName);
    static final AttributeConverter<AlertLevel> ALERT_LEVEL = wire(AlertLevel.class, AlertLevel.values(), Enum::name);
    static final AttributeConverter<DisputeState> DISPUTE = wire(DisputeState.class, DisputeState.values(), Enum::name);
    static final AttributeConverter<TopUpStatus> TOP_UP_STATUS =
            wire(TopUpStatus.class, TopUpStatus.values(), TopUpStatus::wireName);

    /** A payment's refunds by id: a map of {@code {"amount": N, "status": S}}, readable in a table scan. */
    static final AttributeConverter<Map<String, PaymentFacts.KnownRefund>> REFUNDS = new RefundsConverter();

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static <T> AttributeConverter<T> number(Class<T> type, Function<T, String> write, Function<String, T> read) {
        return new Converter<>(EnhancedType.of(type), AttributeValueType.N, v -> AttributeValue.fromN(write.apply(v)),
                value -> read.apply(value.n()));
    }

    private static <T> AttributeConverter<T> string(Class<T> type, Function<T, String> write, Function<String, T> read) {
        return new Converter<>(EnhancedType.of(type), AttributeValueType.S, v -> AttributeValue.fromS(write.apply(v)),
                value -> read.apply(value.s()));
    }

    private static <E> AttributeConverter<E> wire(Class<E> type, E[] values, Function<E, String> name) {
        return string(type, name, text -> {
            for (E value : values) {
                if (name.apply(value).equals(text)) {
                    return value;
                }
            }
            throw new IllegalStateException("stored " + type.getSimpleName() + " \"" + text + "\" is not one this code writes");
        });
    }

    private static final class RefundsConverter implements AttributeConverter<Map<String, PaymentFacts.KnownRefund>> {
        private static final AttributeConverter<RefundStatus> STATUS =
                wire(RefundStatus.class, RefundStatus.values(), Enum::name);

        @Override
        public AttributeValue transformFrom(Map<String, PaymentFacts.KnownRefund> refunds) {
            Map<String, AttributeValue> byId = new TreeMap<>();
            refunds.forEach((id, refund) -> byId.put(id, AttributeValue.fromM(Map.of(
                    "amount", n(refund.amount()), "status", STATUS.transformFrom(refund.status())))));
            return AttributeValue.fromM(byId);
        }

        @Override
        public Map<String, PaymentFacts.KnownRefund> transformTo(AttributeValue input) {
            if (!input.hasM()) {
                throw new IllegalStateException("stored refunds are not a map: " + input);
            }
            Map<String, PaymentFacts.KnownRefund> refunds = new TreeMap<>();
            input.m().forEach((id, refund) -> {
                if (!refund.hasM() || refund.m().get("amount") == null || refund.m().get("status") == null) {
                    throw new IllegalStateException("stored refund " + id + " lacks its amount or status: " + refund);
                }
                refunds.put(id, new PaymentFacts.KnownRefund(LONG.transformTo(refund.m().get("amount")),
                        STATUS.transformTo(refund.m().get("status"))));
            });
            return refunds;
        }

        @Override
        public EnhancedType<Map<String, PaymentFacts.KnownRefund>> type() {
            return EnhancedType.mapOf(EnhancedType.of(String.class), EnhancedType.of(PaymentFacts.KnownRefund.class));
        }

        @Override
        public AttributeValueType attributeValueType() {
            return AttributeValueType.M;
        }
    }

    private record Converter<T>(EnhancedType<T> type, AttributeValueType attributeValueType,
                                Function<T, AttributeValue> to, Function<AttributeValue, T> from)
            implements AttributeConverter<T> {
        @Override
        public AttributeValue transformFrom(T input) {
            return to.apply(input);
        }

        @Override
        public T transformTo(AttributeValue input) {
            if (input.type() != expected()) {
                throw new IllegalStateException("stored " + type + " has the wrong DynamoDB type: " + input);
            }
            return from.apply(input);
        }

        private AttributeValue.Type expected() {
            return switch (attributeValueType) {
                case N -> AttributeValue.Type.N;
                case S -> AttributeValue.Type.S;
                case BOOL -> AttributeValue.Type.BOOL;
                case L -> AttributeValue.Type.L;
                default -> throw new IllegalStateException("no stored value is of type " + attributeValueType);
            };
        }
    }
}
