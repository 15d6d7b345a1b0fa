package dev.cairn.materializers.arrow;

import java.util.ArrayList;
import java.util.List;

import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;

/**
 * Maps an Arrow schema (of the types {@link ColumnTypes} accepts) to the Parquet schema that standard readers
 * (DuckDB, Spark, pyarrow) read back as the same types: lists use the three-level {@code LIST} layout and maps the
 * three-level {@code MAP} layout (a repeated {@code key_value} group of a required key and the value), decimals a 16-byte
 * (decimal128) or 32-byte (decimal256) fixed-length array, unsigned integers {@code INT(bits, false)}, times
 * {@code TIME(unit)} (not adjusted to UTC: an Arrow time has no zone), fixed-size binaries a fixed-length array
 * without annotation, timestamps {@code INT64} with their unit and UTC adjustment.
 */
final class ParquetSchemas {
    static final String MESSAGE_NAME = "cairn_table";
    static final String LIST_GROUP = "list";
    static final String LIST_ELEMENT = "element";
    static final String MAP_GROUP = "key_value";

    private ParquetSchemas() {}

    static MessageType toParquet(Schema schema) {
        List<Type> fields = new ArrayList<>();
        for (Field field : schema.getFields()) {
            fields.add(toParquet(field, field.getName()));
        }
        return new MessageType(MESSAGE_NAME, fields);
    }

    private static Type toParquet(Field field, String name) {
        Repetition repetition = field.isNullable() ? Repetition.OPTIONAL : Repetition.REQUIRED;
        ArrowType type = field.getType();
        return switch (type.getTypeID()) {
            case Bool -> Types.primitive(PrimitiveTypeName.BOOLEAN, repetition).named(name);
            case Int -> {
                int bits = ((ArrowType.Int) type).getBitWidth();
                boolean signed = ((ArrowType.Int) type).getIsSigned();
                yield Types.primitive(bits == 64 ? PrimitiveTypeName.INT64 : PrimitiveTypeName.INT32, repetition)
                        .as(LogicalTypeAnnotation.intType(bits, signed)).named(name);
            }
            case FloatingPoint -> ((ArrowType.FloatingPoint) type).getPrecision() == FloatingPointPrecision.SINGLE
                    ? Types.primitive(PrimitiveTypeName.FLOAT, repetition).named(name)
                    : Types.primitive(PrimitiveTypeName.DOUBLE, repetition).named(name);
            case Utf8 -> Types.primitive(PrimitiveTypeName.BINARY, repetition).as(LogicalTypeAnnotation.stringType()).named(name);
            case Binary -> Types.primitive(PrimitiveTypeName.BINARY, repetition).named(name);
            case FixedSizeBinary -> Types.primitive(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, repetition)
                    .length(((ArrowType.FixedSizeBinary) type).getByteWidth()).named(name);
            case Decimal -> {
                ArrowType.Decimal decimal = (ArrowType.Decimal) type;
                yield Types.primitive(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, repetition).length(decimal.getBitWidth() / 8)
                        .as(LogicalTypeAnnotation.decimalType(decimal.getScale(), decimal.getPrecision())).named(name);
            }
            case Date -> Types.primitive(PrimitiveTypeName.INT32, repetition).as(LogicalTypeAnnotation.dateType()).named(name);
            case Time -> {
                LogicalTypeAnnotation.TimeUnit unit = parquetUnit(((ArrowType.Time) type).getUnit(), "time32[second]");
                yield Types.primitive(unit == LogicalTypeAnnotation.TimeUnit.MILLIS ? PrimitiveTypeName.INT32 : PrimitiveTypeName.INT64, repetition)
                        .as(LogicalTypeAnnotation.timeType(false, unit)).named(name);
            }
            case Timestamp -> {
                ArrowType.Timestamp timestamp = (ArrowType.Timestamp) type;
                yield Types.primitive(PrimitiveTypeName.INT64, repetition)
                        .as(LogicalTypeAnnotation.timestampType(timestamp.getTimezone() != null, parquetUnit(timestamp.getUnit(), "timestamp[second]")))
                        .named(name);
            }
            case Struct -> {
                Types.GroupBuilder<org.apache.parquet.schema.GroupType> group = Types.buildGroup(repetition);
                for (Field child : field.getChildren()) {
                    group.addField(toParquet(child, child.getName()));
                }
                yield group.named(name);
            }
            case List -> {
                Field element = field.getChildren().get(0);
                yield Types.buildGroup(repetition).as(LogicalTypeAnnotation.listType())
                        .addField(Types.repeatedGroup().addField(toParquet(element, LIST_ELEMENT)).named(LIST_GROUP))
                        .named(name);
            }
            case Map -> {
                List<Field> entry = field.getChildren().get(0).getChildren();
                Field key = entry.get(0);
                // a Parquet map key is required whatever the Arrow field says (Arrow's map keys are never null)
                yield Types.buildGroup(repetition).as(LogicalTypeAnnotation.mapType())
                        .addField(Types.repeatedGroup()
                                .addField(toParquet(new Field(key.getName(), new FieldType(false, key.getType(), null), key.getChildren()), key.getName()))
                                .addField(toParquet(entry.get(1), entry.get(1).getName()))
                                .named(MAP_GROUP))
                        .named(name);
            }
            default -> throw new IllegalArgumentException("Arrow type " + type + " has no Parquet mapping");
        };
    }

    /** Parquet's unit of a time or timestamp; it has no seconds ({@code seconds} names the refused type). */
    private static LogicalTypeAnnotation.TimeUnit parquetUnit(org.apache.arrow.vector.types.TimeUnit unit, String seconds) {
        return switch (unit) {
            case MILLISECOND -> LogicalTypeAnnotation.TimeUnit.MILLIS;
            case MICROSECOND -> LogicalTypeAnnotation.TimeUnit.MICROS;
            case NANOSECOND -> LogicalTypeAnnotation.TimeUnit.NANOS;
            case SECOND -> throw new IllegalArgumentException(seconds + " is not supported");
        };
    }
}
