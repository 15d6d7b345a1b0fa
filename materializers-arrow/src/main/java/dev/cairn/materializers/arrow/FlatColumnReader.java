package dev.cairn.materializers.arrow;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

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
import org.apache.parquet.bytes.ByteBufferInputStream;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.EncodingStats;
import org.apache.parquet.column.ValuesType;
import org.apache.parquet.column.impl.ColumnReaderImpl;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.column.values.ValuesReader;
import org.apache.parquet.column.values.dictionary.DictionaryValuesReader;
import org.apache.parquet.io.ParquetDecodingException;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.jspecify.annotations.Nullable;

/**
 * Reads one top-level, non-repeated primitive column (a "flat" column: the common dataframe case) of each row group
 * straight into its Arrow vector, bypassing record assembly: the column is decoded on its own, in runs of rows, so its
 * loop stays small and its vector's memory is written sequentially. Pages come from parquet-java's page reader, so
 * they are decompressed and their CRC checksums verified as before.
 *
 * <p>int32, int64, float32, float64, date and timestamp columns are written into the vector's data buffer directly
 * (Arrow's buffers are little-endian, as is every platform this module runs on; on another platform they take the
 * generic path). Their plain and dictionary-encoded version 1 pages (what this module writes) are decoded here;
 * other pages (version 2, delta encodings: other writers' files) value by value through parquet-java's
 * {@link ColumnReader}. Validity is set in bulk for a required column, and a byte at a time for an optional one.
 * Other flat types (bool, int8/16, utf8, binary, decimal) go through the column reader into the same per-value
 * converters as record assembly.
 */
abstract class FlatColumnReader {
    /** The Arrow field types this reader handles: primitive (not struct, list or map). */
    static boolean isFlat(Field field) {
        return switch (field.getType().getTypeID()) {
            case Struct, List, Map -> false;
            default -> true;
        };
    }

    /** A reader of {@code vector}, stored in Parquet as the leaf column {@code descriptor}. */
    static FlatColumnReader of(FieldVector vector, ColumnDescriptor descriptor) {
        if (descriptor.getMaxRepetitionLevel() != 0 || descriptor.getMaxDefinitionLevel() > 1) {
            throw new IllegalArgumentException("column " + descriptor + " is not a flat column");
        }
        // the Parquet values are the vector's values only when the physical type is the vector's own (an int96
        // timestamp or an int32/int64 decimal is converted value by value)
        PrimitiveTypeName physical = descriptor.getPrimitiveType().getPrimitiveTypeName();
        if (MemoryUtil.LITTLE_ENDIAN) {
            if (vector instanceof Float8Vector && physical == PrimitiveTypeName.DOUBLE) {
                return new Raw(vector, descriptor, Raw.DOUBLE);
            }
            if (vector instanceof Float4Vector && physical == PrimitiveTypeName.FLOAT) {
                return new Raw(vector, descriptor, Raw.FLOAT);
            }
            if ((vector instanceof BigIntVector || vector instanceof TimeStampVector) && physical == PrimitiveTypeName.INT64) {
                return new Raw(vector, descriptor, Raw.LONG);
            }
            if ((vector instanceof IntVector || vector instanceof DateDayVector) && physical == PrimitiveTypeName.INT32) {
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
     * Starts reading the column's chunk in {@code group}; {@code encodings} are the chunk's page encodings from the
     * footer, when known.
     *
     * @throws ParquetDecodingException when the chunk does not hold one value per row of the group
     */
    final void startRowGroup(PageReadStore group, VersionParser.@Nullable ParsedVersion writerVersion, @Nullable EncodingStats encodings) {
        PageReader pages = group.getPageReader(descriptor);
        if (pages.getTotalValueCount() != group.getRowCount()) {
            throw new ParquetDecodingException("column chunk " + descriptor + " holds " + pages.getTotalValueCount()
                    + " values for a row group of " + group.getRowCount() + " rows");
        }
        start(pages, writerVersion, encodings);
    }

    /** Starts a column chunk with parquet-java's column reader. */
    void start(PageReader pages, VersionParser.@Nullable ParsedVersion writerVersion, @Nullable EncodingStats encodings) {
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

    /**
     * A fixed-width numeric column written into the vector's memory. When the footer says the chunk has only version 1
     * data pages, plain or dictionary-encoded (what this module writes), the pages are decoded here: a run of plain
     * values of a required column is one bounds-checked copy into the vector, dictionary ids are looked up in an array
     * of the decoded dictionary. Otherwise, value by value through parquet-java's column reader. A page that turns out
     * not to be what the footer said fails the read.
     */
    private static final class Raw extends FlatColumnReader {
        static final int DOUBLE = 0;
        static final int FLOAT = 1;
        static final int LONG = 2;
        static final int INT = 3;

        private static final PrimitiveConverter NONE = new PrimitiveConverter() {};

        private final int kind;
        private final int width;

        // Decoding pages here (reader == null): the chunk's pages, its dictionary as raw little-endian values, and the
        // current page's definition levels (optional columns) and values (plain bytes or dictionary ids).
        private @Nullable PageReader pages;
        private long @Nullable [] dictionary8;
        private int @Nullable [] dictionary4;
        private @Nullable Dictionary dictionary;
        private int remainingInPage;
        private @Nullable ValuesReader levels;
        private @Nullable ByteBuffer plain;
        private @Nullable DictionaryValuesReader ids;

        Raw(FieldVector vector, ColumnDescriptor descriptor, int kind) {
            super(vector, descriptor);
            this.kind = kind;
            this.width = kind == DOUBLE || kind == LONG ? 8 : 4;
        }

        @Override
        PrimitiveConverter converter() {
            return NONE;
        }

        private static boolean decodable(@Nullable EncodingStats encodings) {
            if (encodings == null || encodings.usesV2Pages()) {
                return false;
            }
            for (Encoding encoding : encodings.getDataEncodings()) {
                if (encoding != Encoding.PLAIN && encoding != Encoding.PLAIN_DICTIONARY && encoding != Encoding.RLE_DICTIONARY) {
                    return false;
                }
            }
            for (Encoding encoding : encodings.getDictionaryEncodings()) {
                if (encoding != Encoding.PLAIN && encoding != Encoding.PLAIN_DICTIONARY) {
                    return false;
                }
            }
            return true;
        }

        @Override
        void start(PageReader chunk, VersionParser.@Nullable ParsedVersion writerVersion, @Nullable EncodingStats encodings) {
            if (!decodable(encodings)) {
                pages = null;
                super.start(chunk, writerVersion, encodings);
                return;
            }
            reader = null;
            pages = chunk;
            remainingInPage = 0;
            dictionary = null;
            dictionary8 = null;
            dictionary4 = null;
            DictionaryPage page = chunk.readDictionaryPage();
            if (page != null) {
                try {
                    dictionary = page.getEncoding().initDictionary(descriptor, page);
                } catch (IOException e) {
                    throw new ParquetDecodingException("could not decode the dictionary of " + descriptor, e);
                }
                int size = dictionary.getMaxId() + 1;
                if (width == 8) {
                    long[] values = new long[size];
                    for (int id = 0; id < size; id++) {
                        values[id] = kind == DOUBLE ? Double.doubleToRawLongBits(dictionary.decodeToDouble(id)) : dictionary.decodeToLong(id);
                    }
                    dictionary8 = values;
                } else {
                    int[] values = new int[size];
                    for (int id = 0; id < size; id++) {
                        values[id] = kind == FLOAT ? Float.floatToRawIntBits(dictionary.decodeToFloat(id)) : dictionary.decodeToInt(id);
                    }
                    dictionary4 = values;
                }
            }
        }

        /** Moves to the next data page of the chunk. */
        private void nextPage() {
            DataPage page = pages.readPage();
            if (page == null) {
                throw new ParquetDecodingException("column chunk " + descriptor + " has fewer values in its pages than its footer lists");
            }
            if (!(page instanceof DataPageV1 v1)) {
                throw new ParquetDecodingException("column chunk " + descriptor + " has a version 2 data page, which its footer does not list");
            }
            int count = v1.getValueCount();
            try {
                ByteBufferInputStream in = v1.getBytes().toInputStream();
                v1.getRlEncoding().getValuesReader(descriptor, ValuesType.REPETITION_LEVEL).initFromPage(count, in);
                ValuesReader definitions = v1.getDlEncoding().getValuesReader(descriptor, ValuesType.DEFINITION_LEVEL);
                definitions.initFromPage(count, in);
                levels = maxDefinition == 0 ? null : definitions;
                Encoding encoding = v1.getValueEncoding();
                if (encoding == Encoding.PLAIN) {
                    plain = in.slice(in.available()).order(ByteOrder.LITTLE_ENDIAN);
                    ids = null;
                    if (maxDefinition == 0 && plain.remaining() < (long) count * width) {
                        throw new ParquetDecodingException("a plain page of " + descriptor + " holds " + plain.remaining()
                                + " bytes for " + count + " values");
                    }
                } else if (encoding.usesDictionary() && dictionary != null) {
                    DictionaryValuesReader reader = new DictionaryValuesReader(dictionary);
                    reader.initFromPage(count, in);
                    ids = reader;
                    plain = null;
                } else {
                    throw new ParquetDecodingException("column chunk " + descriptor + " has a page encoded as " + encoding
                            + (encoding.usesDictionary() ? " without a dictionary page" : ", which its footer does not list"));
                }
            } catch (IOException e) {
                throw new ParquetDecodingException("could not read a page of " + descriptor, e);
            }
            remainingInPage = count;
        }

        @Override
        void read(int offset, int count) {
            ensureCapacity(offset + count);
            if (pages == null) {
                readWithColumnReader(offset, count);
                return;
            }
            while (count > 0) {
                if (remainingInPage == 0) {
                    nextPage();
                    continue;
                }
                int run = Math.min(count, remainingInPage);
                if (maxDefinition == 0) {
                    decodeRequired(offset, run);
                    setValid(vector.getValidityBuffer(), offset, run);
                } else {
                    decodeOptional(offset, run);
                }
                remainingInPage -= run;
                offset += run;
                count -= run;
            }
        }

        /** {@code count} values of the current page, all present, into rows {@code offset ...}. */
        private void decodeRequired(int offset, int count) {
            long address = vector.getDataBufferAddress() + (long) offset * width;
            if (plain != null) {
                int bytes = count * width;
                ByteBuffer run = plain.duplicate();
                run.limit(run.position() + bytes);
                vector.getDataBuffer().setBytes((long) offset * width, run);
                plain.position(plain.position() + bytes);
            } else if (width == 8) {
                long[] values = dictionary8;
                DictionaryValuesReader reader = ids;
                for (long at = address, end = address + 8L * count; at < end; at += 8) {
                    MemoryUtil.putLong(at, values[reader.readValueDictionaryId()]);
                }
            } else {
                int[] values = dictionary4;
                DictionaryValuesReader reader = ids;
                for (long at = address, end = address + 4L * count; at < end; at += 4) {
                    MemoryUtil.putInt(at, values[reader.readValueDictionaryId()]);
                }
            }
        }

        /** {@code count} values of the current page, present where the definition level is 1, into rows {@code offset ...}. */
        private void decodeOptional(int offset, int count) {
            long address = vector.getDataBufferAddress() + (long) offset * width;
            long validity = vector.getValidityBufferAddress();
            ValuesReader definitions = levels;
            ByteBuffer bytes = plain;
            int position = bytes == null ? 0 : bytes.position();
            int end = offset + count;
            int bits = 0;
            long at = address;
            for (int i = offset; i < end; i++, at += width) {
                if (definitions.readInteger() == 1) {
                    if (bytes != null) {
                        if (width == 8) {
                            MemoryUtil.putLong(at, bytes.getLong(position));
                        } else {
                            MemoryUtil.putInt(at, bytes.getInt(position));
                        }
                        position += width;
                    } else if (width == 8) {
                        MemoryUtil.putLong(at, dictionary8[ids.readValueDictionaryId()]);
                    } else {
                        MemoryUtil.putInt(at, dictionary4[ids.readValueDictionaryId()]);
                    }
                    bits |= 1 << (i & 7);
                }
                if ((i & 7) == 7) {
                    orByte(validity + (i >>> 3), bits);
                    bits = 0;
                }
            }
            orByte(validity + ((end - 1) >>> 3), bits);
            if (bytes != null) {
                bytes.position(position);
            }
        }

        private void readWithColumnReader(int offset, int count) {
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
            orByte(validity + ((end - 1) >>> 3), bits);
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
            this.converter = ParquetVectorConverters.converter(vector, descriptor.getPrimitiveType(), cursor).asPrimitiveConverter();
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
