package dev.cairn.materializers.arrow;

import java.io.IOException;

import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.column.statistics.SizeStatistics;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * Encodes one flat boolean column of a row group as PLAIN Parquet v1 data pages straight from Arrow's value and validity
 * bits, without parquet-java's per-value column writer: PLAIN booleans are bit-packed one bit a value, least
 * significant bit first, like Arrow's value bits, so each set row's bit is copied into the page's value bits;
 * definition levels as {@link PlainPageEncoder} writes them; the page's min, max (false before true) and null count
 * from the same pass. Pages of {@link PlainPageEncoder#PAGE_ROWS} rows (parquet-java never keeps a dictionary for
 * booleans), handed to the column chunk's {@link PageWriter} like {@link PlainPageEncoder}'s. Not thread-safe; one per
 * column chunk.
 */
final class BooleanPageEncoder implements PageEncoder {
    private final ColumnDescriptor descriptor;
    private final PageWriter pages;
    private final boolean optional;
    private final byte[] levels = new byte[PlainPageEncoder.PAGE_ROWS / 8];
    private final byte[] bits = new byte[PlainPageEncoder.PAGE_ROWS / 8];
    private int rows;
    private int values;
    private int nulls;
    private boolean sawTrue;
    private boolean sawFalse;

    /** Whether the column of {@code vector}, written as {@code descriptor}, is encoded here. */
    static boolean handles(FieldVector vector, ColumnDescriptor descriptor) {
        return vector instanceof BitVector && descriptor.getMaxRepetitionLevel() == 0 && descriptor.getMaxDefinitionLevel() <= 1
                && descriptor.getPrimitiveType().getPrimitiveTypeName() == PrimitiveTypeName.BOOLEAN;
    }

    BooleanPageEncoder(ColumnDescriptor descriptor, PageWriter pages) {
        this.descriptor = descriptor;
        this.pages = pages;
        this.optional = descriptor.getMaxDefinitionLevel() == 1;
    }

    @Override
    public void write(FieldVector vector, int from, int to) throws IOException {
        long data = vector.getDataBuffer().memoryAddress();
        long validity = optional && vector.getNullCount() > 0 ? vector.getValidityBuffer().memoryAddress() : 0;
        for (int r = from; r < to; r++) {
            if (validity != 0 && (MemoryUtil.getByte(validity + (r >>> 3)) >> (r & 7) & 1) == 0) {
                nulls++;
            } else {
                if (optional) {
                    levels[rows >>> 3] |= (byte) (1 << (rows & 7));
                }
                if ((MemoryUtil.getByte(data + (r >>> 3)) >> (r & 7) & 1) != 0) {
                    bits[values >>> 3] |= (byte) (1 << (values & 7));
                    sawTrue = true;
                } else {
                    sawFalse = true;
                }
                values++;
            }
            if (++rows == PlainPageEncoder.PAGE_ROWS) {
                flush();
            }
        }
    }

    @Override
    public void finish() throws IOException {
        if (rows > 0) {
            flush();
        }
    }

    private void flush() throws IOException {
        PrimitiveType primitive = descriptor.getPrimitiveType();
        Statistics<?> statistics = Statistics.createStats(primitive);
        if (sawFalse) {
            statistics.updateStats(false);
        }
        if (sawTrue) {
            statistics.updateStats(true);
        }
        for (int i = 0; i < nulls; i++) {
            statistics.incrementNumNulls();
        }
        pages.writePage(PlainPageEncoder.withLevels(optional, rows, nulls, levels, BytesInput.from(bits, 0, (values + 7) / 8)), rows, rows,
                statistics, SizeStatistics.newBuilder(primitive, descriptor.getMaxRepetitionLevel(), descriptor.getMaxDefinitionLevel()).build(),
                null, Encoding.BIT_PACKED, optional ? Encoding.RLE : Encoding.BIT_PACKED, Encoding.PLAIN);
        java.util.Arrays.fill(levels, (byte) 0);
        java.util.Arrays.fill(bits, (byte) 0);
        rows = 0;
        values = 0;
        nulls = 0;
        sawTrue = false;
        sawFalse = false;
    }
}
