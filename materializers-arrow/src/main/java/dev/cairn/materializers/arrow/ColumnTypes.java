package dev.cairn.materializers.arrow;

import java.util.List;
import java.util.stream.Collectors;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The Arrow types this module stores, and their short names for metadata and messages ({@code int32},
 * {@code decimal(38,2)}, {@code struct<a: int32>}, {@code list<utf8>}).
 */
final class ColumnTypes {
    static final String SUPPORTED = "bool, int8/16/32/64 and uint8/16/32/64, float32, float64, utf8, binary, fixed_size_binary, "
            + "decimal128 and decimal256, date (day), time32[ms], time64[us, ns], timestamp (milli, micro, nano; with or without "
            + "time zone), struct, list and map of these";

    private ColumnTypes() {}

    /**
     * Checks that every field (recursively) has a type this module can store.
     *
     * @throws CairnException {@link ErrorCode#MATERIALIZER_FAILED} naming the column and its type
     */
    static void checkSupported(Schema schema, String artifactName) {
        for (Field field : schema.getFields()) {
            checkSupported(field, field.getName(), artifactName);
        }
    }

    private static void checkSupported(Field field, String path, String artifactName) {
        if (!isSupportedLeafOrContainer(field.getType())) {
            throw new CairnException(ErrorCode.MATERIALIZER_FAILED, "Cannot store column '" + path + "' of artifact '" + artifactName
                    + "': Arrow type " + field.getType() + " is not supported by materializer " + ArrowMaterializer.ID
                    + ". Supported: " + SUPPORTED + ". Cast the column to one of these before returning it.");
        }
        if (field.getDictionary() != null) {
            throw new CairnException(ErrorCode.MATERIALIZER_FAILED, "Cannot store column '" + path + "' of artifact '" + artifactName
                    + "': dictionary-encoded columns are not supported; decode it first (DictionaryEncoder.decode).");
        }
        for (Field child : field.getChildren()) {
            checkSupported(child, path + "." + child.getName(), artifactName);
        }
    }

    private static boolean isSupportedLeafOrContainer(ArrowType type) {
        return switch (type.getTypeID()) {
            case Bool, Utf8, Binary, FixedSizeBinary, Struct, List, Map -> true;
            case Int -> List.of(8, 16, 32, 64).contains(((ArrowType.Int) type).getBitWidth());
            case FloatingPoint -> ((ArrowType.FloatingPoint) type).getPrecision() != FloatingPointPrecision.HALF;
            case Decimal -> ((ArrowType.Decimal) type).getPrecision() <= (((ArrowType.Decimal) type).getBitWidth() == 128 ? 38 : 76);
            case Date -> ((ArrowType.Date) type).getUnit() == DateUnit.DAY;
            // Parquet's TIME has no seconds unit
            case Time -> ((ArrowType.Time) type).getUnit() != org.apache.arrow.vector.types.TimeUnit.SECOND;
            case Timestamp -> ((ArrowType.Timestamp) type).getUnit() != org.apache.arrow.vector.types.TimeUnit.SECOND;
            default -> false;
        };
    }

    /**
     * Whether {@link FlatChunkEncoder} writes columns of {@code type}: the flat types other than unsigned integers, times,
     * fixed-size binaries and decimal256 (what tables loaded from other tools' files hold), which {@link ParquetRowWriter}
     * writes.
     */
    static boolean isFlatEncoded(ArrowType type) {
        return switch (type.getTypeID()) {
            case Bool, FloatingPoint, Utf8, Binary, Date, Timestamp -> true;
            case Int -> ((ArrowType.Int) type).getIsSigned();
            case Decimal -> ((ArrowType.Decimal) type).getBitWidth() == 128;
            default -> false;
        };
    }

    /** A short, readable name of a field's type. */
    static String describe(Field field) {
        ArrowType type = field.getType();
        return switch (type.getTypeID()) {
            case Bool -> "bool";
            case Int -> (((ArrowType.Int) type).getIsSigned() ? "int" : "uint") + ((ArrowType.Int) type).getBitWidth();
            case FloatingPoint -> ((ArrowType.FloatingPoint) type).getPrecision() == FloatingPointPrecision.SINGLE ? "float32" : "float64";
            case Utf8 -> "utf8";
            case Binary -> "binary";
            case FixedSizeBinary -> "fixed_size_binary(" + ((ArrowType.FixedSizeBinary) type).getByteWidth() + ")";
            case Decimal -> "decimal(" + ((ArrowType.Decimal) type).getPrecision() + "," + ((ArrowType.Decimal) type).getScale() + ")";
            case Date -> "date";
            case Time -> "time[" + ((ArrowType.Time) type).getUnit().name().toLowerCase(java.util.Locale.ROOT) + "]";
            case Timestamp -> {
                ArrowType.Timestamp timestamp = (ArrowType.Timestamp) type;
                yield "timestamp[" + timestamp.getUnit().name().toLowerCase(java.util.Locale.ROOT)
                        + (timestamp.getTimezone() == null ? "" : ", " + timestamp.getTimezone()) + "]";
            }
            case Struct -> field.getChildren().stream().map(child -> child.getName() + ": " + describe(child))
                    .collect(Collectors.joining(", ", "struct<", ">"));
            case List -> "list<" + describe(field.getChildren().get(0)) + ">";
            case Map -> {
                List<Field> entry = field.getChildren().get(0).getChildren();
                yield "map<" + describe(entry.get(0)) + ", " + describe(entry.get(1)) + ">";
            }
            default -> type.toString();
        };
    }

    static boolean isNumeric(ArrowType type) {
        return switch (type.getTypeID()) {
            case Int, FloatingPoint, Decimal -> true;
            default -> false;
        };
    }
}
