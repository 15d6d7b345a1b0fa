package dev.cairn.materializers.arrow;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.column.statistics.SizeStatistics;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * Encodes one flat fixed-width column (int32, int64, float, double; dates and timestamps as their integers) of a row
 * group as PLAIN Parquet v1 data pages straight from its Arrow buffers, for a column that keeps no dictionary: the
 * values of rows without nulls are bulk-copied (Arrow's buffers are little-endian like PLAIN), definition levels are one
 * RLE run when a page has no null and else one bit-packed run copied from the validity bits, and the page's min, max
 * and null count are computed in the same pass. The finished (uncompressed) page goes to parquet-java's
 * {@link PageWriter} of the column chunk, which compresses it, writes its header and checksum and keeps the column
 * chunk's statistics, column index and offset index — so the footer and indexes stay parquet-java's. Statistics
 * follow parquet-java's: its comparators (signed integers, {@link Double#compare}/{@link Float#compare} for floating
 * point), and the values one by one through {@link Statistics#updateStats} for a page with a NaN or a zero extreme
 * (where the sign of zero or NaN ordering matters). A page holds {@link #PAGE_ROWS} rows (parquet-java's 20,000-row
 * page limit rounded up to its size-check block, as its writer cut the pages of these columns before). Not
 * thread-safe; one per column chunk.
 */
final class PlainPageEncoder implements PageEncoder {
    /** Rows per page (the last page of a column chunk may hold fewer). */
    static final int PAGE_ROWS = 5 * FlatChunkEncoder.BLOCK_ROWS;

    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final ColumnDescriptor descriptor;
    private final PageWriter pages;
    private final int width;
    private final boolean optional;
    private final PrimitiveTypeName type;
    /** The page being filled: its rows' definition levels as bits (optional columns), then its values from {@link #valuesAt}. */
    private final byte[] page;
    private final int valuesAt;
    private final PageStatistics statistics;
    private int rows;
    private int values;

    /** Whether the column of {@code vector}, written as {@code descriptor}, is encoded here. */
    static boolean handles(FieldVector vector, ColumnDescriptor descriptor) {
        if (!MemoryUtil.LITTLE_ENDIAN || descriptor.getMaxRepetitionLevel() != 0 || descriptor.getMaxDefinitionLevel() > 1
                || !(vector instanceof BaseFixedWidthVector fixed)) {
            return false;
        }
        PrimitiveType primitive = descriptor.getPrimitiveType();
        ArrowType.ArrowTypeID id = vector.getField().getType().getTypeID();
        int width = fixed.getTypeWidth();
        LogicalTypeAnnotation logical = primitive.getLogicalTypeAnnotation();
        // statistics compare signed (an unsigned logical type would order them otherwise)
        boolean signed = logical == null || logical instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation
                || logical instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation
                || logical instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation integer && integer.isSigned();
        return switch (primitive.getPrimitiveTypeName()) {
            case INT32 -> width == 4 && (id == ArrowType.ArrowTypeID.Int || id == ArrowType.ArrowTypeID.Date) && signed;
            case INT64 -> width == 8 && (id == ArrowType.ArrowTypeID.Int || id == ArrowType.ArrowTypeID.Timestamp) && signed;
            case FLOAT -> width == 4 && id == ArrowType.ArrowTypeID.FloatingPoint && logical == null;
            case DOUBLE -> width == 8 && id == ArrowType.ArrowTypeID.FloatingPoint && logical == null;
            default -> false;
        };
    }

    /** An encoder of the column {@code descriptor} (one {@link #handles} accepts) into {@code pages}. */
    PlainPageEncoder(ColumnDescriptor descriptor, PageWriter pages) {
        this.descriptor = descriptor;
        this.pages = pages;
        this.type = descriptor.getPrimitiveType().getPrimitiveTypeName();
        this.width = type == PrimitiveTypeName.INT32 || type == PrimitiveTypeName.FLOAT ? 4 : 8;
        this.optional = descriptor.getMaxDefinitionLevel() == 1;
        this.valuesAt = optional ? PAGE_ROWS / 8 : 0;
        this.page = new byte[valuesAt + PAGE_ROWS * width];
        this.statistics = new PageStatistics(descriptor.getPrimitiveType());
        reset();
    }

    /** Adds rows {@code from} (inclusive) to {@code to} (exclusive) of {@code vector}, writing every page that fills. */
    @Override
    public void write(FieldVector vector, int from, int to) throws IOException {
        ArrowBuf data = vector.getDataBuffer();
        long address = data.memoryAddress();
        boolean mayBeNull = optional && vector.getNullCount() > 0;
        long validity = mayBeNull ? vector.getValidityBuffer().memoryAddress() : 0;
        int row = from;
        while (row < to) {
            int n = Math.min(to - row, PAGE_ROWS - rows);
            if (mayBeNull) {
                gather(address, validity, row, n);
            } else {
                copy(data, address, row, n);
            }
            row += n;
            if (rows == PAGE_ROWS) {
                flush();
            }
        }
    }

    /** Writes the last page, if any rows are left. */
    @Override
    public void finish() throws IOException {
        if (rows > 0) {
            flush();
        }
    }

    /** Rows {@code row .. row + n} without nulls: one copy of their values, then the min and max over the copy. */
    private void copy(ArrowBuf data, long address, int row, int n) {
        int at = valuesAt + values * width;
        data.getBytes((long) row * width, page, at, n * width);
        if (optional) {
            for (int i = 0; i < n; i++) {
                setLevel(rows + i);
            }
        }
        switch (type) {
            case INT32 -> {
                for (int i = 0; i < n; i++) {
                    statistics.addLong((int) INTS.get(page, at + 4 * i));
                }
            }
            case INT64 -> {
                for (int i = 0; i < n; i++) {
                    statistics.addLong((long) LONGS.get(page, at + 8 * i));
                }
            }
            case FLOAT -> {
                for (int i = 0; i < n; i++) {
                    statistics.addDouble(Float.intBitsToFloat((int) INTS.get(page, at + 4 * i)));
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    statistics.addDouble(Double.longBitsToDouble((long) LONGS.get(page, at + 8 * i)));
                }
            }
        }
        values += n;
        rows += n;
    }

    /** Rows {@code row .. row + n} of a column with nulls: the set rows' values and their definition levels. */
    private void gather(long address, long validity, int row, int n) {
        for (int i = 0; i < n; i++) {
            int r = row + i;
            if ((MemoryUtil.getByte(validity + (r >>> 3)) >> (r & 7) & 1) == 0) {
                statistics.addNull();
                continue;
            }
            setLevel(rows + i);
            int at = valuesAt + values * width;
            switch (type) {
                case INT32 -> {
                    int v = MemoryUtil.getInt(address + 4L * r);
                    INTS.set(page, at, v);
                    statistics.addLong(v);
                }
                case INT64 -> {
                    long v = MemoryUtil.getLong(address + 8L * r);
                    LONGS.set(page, at, v);
                    statistics.addLong(v);
                }
                case FLOAT -> {
                    int v = MemoryUtil.getInt(address + 4L * r);
                    INTS.set(page, at, v);
                    statistics.addDouble(Float.intBitsToFloat(v));
                }
                default -> {
                    long v = MemoryUtil.getLong(address + 8L * r);
                    LONGS.set(page, at, v);
                    statistics.addDouble(Double.longBitsToDouble(v));
                }
            }
            values++;
        }
        rows += n;
    }

    /** Sets the definition level (1: a value) of the page's row {@code r} in the level bits. */
    private void setLevel(int r) {
        page[r >>> 3] |= (byte) (1 << (r & 7));
    }

    private void flush() throws IOException {
        PrimitiveType primitive = descriptor.getPrimitiveType();
        Statistics<?> pageStatistics = statistics.build(values, width == 4
                ? i -> (int) INTS.get(page, valuesAt + 4 * i)
                : i -> (long) LONGS.get(page, valuesAt + 8 * i));
        int nulls = statistics.nulls();
        pages.writePage(withLevels(optional, rows, nulls, page, BytesInput.from(page, valuesAt, values * width)), rows, rows, pageStatistics,
                SizeStatistics.newBuilder(primitive, descriptor.getMaxRepetitionLevel(), descriptor.getMaxDefinitionLevel()).build(), null,
                Encoding.BIT_PACKED, optional ? Encoding.RLE : Encoding.BIT_PACKED, Encoding.PLAIN);
        reset();
    }

    /**
     * A v1 data page's bytes: for an optional column the definition levels' byte length (4 bytes, little-endian), then
     * their RLE/bit-packed hybrid runs (one RLE run of ones for a page without nulls, else one bit-packed run of the
     * {@code rows} level bits at the start of {@code levelBits}), then {@code values}; for a required column the values.
     */
    static BytesInput withLevels(boolean optional, int rows, int nulls, byte[] levelBits, BytesInput values) {
        if (!optional) {
            return values;
        }
        byte[] head = new byte[4 + 5 + 1];
        int at;
        BytesInput bits;
        if (nulls == 0) {
            at = putVarInt(head, 4, rows << 1); // one RLE run of `rows` ones
            head[at++] = 1;
            bits = BytesInput.empty();
        } else {
            int groups = (rows + 7) / 8; // one bit-packed run: 8 levels of 1 bit a group, the validity bits as they are
            at = putVarInt(head, 4, groups << 1 | 1);
            bits = BytesInput.from(levelBits, 0, groups);
        }
        int length = at - 4 + (int) bits.size();
        head[0] = (byte) length;
        head[1] = (byte) (length >>> 8);
        head[2] = (byte) (length >>> 16);
        head[3] = (byte) (length >>> 24);
        return BytesInput.concat(BytesInput.from(head, 0, at), bits, values);
    }

    private void reset() {
        if (optional) {
            java.util.Arrays.fill(page, 0, valuesAt, (byte) 0);
        }
        rows = 0;
        values = 0;
        statistics.reset();
    }

    /** Writes {@code value} as an unsigned LEB128 varint at {@code at}; returns the position after it. */
    static int putVarInt(byte[] target, int at, int value) {
        while ((value & ~0x7f) != 0) {
            target[at++] = (byte) (value & 0x7f | 0x80);
            value >>>= 7;
        }
        target[at++] = (byte) value;
        return at;
    }
}
