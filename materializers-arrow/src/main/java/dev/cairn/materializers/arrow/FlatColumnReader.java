package dev.cairn.materializers.arrow;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.parquet.VersionParser;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReaderImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.io.ParquetDecodingException;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.jspecify.annotations.Nullable;

/**
 * Reads one top-level, non-repeated primitive column (a "flat" column: the common dataframe case) of each row group
 * straight into its Arrow vector with parquet-java's {@link ColumnReader}, bypassing record assembly: the column is
 * decoded on its own, in runs of rows, so its loop stays small and its vector's memory is written sequentially.
 *
 * <p>int32, int64, float32, float64, date and timestamp columns are written into the vector's data buffer directly
 * (Arrow's buffers are little-endian, as is every platform this module runs on; on another platform they take the
 * generic path). Validity is set in bulk for a required column, and a byte at a time for an optional one. Other flat
 * types (bool, int8/16, utf8, binary, decimal) go through the same per-value converters as record assembly.
 * Dictionary-encoded pages are decoded by the column reader.
 */
abstract class FlatColumnReader {
    /** The Arrow field types this reader handles: primitive (not struct or list). */
    static boolean isFlat(Field field) {
        return switch (field.getType().getTypeID()) {
            case Struct, List -> false;
            default -> true;
        };
    }

    /** A reader of {@code vector}, stored in Parquet as the leaf column {@code descriptor}. */
    static FlatColumnReader of(FieldVector vector, ColumnDescriptor descriptor) {
        if (descriptor.getMaxRepetitionLevel() != 0 || descriptor.getMaxDefinitionLevel() > 1) {
            throw new IllegalArgumentException("column " + descriptor + " is not a flat column");
        }
        if (MemoryUtil.LITTLE_ENDIAN) {
            if (vector instanceof Float8Vector) {
                return new Raw(vector, descriptor, Raw.DOUBLE);
            }
            if (vector instanceof Float4Vector) {
                return new Raw(vector, descriptor, Raw.FLOAT);
            }
            if (vector instanceof BigIntVector || vector instanceof TimeStampVector) {
                return new Raw(vector, descriptor, Raw.LONG);
            }
            if (vector instanceof IntVector || vector instanceof DateDayVector) {
                return new Raw(vector, descriptor, Raw.INT);
            }
        }
        return new Converted(vector, descriptor);
    }

    final FieldVector vector;
    final ColumnDescriptor descriptor;
    /** 0 for a required column, 1 for an optional one. */
    final int maxDefinition;
    @Nullable ColumnReader reader;

    private FlatColumnReader(FieldVector vector, ColumnDescriptor descriptor) {
        this.vector = vector;
        this.descriptor = descriptor;
        this.maxDefinition = descriptor.getMaxDefinitionLevel();
    }

    /**
     * Starts reading the column's chunk in {@code group}.
     *
     * @throws ParquetDecodingException when the chunk does not hold one value per row of the group
     */
    final void startRowGroup(PageReadStore group, VersionParser.@Nullable ParsedVersion writerVersion) {
        PageReader pages = group.getPageReader(descriptor);
        if (pages.getTotalValueCount() != group.getRowCount()) {
            throw new ParquetDecodingException("column chunk " + descriptor + " holds " + pages.getTotalValueCount()
                    + " values for a row group of " + group.getRowCount() + " rows");
        }
        reader = new ColumnReaderImpl(descriptor, pages, converter(), writerVersion);
    }

    /** What the column reader hands dictionary pages and values written with {@code writeCurrentValueToConverter}. */
    abstract PrimitiveConverter converter();

    /**
     * Reads the next {@code count} values of the current row group into rows {@code offset ...} of the vector, growing
     * it when needed.
     */
    abstract void read(int offset, int count);

    /** Grows the vector until it holds {@code rows} values (growing keeps the values and zeroes the new validity bits). */
    final void ensureCapacity(int rows) {
        while (vector.getValueCapacity() < rows) {
            vector.reAlloc();
        }
    }

    /** Sets the validity bits of rows {@code offset ... offset + count - 1}: whole bytes at once. */
    static void setValid(ArrowBuf validity, int offset, int count) {
        int end = offset + count;
        int i = offset;
        for (; i < end && (i & 7) != 0; i++) {
            setBit(validity.memoryAddress(), i);
        }
        int bytes = (end - i) >>> 3;
        if (bytes > 0) {
            validity.setOne(i >>> 3, bytes);
            i += bytes << 3;
        }
        for (; i < end; i++) {
            setBit(validity.memoryAddress(), i);
        }
    }

    private static void setBit(long address, int index) {
        long at = address + (index >>> 3);
        MemoryUtil.putByte(at, (byte) (MemoryUtil.getByte(at) | (1 << (index & 7))));
    }

    /** A fixed-width numeric column written into the vector's memory. */
    private static final class Raw extends FlatColumnReader {
        static final int DOUBLE = 0;
        static final int FLOAT = 1;
        static final int LONG = 2;
        static final int INT = 3;

        private static final PrimitiveConverter NONE = new PrimitiveConverter() {};

        private final int kind;
        private final int width;

        Raw(FieldVector vector, ColumnDescriptor descriptor, int kind) {
            super(vector, descriptor);
            this.kind = kind;
            this.width = kind == DOUBLE || kind == LONG ? 8 : 4;
        }

        @Override
        PrimitiveConverter converter() {
            return NONE;
        }

        @Override
        void read(int offset, int count) {
            ensureCapacity(offset + count);
            ColumnReader column = reader;
            long address = vector.getDataBufferAddress() + (long) offset * width;
            if (maxDefinition == 0) {
                readRequired(column, address, count);
                setValid(vector.getValidityBuffer(), offset, count);
            } else {
                readOptional(column, address, vector.getValidityBufferAddress(), offset, count);
            }
        }

        /** One tight loop per kind, so that each stays monomorphic. */
        private void readRequired(ColumnReader column, long address, int count) {
            long end = address + (long) count * width;
            switch (kind) {
                case DOUBLE -> {
                    for (long at = address; at < end; at += 8) {
                        MemoryUtil.putLong(at, Double.doubleToRawLongBits(column.getDouble()));
                        column.consume();
                    }
                }
                case LONG -> {
                    for (long at = address; at < end; at += 8) {
                        MemoryUtil.putLong(at, column.getLong());
                        column.consume();
                    }
                }
                case INT -> {
                    for (long at = address; at < end; at += 4) {
                        MemoryUtil.putInt(at, column.getInteger());
                        column.consume();
                    }
                }
                default -> {
                    for (long at = address; at < end; at += 4) {
                        MemoryUtil.putInt(at, Float.floatToRawIntBits(column.getFloat()));
                        column.consume();
                    }
                }
            }
        }

        /** Values where the definition level says so; validity bits gathered a byte at a time and OR-ed in. */
        private void readOptional(ColumnReader column, long address, long validity, int offset, int count) {
            int end = offset + count;
            int bits = 0;
            long at = address;
            for (int i = offset; i < end; i++, at += width) {
                if (column.getCurrentDefinitionLevel() == 1) {
                    switch (kind) {
                        case DOUBLE -> MemoryUtil.putLong(at, Double.doubleToRawLongBits(column.getDouble()));
                        case LONG -> MemoryUtil.putLong(at, column.getLong());
                        case INT -> MemoryUtil.putInt(at, column.getInteger());
                        default -> MemoryUtil.putInt(at, Float.floatToRawIntBits(column.getFloat()));
                    }
                    bits |= 1 << (i & 7);
                }
                column.consume();
                if ((i & 7) == 7) {
                    orByte(validity + (i >>> 3), bits);
                    bits = 0;
                }
            }
            if (bits != 0) {
                orByte(validity + ((end - 1) >>> 3), bits);
            }
        }

        private static void orByte(long at, int bits) {
            if (bits != 0) {
                MemoryUtil.putByte(at, (byte) (MemoryUtil.getByte(at) | bits));
            }
        }
    }

    /**
     * Any other flat column: each defined value goes to the converter record assembly would use (which writes it
     * with {@code setSafe}, growing the vector as needed); an undefined one stays null.
     */
    private static final class Converted extends FlatColumnReader {
        private final ParquetVectorConverters.RowCursor cursor = new ParquetVectorConverters.RowCursor();
        private final PrimitiveConverter converter;

        Converted(FieldVector vector, ColumnDescriptor descriptor) {
            super(vector, descriptor);
            this.converter = ParquetVectorConverters.converter(vector, cursor).asPrimitiveConverter();
        }

        @Override
        PrimitiveConverter converter() {
            return converter;
        }

        @Override
        void read(int offset, int count) {
            ColumnReader column = reader;
            int end = offset + count;
            for (int i = offset; i < end; i++) {
                if (column.getCurrentDefinitionLevel() == maxDefinition) {
                    cursor.row = i;
                    column.writeCurrentValueToConverter();
                }
                column.consume();
            }
        }
    }
}
