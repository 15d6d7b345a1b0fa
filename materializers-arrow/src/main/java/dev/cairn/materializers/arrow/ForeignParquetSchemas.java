package dev.cairn.materializers.arrow;

import java.util.ArrayList;
import java.util.List;

import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Type.Repetition;

/**
 * The Arrow schema of a Parquet file another tool wrote (Spark's Dataset parts, pyarrow, DuckDB, parquet-java, Hive),
 * read by the file's own column types, the way pyarrow reads them:
 * <ul>
 *   <li>int96 (Spark's default timestamps): {@code timestamp[ns, UTC]} from the Julian day and the nanoseconds of the day;
 *   <li>decimals stored as int32, int64, binary or a fixed-length array of any length: {@code decimal128(p, s)}, or
 *       {@code decimal256} when the precision exceeds 38;
 *   <li>groups: structs; {@code LIST} groups in the standard three-level layout and the legacy two-level ones (the
 *       backward-compatibility rules of parquet-format's LogicalTypes.md); {@code MAP} and legacy {@code MAP_KEY_VALUE}
 *       groups: maps; nested in each other;
 *   <li>unsigned integers: {@code uint8/16/32/64}; {@code TIME}: {@code time32[ms]}, {@code time64[us]},
 *       {@code time64[ns]}; {@code TIMESTAMP} with UTC adjustment: zone {@code UTC}, without: no zone; {@code UUID} and
 *       un-annotated fixed-length arrays: {@code fixed_size_binary}; {@code ENUM} and {@code JSON}: {@code utf8};
 *       {@code BSON}: {@code binary}.
 * </ul>
 * Anything else (INTERVAL, FLOAT16, VARIANT, geospatial types, a repeated field outside a {@code LIST} or {@code MAP}
 * group) is refused naming the column and its Parquet type.
 */
final class ForeignParquetSchemas {
    /** Unix epoch as a Julian day number, for int96 timestamps. */
    static final long JULIAN_EPOCH_DAY = 2_440_588L;

    private ForeignParquetSchemas() {}

    /**
     * The Arrow schema of {@code file}.
     *
     * @throws IllegalArgumentException naming the column (its path for a nested one) and its Parquet type when a column has
     *     no Arrow mapping
     */
    static Schema toArrow(MessageType file) {
        List<Field> fields = new ArrayList<>();
        for (Type column : file.getFields()) {
            if (column.isRepetition(Repetition.REPEATED)) {
                throw unsupported(column.getName(), column, "a repeated field outside a LIST or MAP group");
            }
            fields.add(field(column.getName(), column, column.getName()));
        }
        return new Schema(fields);
    }

    /** The columns of {@code file} that {@code projected} names, in its order, with the file's own column types. */
    static MessageType select(MessageType file, Schema projected) {
        List<Type> fields = new ArrayList<>();
        for (Field field : projected.getFields()) {
            fields.add(file.getType(field.getName()));
        }
        return new MessageType(file.getName(), fields);
    }

    /**
     * The element type of a {@code LIST}-annotated group by the backward-compatibility rules: the repeated field itself
     * when it is primitive, a group of several fields, or a group named {@code array} or {@code <list>_tuple} (two-level
     * layouts, elements required); else the repeated group's one field (the three-level layout).
     */
    static Type listElement(GroupType list) {
        if (list.getFieldCount() != 1 || !list.getType(0).isRepetition(Repetition.REPEATED)) {
            throw new IllegalArgumentException("its LIST group does not hold exactly one repeated field");
        }
        Type repeated = list.getType(0);
        if (repeatedIsElement(list)) {
            return repeated;
        }
        return repeated.asGroupType().getType(0);
    }

    /** Whether the repeated field of a {@code LIST} group is the element itself (a two-level list). */
    static boolean repeatedIsElement(GroupType list) {
        Type repeated = list.getType(0);
        return repeated.isPrimitive() || repeated.asGroupType().getFieldCount() != 1 || repeated.getName().equals("array")
                || repeated.getName().equals(list.getName() + "_tuple");
    }

    /** Whether {@code group} is a map: annotated {@code MAP} or {@code MAP_KEY_VALUE}, or its repeated group is {@code MAP_KEY_VALUE}. */
    static boolean isMap(GroupType group) {
        LogicalTypeAnnotation logical = group.getLogicalTypeAnnotation();
        return logical instanceof LogicalTypeAnnotation.MapLogicalTypeAnnotation
                || logical instanceof LogicalTypeAnnotation.MapKeyValueTypeAnnotation
                || group.getFieldCount() == 1 && group.getType(0).isRepetition(Repetition.REPEATED) && !group.getType(0).isPrimitive()
                        && group.getType(0).getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.MapKeyValueTypeAnnotation;
    }

    private static Field field(String name, Type type, String path) {
        boolean nullable = type.isRepetition(Repetition.OPTIONAL);
        if (type.isPrimitive()) {
            return new Field(name, new FieldType(nullable, arrowType(type.asPrimitiveType(), path), null), null);
        }
        GroupType group = type.asGroupType();
        if (isMap(group)) {
            if (group.getFieldCount() != 1 || !group.getType(0).isRepetition(Repetition.REPEATED) || group.getType(0).isPrimitive()
                    || group.getType(0).asGroupType().getFieldCount() != 2) {
                throw unsupported(path, type, "a MAP group without one repeated group of a key and a value");
            }
            GroupType entries = group.getType(0).asGroupType();
            Field key = field("key", entries.getType(0), path + ".key");
            Field value = field("value", entries.getType(1), path + ".value");
            Field entry = new Field("entries", FieldType.notNullable(ArrowType.Struct.INSTANCE),
                    List.of(new Field("key", FieldType.notNullable(key.getType()), key.getChildren()), value));
            return new Field(name, new FieldType(nullable, new ArrowType.Map(false), null), List.of(entry));
        }
        if (group.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation) {
            Type element;
            try {
                element = listElement(group);
            } catch (IllegalArgumentException e) {
                throw unsupported(path, type, e.getMessage());
            }
            // a two-level list's element is the repeated field itself, so not nullable
            Field child = field(ParquetSchemas.LIST_ELEMENT, element, path + "[]");
            return new Field(name, new FieldType(nullable, ArrowType.List.INSTANCE, null), List.of(child));
        }
        if (group.getLogicalTypeAnnotation() != null) {
            throw unsupported(path, type, "a group annotated " + group.getLogicalTypeAnnotation());
        }
        List<Field> children = new ArrayList<>();
        for (Type child : group.getFields()) {
            if (child.isRepetition(Repetition.REPEATED)) {
                throw unsupported(path + "." + child.getName(), child, "a repeated field outside a LIST or MAP group");
            }
            children.add(field(child.getName(), child, path + "." + child.getName()));
        }
        if (children.isEmpty()) {
            throw unsupported(path, type, "an empty group");
        }
        return new Field(name, new FieldType(nullable, ArrowType.Struct.INSTANCE, null), children);
    }

    private static ArrowType arrowType(PrimitiveType column, String path) {
        LogicalTypeAnnotation logical = column.getLogicalTypeAnnotation();
        if (logical instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation decimal) {
            return switch (column.getPrimitiveTypeName()) {
                case INT32, INT64, BINARY, FIXED_LEN_BYTE_ARRAY ->
                        new ArrowType.Decimal(decimal.getPrecision(), decimal.getScale(), decimal.getPrecision() > 38 ? 256 : 128);
                default -> throw unsupported(path, column, null);
            };
        }
        ArrowType type = switch (column.getPrimitiveTypeName()) {
            case BOOLEAN -> logical == null ? ArrowType.Bool.INSTANCE : null;
            case INT32 -> {
                if (logical == null) {
                    yield new ArrowType.Int(32, true);
                }
                if (logical instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation integer && integer.getBitWidth() <= 32) {
                    yield new ArrowType.Int(integer.getBitWidth(), integer.isSigned());
                }
                if (logical instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation) {
                    yield new ArrowType.Date(DateUnit.DAY);
                }
                yield logical instanceof LogicalTypeAnnotation.TimeLogicalTypeAnnotation time
                        && time.getUnit() == LogicalTypeAnnotation.TimeUnit.MILLIS ? new ArrowType.Time(TimeUnit.MILLISECOND, 32) : null;
            }
            case INT64 -> {
                if (logical == null) {
                    yield new ArrowType.Int(64, true);
                }
                if (logical instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation integer && integer.getBitWidth() == 64) {
                    yield new ArrowType.Int(64, integer.isSigned());
                }
                if (logical instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation timestamp) {
                    yield new ArrowType.Timestamp(arrowUnit(timestamp.getUnit()), timestamp.isAdjustedToUTC() ? "UTC" : null);
                }
                yield logical instanceof LogicalTypeAnnotation.TimeLogicalTypeAnnotation time
                        && time.getUnit() != LogicalTypeAnnotation.TimeUnit.MILLIS ? new ArrowType.Time(arrowUnit(time.getUnit()), 64) : null;
            }
            case INT96 -> logical == null ? new ArrowType.Timestamp(TimeUnit.NANOSECOND, "UTC") : null;
            case FLOAT -> logical == null ? new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE) : null;
            case DOUBLE -> logical == null ? new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE) : null;
            case BINARY -> {
                if (logical == null || logical instanceof LogicalTypeAnnotation.BsonLogicalTypeAnnotation) {
                    yield ArrowType.Binary.INSTANCE;
                }
                yield logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation || logical instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation
                        || logical instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation ? ArrowType.Utf8.INSTANCE : null;
            }
            case FIXED_LEN_BYTE_ARRAY -> logical == null || logical instanceof LogicalTypeAnnotation.UUIDLogicalTypeAnnotation
                    ? new ArrowType.FixedSizeBinary(column.getTypeLength()) : null;
        };
        if (type == null) {
            throw unsupported(path, column, null);
        }
        return type;
    }

    private static TimeUnit arrowUnit(LogicalTypeAnnotation.TimeUnit unit) {
        return switch (unit) {
            case MILLIS -> TimeUnit.MILLISECOND;
            case MICROS -> TimeUnit.MICROSECOND;
            case NANOS -> TimeUnit.NANOSECOND;
        };
    }

    private static IllegalArgumentException unsupported(String path, Type type, String why) {
        return new IllegalArgumentException("column '" + path + "' has the Parquet type " + type.toString().trim()
                + (why == null ? "" : " (" + why + ")") + ", which materializer " + ArrowMaterializer.ID + " does not read as Arrow");
    }
}
