package dev.cairn.materializers.arrow;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/** Choosing the stored columns a load reads. */
final class Projections {
    private Projections() {}

    /**
     * The fields of {@code stored} named in {@code columns}, in that order; all fields when empty.
     *
     * @throws CairnException {@link ErrorCode#INVALID_ARGUMENT} naming a column that does not exist (with the ones that do)
     *     or one named twice
     */
    static Schema project(Schema stored, Optional<List<String>> columns, String artifactName) {
        if (columns.isEmpty()) {
            return stored;
        }
        List<Field> fields = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String column : columns.get()) {
            if (!seen.add(column)) {
                throw new CairnException(ErrorCode.INVALID_ARGUMENT, "Column '" + column + "' is requested twice in the load of artifact '"
                        + artifactName + "'; name each column once in LoadOptions.withColumns(...)");
            }
            fields.add(field(stored, column, artifactName));
        }
        return new Schema(fields, stored.getCustomMetadata());
    }

    /** The stored field {@code column}, or an {@link ErrorCode#INVALID_ARGUMENT} error listing the stored columns. */
    static Field field(Schema stored, String column, String artifactName) {
        for (Field field : stored.getFields()) {
            if (field.getName().equals(column)) {
                return field;
            }
        }
        throw new CairnException(ErrorCode.INVALID_ARGUMENT, "Column '" + column + "' does not exist in artifact '" + artifactName
                + "'. Its columns are " + ParquetFormat.names(stored) + "; request some of these in LoadOptions.withColumns(...)"
                + " or in the record type you load.");
    }
}
