package dev.cairn.materializers.arrow;

import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;

/**
 * Encodes rows of a table whose columns are all flat (no struct or list) as one Parquet row group, column by column
 * straight into parquet-java's column writers: the same column writers, pages, dictionaries, statistics, page
 * indexes, checksums and zstd compression as {@link ParquetFormat.Writer}, without its per-value record assembly
 * (a {@code startField}/{@code endField} and field bookkeeping per value). Rows are written in blocks of
 * {@link #BLOCK_ROWS}: every column's values of a block, then the block's record ends, at which parquet-java checks
 * page sizes as it does for records. Not thread-safe; one encoder per chunk.
 */
final class FlatChunkEncoder {
    static final int BLOCK_ROWS = 4096;

    private FlatChunkEncoder() {}

    /** Whether every column of {@code schema} is flat and of a type this encoder writes ({@link ColumnTypes#isFlatEncoded}). */
    static boolean handles(Schema schema) {
        for (Field field : schema.getFields()) {
            if (!FlatColumnReader.isFlat(field) || !ColumnTypes.isFlatEncoded(field.getType())) {
                return false;
            }
        }
        return true;
    }

    /** A piece of a batch: rows {@code start} (inclusive) to {@code end} (exclusive). */
    record Piece(VectorSchemaRoot batch, int start, int end) {}

    /**
     * Writes {@code pieces}, in order, as a Parquet file of one row group to {@code out} (closed at the end). The column
     * writers take fresh heap page buffers (never reused: parquet-java reads some after releasing them). A fixed-width
     * column ({@link PlainPageEncoder#handles}) bypasses parquet-java's column writer and goes straight from its Arrow
     * buffers into the column chunk's page writer: by {@link PlainPageEncoder} when its sample looks too varied for a
     * dictionary ({@link #dictionaryColumns}), else by {@link DictionaryPageEncoder} (which itself falls back to plain
     * pages when the chunk's dictionary would overflow parquet-java's dictionary page limit or not pay); a boolean one by
     * {@link BooleanPageEncoder}. The chunk's other columns (strings, binaries, decimals, narrow integers) go through a
     * column write store of their own schema.
     */
    static void encode(List<Piece> pieces, Schema schema, OutputStream out, String description) throws IOException {
        MessageType parquet = ParquetSchemas.toParquet(schema);
        ParquetProperties.Builder settings = ParquetProperties.builder()
                .withPageSize(ParquetFormat.PAGE_BYTES)
                .withDictionaryEncoding(true)
                .withPageWriteChecksumEnabled(true)
                .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0)
                .withAllocator(new HeapByteBufferAllocator())
                // parquet-java estimates when a page fills by integer division (rows / bytes, 0 for any column wider
                // than a byte) and so checks every column's page size every 100 rows; the values of a block are all
                // written before its record ends, so checking more than once a block cannot cut a page sooner.
                .withMinRowCountForPageSizeCheck(BLOCK_ROWS);
        boolean[] dictionary = dictionaryColumns(pieces, schema.getFields().size());
        for (int c = 0; c < dictionary.length; c++) {
            if (!dictionary[c]) {
                settings.withDictionaryEncoding(parquet.getColumns().get(c).getPath()[0], false);
            }
        }
        ParquetProperties properties = settings.build();
        long rows = 0;
        for (Piece piece : pieces) {
            rows += piece.end() - piece.start();
        }
        CodecFactory codecs = new CodecFactory(new PlainParquetConfiguration(), ParquetFormat.PAGE_BYTES);
        try {
            ParquetFileWriter file = new ParquetFileWriter(new StreamOutputFile(out, description), parquet, ParquetFileWriter.Mode.OVERWRITE,
                    ParquetFormat.ROW_GROUP_BYTES, 0, properties.getColumnIndexTruncateLength(), properties.getStatisticsTruncateLength(),
                    properties.getPageWriteChecksumEnabled());
            file.start();
            // The compressed pages are kept until the row group is flushed, in buffers of every size: not from the pool.
            ColumnChunkPageWriteStore pages = new ColumnChunkPageWriteStore(codecs.getCompressor(ParquetFormat.COMPRESSION), parquet,
                    new HeapByteBufferAllocator(), properties.getColumnIndexTruncateLength(), properties.getPageWriteChecksumEnabled());
            try {
                List<ColumnDescriptor> descriptors = parquet.getColumns();
                // fixed-width columns skip parquet-java's column writers: plain pages, or a dictionary of our own
                PageEncoder[] plain = new PageEncoder[descriptors.size()];
                List<org.apache.parquet.schema.Type> javaFields = new java.util.ArrayList<>();
                for (int c = 0; c < plain.length; c++) {
                    if (!pieces.isEmpty() && BooleanPageEncoder.handles(pieces.get(0).batch().getFieldVectors().get(c), descriptors.get(c))) {
                        plain[c] = new BooleanPageEncoder(descriptors.get(c), pages.getPageWriter(descriptors.get(c)));
                    } else if (!pieces.isEmpty() && PlainPageEncoder.handles(pieces.get(0).batch().getFieldVectors().get(c), descriptors.get(c))) {
                        plain[c] = dictionary[c]
                                ? DictionaryPageEncoder.forChunk(descriptors.get(c), pages.getPageWriter(descriptors.get(c)), pieces, c,
                                        properties.getDictionaryPageSizeThreshold())
                                : new PlainPageEncoder(descriptors.get(c), pages.getPageWriter(descriptors.get(c)));
                    } else {
                        javaFields.add(parquet.getType(c));
                    }
                }
                MessageType javaColumns = new MessageType(parquet.getName(), javaFields);
                ColumnWriteStore store = javaFields.isEmpty() ? null : properties.newColumnWriteStore(javaColumns, pages, pages);
                try {
                    ColumnWriter[] writers = new ColumnWriter[descriptors.size()];
                    for (int c = 0; c < writers.length; c++) {
                        if (plain[c] == null) {
                            writers[c] = store.getColumnWriter(descriptors.get(c));
                        }
                    }
                    for (Piece piece : pieces) {
                        List<FieldVector> vectors = piece.batch().getFieldVectors();
                        Column[] columns = new Column[javaFields.size()];
                        for (int c = 0, j = 0; c < plain.length; c++) {
                            if (plain[c] != null) {
                                plain[c].write(vectors.get(c), piece.start(), piece.end());
                            } else {
                                columns[j++] = column(vectors.get(c), writers[c], descriptors.get(c).getMaxDefinitionLevel());
                            }
                        }
                        if (store == null) {
                            continue;
                        }
                        for (int from = piece.start(); from < piece.end(); from += BLOCK_ROWS) {
                            int to = Math.min(piece.end(), from + BLOCK_ROWS);
                            for (Column column : columns) {
                                column.write(from, to);
                            }
                            for (int r = from; r < to; r++) {
                                store.endRecord();
                            }
                        }
                    }
                    if (rows > 0) {
                        for (PageEncoder encoder : plain) {
                            if (encoder != null) {
                                encoder.finish();
                            }
                        }
                        file.startBlock(rows);
                        if (store != null) {
                            store.flush();
                        }
                        pages.flushToFileWriter(file);
                        file.endBlock();
                    }
                } finally {
                    if (store != null) {
                        store.close();
                    }
                }
            } finally {
                pages.close();
            }
            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put(ParquetFormat.ARROW_SCHEMA_KEY, schema.toJson());
            metadata.put("writer.model.name", ParquetRowWriter.MODEL_NAME);
            file.end(metadata);
        } finally {
            codecs.release();
            out.close();
        }
    }

    /** Values sampled per column of a chunk to decide whether to try a dictionary. */
    static final int DICTIONARY_SAMPLE = 16 * 1024;

    /**
     * For each column, whether parquet-java should try a dictionary for it in this chunk. parquet-java starts every
     * column with a dictionary and throws it away when it outgrows the dictionary page (1 MiB: 131,072 distinct 8-byte
     * values) or does not shrink the first page, re-encoding the values seen so far; for a high-cardinality column
     * (ids, measurements, timestamps) that attempt is pure cost in every row group. Like DuckDB, which analyses a
     * column before choosing its encoding, this looks first: {@link #DICTIONARY_SAMPLE} distinct rows of the chunk,
     * one at a pseudo-random place (a fixed function of its index) in each of that many equal stretches of rows, so
     * the whole chunk is covered and a column cycling through a few values is not mistaken for a varied one. A column
     * whose non-null sample is at least 97% distinct (8-byte values) or 99% distinct (4-byte values) is written plain:
     * in a 32 MiB chunk that takes more than about 260,000 (350,000) distinct values, where the 1 MiB dictionary
     * overflows anyway; in a chunk not much larger than the sample it means nearly every value is distinct, where a
     * dictionary does not shrink the page and parquet-java drops it. Elsewhere parquet-java still tries and decides
     * by itself, as before. Only 4- and 8-byte numbers, dates and timestamps are sampled (narrower ones always fit a
     * dictionary; strings, binaries, decimals and booleans keep parquet-java's own attempt), and chunks of fewer rows
     * than the sample are left to parquet-java. The choice depends only on the rows, so equal rows give equal bytes.
     */
    static boolean[] dictionaryColumns(List<Piece> pieces, int columnCount) {
        boolean[] dictionary = new boolean[columnCount];
        java.util.Arrays.fill(dictionary, true);
        long rows = 0;
        for (Piece piece : pieces) {
            rows += piece.end() - piece.start();
        }
        if (rows < DICTIONARY_SAMPLE) {
            return dictionary;
        }
        long stride = rows / DICTIONARY_SAMPLE;
        for (int c = 0; c < columnCount; c++) {
            FieldVector first = pieces.get(0).batch().getFieldVectors().get(c);
            int width = sampledWidth(first);
            if (width == 0) {
                continue;
            }
            DistinctCounter distinct = new DistinctCounter(DICTIONARY_SAMPLE);
            double variedFraction = width == 4 ? 0.99 : 0.97;
            // the sample is too repetitive for plain once its repeats exceed what the whole sample may hold
            int maxRepeats = DICTIONARY_SAMPLE - (int) Math.ceil(variedFraction * DICTIONARY_SAMPLE);
            int sampled = 0;
            int pieceIndex = 0;
            long pieceFirstRow = 0;
            for (int k = 0; k < DICTIONARY_SAMPLE && sampled - distinct.count() <= maxRepeats; k++) {
                long row = k * stride + Math.floorMod(DistinctCounter.mix(k), stride);
                Piece piece = pieces.get(pieceIndex);
                while (row >= pieceFirstRow + (piece.end() - piece.start())) {
                    pieceFirstRow += piece.end() - piece.start();
                    piece = pieces.get(++pieceIndex);
                }
                FieldVector vector = piece.batch().getFieldVectors().get(c);
                int index = piece.start() + (int) (row - pieceFirstRow);
                if (vector.isNull(index)) {
                    continue;
                }
                ArrowBuf data = vector.getDataBuffer();
                distinct.add(width == 4 ? data.getInt(4L * index) : data.getLong(8L * index));
                sampled++;
            }
            dictionary[c] = sampled == 0 || distinct.count() < variedFraction * sampled || sampled - distinct.count() > maxRepeats;
        }
        return dictionary;
    }

    /** The value width in bytes of a column whose dictionary choice is sampled; 0 for the others. */
    private static int sampledWidth(FieldVector vector) {
        return switch (vector.getField().getType().getTypeID()) {
            case Int, FloatingPoint, Date, Timestamp -> {
                int width = ((BaseFixedWidthVector) vector).getTypeWidth();
                yield width == 4 || width == 8 ? width : 0;
            }
            default -> 0;
        };
    }

    /** Counts distinct 64-bit values (open addressing; the table holds twice the most values added). */
    private static final class DistinctCounter {
        private final long[] keys;
        private final boolean[] used;
        private final int mask;
        private int count;

        DistinctCounter(int maxValues) {
            int capacity = Integer.highestOneBit(Math.max(2, maxValues) * 2 - 1) << 1;
            keys = new long[capacity];
            used = new boolean[capacity];
            mask = capacity - 1;
        }

        void add(long value) {
            int slot = (int) mix(value) & mask;
            while (used[slot]) {
                if (keys[slot] == value) {
                    return;
                }
                slot = (slot + 1) & mask;
            }
            used[slot] = true;
            keys[slot] = value;
            count++;
        }

        int count() {
            return count;
        }

        static long mix(long value) {
            long h = value * 0x9E3779B97F4A7C15L;
            return h ^ (h >>> 32);
        }
    }

    /** Writes one column's values of rows {@code from} to {@code to}. */
    private abstract static class Column {
        final FieldVector vector;
        final ColumnWriter writer;
        final int definition;
        final boolean mayBeNull;

        Column(FieldVector vector, ColumnWriter writer, int definition) {
            this.vector = vector;
            this.writer = writer;
            this.definition = definition;
            this.mayBeNull = vector.getNullCount() > 0;
        }

        final void write(int from, int to) {
            if (!mayBeNull) {
                values(from, to);
                return;
            }
            for (int i = from; i < to; i++) {
                if (vector.isNull(i)) {
                    writer.writeNull(0, definition - 1);
                } else {
                    value(i);
                }
            }
        }

        /** Rows without nulls; by default one {@link #value} at a time. */
        void values(int from, int to) {
            for (int i = from; i < to; i++) {
                value(i);
            }
        }

        abstract void value(int i);
    }

    private static Column column(FieldVector vector, ColumnWriter writer, int definition) {
        ArrowType type = vector.getField().getType();
        boolean raw = MemoryUtil.LITTLE_ENDIAN;
        return switch (type.getTypeID()) {
            case Bool -> {
                BitVector bits = (BitVector) vector;
                yield new Column(vector, writer, definition) {
                    @Override
                    void value(int i) {
                        writer.write(bits.get(i) != 0, 0, definition);
                    }
                };
            }
            case Int -> switch (((ArrowType.Int) type).getBitWidth()) {
                case 8 -> {
                    TinyIntVector ints = (TinyIntVector) vector;
                    yield new Column(vector, writer, definition) {
                        @Override
                        void value(int i) {
                            writer.write((int) ints.get(i), 0, definition);
                        }
                    };
                }
                case 16 -> {
                    SmallIntVector ints = (SmallIntVector) vector;
                    yield new Column(vector, writer, definition) {
                        @Override
                        void value(int i) {
                            writer.write((int) ints.get(i), 0, definition);
                        }
                    };
                }
                case 32 -> raw ? ints(vector, writer, definition) : new Column(vector, writer, definition) {
                    private final IntVector ints = (IntVector) vector;

                    @Override
                    void value(int i) {
                        writer.write(ints.get(i), 0, definition);
                    }
                };
                default -> raw ? longs(vector, writer, definition) : new Column(vector, writer, definition) {
                    private final BigIntVector longs = (BigIntVector) vector;

                    @Override
                    void value(int i) {
                        writer.write(longs.get(i), 0, definition);
                    }
                };
            };
            case FloatingPoint -> {
                if (vector instanceof Float4Vector floats) {
                    yield new Column(vector, writer, definition) {
                        @Override
                        void value(int i) {
                            writer.write(floats.get(i), 0, definition);
                        }
                    };
                }
                if (raw) {
                    yield new Column(vector, writer, definition) {
                        private final long address = vector.getDataBufferAddress();

                        @Override
                        void value(int i) {
                            writer.write(Double.longBitsToDouble(MemoryUtil.getLong(address + 8L * i)), 0, definition);
                        }
                    };
                }
                Float8Vector doubles = (Float8Vector) vector;
                yield new Column(vector, writer, definition) {
                    @Override
                    void value(int i) {
                        writer.write(doubles.get(i), 0, definition);
                    }
                };
            }
            case Utf8 -> {
                VarCharVector strings = (VarCharVector) vector;
                yield new Column(vector, writer, definition) {
                    @Override
                    void value(int i) {
                        writer.write(Binary.fromConstantByteArray(strings.get(i)), 0, definition);
                    }
                };
            }
            case Binary -> {
                VarBinaryVector bytes = (VarBinaryVector) vector;
                yield new Column(vector, writer, definition) {
                    @Override
                    void value(int i) {
                        writer.write(Binary.fromConstantByteArray(bytes.get(i)), 0, definition);
                    }
                };
            }
            case Decimal -> {
                DecimalVector decimals = (DecimalVector) vector;
                yield new Column(vector, writer, definition) {
                    @Override
                    void value(int i) {
                        writer.write(Binary.fromConstantByteArray(ParquetRowWriter.bigEndian(decimals, i)), 0, definition);
                    }
                };
            }
            case Date -> {
                DateDayVector days = (DateDayVector) vector;
                yield new Column(vector, writer, definition) {
                    @Override
                    void value(int i) {
                        writer.write(days.get(i), 0, definition);
                    }
                };
            }
            case Timestamp -> {
                TimeStampVector timestamps = (TimeStampVector) vector;
                yield new Column(vector, writer, definition) {
                    @Override
                    void value(int i) {
                        writer.write(timestamps.get(i), 0, definition);
                    }
                };
            }
            default -> throw new IllegalArgumentException("Arrow type " + type + " of column '" + vector.getName() + "' is not a flat Parquet column");
        };
    }

    private static Column ints(FieldVector vector, ColumnWriter writer, int definition) {
        return new Column(vector, writer, definition) {
            private final long address = vector.getDataBufferAddress();

            @Override
            void value(int i) {
                writer.write(MemoryUtil.getInt(address + 4L * i), 0, definition);
            }
        };
    }

    private static Column longs(FieldVector vector, ColumnWriter writer, int definition) {
        return new Column(vector, writer, definition) {
            private final long address = vector.getDataBufferAddress();

            @Override
            void value(int i) {
                writer.write(MemoryUtil.getLong(address + 8L * i), 0, definition);
            }
        };
    }
}
