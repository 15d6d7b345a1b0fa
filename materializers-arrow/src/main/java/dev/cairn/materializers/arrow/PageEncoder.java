package dev.cairn.materializers.arrow;

import java.io.IOException;

import org.apache.arrow.vector.FieldVector;

/**
 * Encodes one flat column of a row group straight from its Arrow buffers into the column chunk's page writer, bypassing
 * parquet-java's column writers: {@link PlainPageEncoder} and {@link DictionaryPageEncoder}. Not thread-safe.
 */
interface PageEncoder {
    /** Adds rows {@code from} (inclusive) to {@code to} (exclusive) of {@code vector}, writing every page that fills. */
    void write(FieldVector vector, int from, int to) throws IOException;

    /** Writes the last page (and whatever else the column chunk needs), if any rows are left. */
    void finish() throws IOException;
}
