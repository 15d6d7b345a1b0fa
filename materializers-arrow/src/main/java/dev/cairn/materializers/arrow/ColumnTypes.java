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
    static final String SUPPORTED = "bool, int8/16/32/64 (signed), float32, float64, utf8, binary, decimal (precision <= 38), "
            + "date (day), timestamp (milli, micro, nano; with or without time zone), struct and list of these";

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
            case Bool, Utf8, Binary, Struct, List -> true;
            case Int -> ((ArrowType.Int) type).getIsSigned() && List.of(8, 16, 32, 64).contains(((ArrowType.Int) type).getBitWidth());
            case FloatingPoint -> ((ArrowType.FloatingPoint) type).getPrecision() != FloatingPointPrecision.HALF;
            case Decimal -> ((ArrowType.Decimal) type).getBitWidth() == 128 && ((ArrowType.Decimal) type).getPrecision() <= 38;
            case Date -> ((ArrowType.Date) type).getUnit() == DateUnit.DAY;
            case Timestamp -> ((ArrowType.Timestamp) type).getUnit() != org.apache.arrow.vector.types.TimeUnit.SECOND;
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
            case Decimal -> "decimal(" + ((ArrowType.Decimal) type).getPrecision() + "," + ((ArrowType.Decimal) type).getScale() + ")";
            case Date -> "date";
            case Timestamp -> {
                ArrowType.Timestamp timestamp = (ArrowType.Timestamp) type;
                yield "timestamp[" + timestamp.getUnit().name().toLowerCase(java.util.Locale.ROOT)
                        + (timestamp.getTimezone() == null ? "" : ", " + timestamp.getTimezone()) + "]";
            }
            case Struct -> field.getChildren().stream().map(child -> child.getName() + ": " + describe(child))
                    .collect(Collectors.joining(", ", "struct<", ">"));
            case List -> "list<" + describe(field.getChildren().get(0)) + ">";
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
