package dev.cairn.materializers.arrow;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.spi.ArtifactReader;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.VersionParser;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.EncodingStats;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ColumnPath;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;
import org.jspecify.annotations.Nullable;

/**
 * Parquet files of Arrow data: how they are written (settings shared with the benchmark's direct parquet-java
 * baseline) and read back with column projection and a row limit.
 *
 * <p><b>Compression: zstd.</b> Artifacts are kept, versioned and copied between stores for a long time, so the
 * bytes at rest matter more than the last bit of write speed: at parquet-java's default level zstd makes files
 * markedly smaller than snappy on typical tables (repetitive strings, small integers, dates) and decompresses at
 * a similar speed, and every mainstream reader (DuckDB, Spark, pyarrow, Polars) reads it. Data pages carry CRC
 * checksums, verified on read, so a flipped byte fails the load instead of yielding a wrong value.
 */
final class ParquetFormat {
    /** The data file of a Parquet artifact. */
    static final String FILE_NAME = "data.parquet";
    /** Key of the Parquet key-value metadata holding the Arrow schema (JSON), so types round-trip exactly. */
    static final String ARROW_SCHEMA_KEY = "cairn.arrow.schema";

    static final CompressionCodecName COMPRESSION = CompressionCodecName.ZSTD;
    /** Row groups of 64 MiB (before compression): large enough for fast scans, small enough to buffer. */
    static final long ROW_GROUP_BYTES = 64L * 1024 * 1024;
    static final int PAGE_BYTES = 1024 * 1024;

    private ParquetFormat() {}

    /** Settings applied to every writer (the benchmark applies the same ones to its direct parquet-java writer). */
    static <T, B extends ParquetWriter.Builder<T, B>> B configure(B builder) {
        return builder
                .withConf(new PlainParquetConfiguration())
                .withCompressionCodec(COMPRESSION)
                .withRowGroupSize(ROW_GROUP_BYTES)
                .withPageSize(PAGE_BYTES)
                .withDictionaryEncoding(true)
                .withPageWriteChecksumEnabled(true)
                .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE);
    }

    /** Writes batches of rows of one schema as one Parquet file; closing finishes the file and closes the stream. */
    static final class Writer implements AutoCloseable {
        private final ParquetRowWriter rows;
        private final ParquetWriter<ParquetRowWriter.Row> writer;
        private final ParquetRowWriter.Row row = new ParquetRowWriter.Row();
        private final OutputStream out;

        Writer(OutputStream out, Schema schema, String description) throws IOException {
            this(out, schema, description, ROW_GROUP_BYTES, PAGE_BYTES, ParquetProperties.WriterVersion.PARQUET_1_0);
        }

        /**
         * A writer with other row group and page sizes and page format: tests use small sizes to get many row groups
         * and pages, and version 2 pages (which this module does not write) to check that other writers' files load.
         */
        Writer(OutputStream out, Schema schema, String description, long rowGroupBytes, int pageBytes,
                ParquetProperties.WriterVersion version) throws IOException {
            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put(ARROW_SCHEMA_KEY, schema.toJson());
            this.out = out;
            this.rows = new ParquetRowWriter(ParquetSchemas.toParquet(schema), metadata);
            this.writer = configure(new Builder(new StreamOutputFile(out, description), rows))
                    .withRowGroupSize(rowGroupBytes)
                    .withPageSize(pageBytes)
                    .withWriterVersion(version)
                    .build();
        }

        /** Writes the first {@code root.getRowCount()} rows of {@code root}. */
        void write(VectorSchemaRoot root) throws IOException {
            write(root, 0, root.getRowCount());
        }

        /** Writes rows {@code start} (inclusive) to {@code end} (exclusive) of {@code root}, which is only read. */
        void write(VectorSchemaRoot root, int start, int end) throws IOException {
            rows.bind(root);
            for (int i = start; i < end; i++) {
                row.index = i;
                writer.write(row);
            }
        }

        /**
         * Finishes the file and closes the stream. After a failed write parquet-java (1.14+) aborts: it neither finishes
         * the file nor closes the stream it was given, so the stream is closed here in every case.
         */
        @Override
        public void close() throws IOException {
            try {
                writer.close();
            } finally {
                out.close();
            }
        }
    }

    private static final class Builder extends ParquetWriter.Builder<ParquetRowWriter.Row, Builder> {
        private final ParquetRowWriter writeSupport;

        Builder(org.apache.parquet.io.OutputFile file, ParquetRowWriter writeSupport) {
            super(file);
            this.writeSupport = writeSupport;
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<ParquetRowWriter.Row> getWriteSupport(Configuration configuration) {
            return writeSupport;
        }

        @Override
        protected WriteSupport<ParquetRowWriter.Row> getWriteSupport(ParquetConfiguration configuration) {
            return writeSupport;
        }
    }

    /**
     * Reads a Parquet artifact file: only the requested columns' chunks are fetched, row group by row group, and
     * no row group after the row limit is touched. Flat (top-level primitive) columns are decoded one at a time with
     * parquet-java's column readers ({@link FlatColumnReader}); struct, list and map columns by record assembly
     * ({@link ParquetVectorConverters}). Every requested column of a row group is read for the same rows. Not
     * thread-safe.
     */
    static final class Reader implements AutoCloseable {
        private final ParquetFileReader file;
        private final Schema schema;
        private final MessageType requested;
        private final @Nullable MessageType nestedSchema;
        private final @Nullable MessageColumnIO nestedIO;
        private final VersionParser.@Nullable ParsedVersion writerVersion;
        private final String described;
        private final long totalRows;
        private @Nullable VectorSchemaRoot boundTo;
        private final List<FlatColumnReader> flat = new ArrayList<>();
        private @Nullable ParquetVectorConverters nested;
        private final ParquetVectorConverters.RowCursor cursor = new ParquetVectorConverters.RowCursor();
        private @Nullable RecordReader<Object> records;
        private long remainingInGroup;
        private int groupIndex;
        private long rowsRead;

        /**
         * A reader of {@code file}, whose requested schema is {@code requested}; {@code nestedSchema} holds its
         * top-level columns that are assembled as records (structs, lists, maps), in their order, or is null.
         */
        private Reader(ParquetFileReader file, Schema schema, MessageType requested, @Nullable MessageType nestedSchema, String described) {
            this.file = file;
            this.schema = schema;
            this.requested = requested;
            this.nestedSchema = nestedSchema;
            this.nestedIO = nestedSchema == null ? null : new ColumnIOFactory(file.getFileMetaData().getCreatedBy())
                    .getColumnIO(nestedSchema, file.getFileMetaData().getSchema(), true);
            this.writerVersion = writerVersion(file.getFileMetaData().getCreatedBy());
            this.described = described;
            this.totalRows = file.getRecordCount();
        }

        private static VersionParser.@Nullable ParsedVersion writerVersion(@Nullable String createdBy) {
            try {
                return VersionParser.parse(createdBy);
            } catch (VersionParser.VersionParseException | RuntimeException e) {
                return null;
            }
        }

        /**
         * Opens {@code path} of the artifact, projected to the columns {@code projection} picks from the stored schema.
         *
         * @throws CairnException {@code INTEGRITY_VIOLATION} when the file is not a readable Parquet file written by
         *     this module, {@code INVALID_ARGUMENT} when a requested column does not exist
         */
        static Reader open(ArtifactReader artifact, String path, Function<Schema, Schema> projection) throws IOException {
            return open(artifact, path, projection, false);
        }

        /**
         * {@link #open(ArtifactReader, String, Function)}, also of a file another tool wrote ({@code foreign}): one without
         * this module's Arrow schema is read by its own column types ({@link ForeignParquetSchemas#toArrow}).
         *
         * @throws CairnException {@code TYPE_MISMATCH} naming the column when a foreign file has one this module cannot read
         */
        static Reader open(ArtifactReader artifact, String path, Function<Schema, Schema> projection, boolean foreign) throws IOException {
            String described = "file " + path + " of artifact '" + artifact.artifactName() + "'";
            ParquetFileReader file;
            ChannelInputFile input = new ChannelInputFile(artifact, path);
            try {
                file = new ParquetFileReader(input, ParquetReadOptions.builder(new PlainParquetConfiguration())
                        .usePageChecksumVerification(true)
                        .build());
            } catch (IOException | RuntimeException e) {
                throw Failures.corrupted(described, e);
            }
            try {
                checkChunksInsideFile(file, input.getLength(), described);
                String json = file.getFileMetaData().getKeyValueMetaData().get(ARROW_SCHEMA_KEY);
                if (json == null && foreign) {
                    MessageType fileSchema = file.getFileMetaData().getSchema();
                    Schema stored;
                    try {
                        stored = ForeignParquetSchemas.toArrow(fileSchema);
                    } catch (IllegalArgumentException e) {
                        throw new CairnException(ErrorCode.TYPE_MISMATCH, "The " + described + " cannot be read as Arrow: " + e.getMessage(), e);
                    }
                    Schema projected = projection.apply(stored);
                    MessageType requested = ForeignParquetSchemas.select(fileSchema, projected);
                    file.setRequestedSchema(requested);
                    List<org.apache.parquet.schema.Type> nestedTypes = requested.getFields().stream()
                            .filter(type -> !type.isPrimitive()).toList();
                    MessageType nestedSchema = nestedTypes.isEmpty() ? null : new MessageType(fileSchema.getName(), nestedTypes);
                    return new Reader(file, projected, requested, nestedSchema, described);
                }
                if (json == null) {
                    throw new CairnException(ErrorCode.INTEGRITY_VIOLATION, "The " + described + " has no '" + ARROW_SCHEMA_KEY
                            + "' metadata: it was not written by materializer " + ArrowMaterializer.ID + ". Load it with the tool that wrote it.");
                }
                Schema stored;
                try {
                    stored = Schema.fromJSON(json);
                } catch (IOException | RuntimeException e) {
                    throw Failures.corrupted(described, e);
                }
                Schema projected = projection.apply(stored);
                MessageType fileSchema = file.getFileMetaData().getSchema();
                MessageType requested = ParquetSchemas.toParquet(projected);
                if (!covers(fileSchema, requested)) {
                    throw new CairnException(ErrorCode.INTEGRITY_VIOLATION, "The " + described
                            + " does not match the Arrow schema recorded in it (expected columns " + requested.getColumns() + ")");
                }
                file.setRequestedSchema(requested);
                List<Field> nestedFields = projected.getFields().stream().filter(field -> !FlatColumnReader.isFlat(field)).toList();
                MessageType nestedSchema = nestedFields.isEmpty() ? null : ParquetSchemas.toParquet(new Schema(nestedFields));
                return new Reader(file, projected, requested, nestedSchema, described);
            } catch (RuntimeException e) {
                closeQuietly(file, e);
                throw e instanceof CairnException ? e : Failures.corrupted(described, e);
            }
        }

        private static boolean covers(MessageType fileSchema, MessageType requested) {
            for (ColumnDescriptor column : requested.getColumns()) {
                if (!fileSchema.containsPath(column.getPath())) {
                    return false;
                }
                ColumnDescriptor stored = fileSchema.getColumnDescription(column.getPath());
                if (!stored.getPrimitiveType().equals(column.getPrimitiveType()) || stored.getMaxDefinitionLevel() != column.getMaxDefinitionLevel()
                        || stored.getMaxRepetitionLevel() != column.getMaxRepetitionLevel()) {
                    return false;
                }
            }
            return true;
        }

        private static void checkChunksInsideFile(ParquetFileReader file, long length, String described) {
            for (BlockMetaData block : file.getRowGroups()) {
                for (ColumnChunkMetaData chunk : block.getColumns()) {
                    long start = chunk.getStartingPos();
                    long size = chunk.getTotalSize();
                    if (start < 0 || size < 0 || start + size > length) {
                        throw new CairnException(ErrorCode.INTEGRITY_VIOLATION, "The " + described + " is corrupted or truncated: column chunk "
                                + chunk.getPath() + " claims bytes " + start + "-" + (start + size) + " of a " + length + "-byte file");
                    }
                }
            }
        }

        /** The Arrow schema of the projected columns. */
        Schema schema() {
            return schema;
        }

        /** The number of rows in the file. */
        long totalRows() {
            return totalRows;
        }

        /**
         * Reads the next rows, at most {@code maxRows}, into {@code target} starting at its row 0, and sets its row count.
         * The target's vectors must be allocated and empty; pass the same root on every call (it may be cleared and
         * re-allocated in between).
         *
         * @return the number of rows read; 0 at the end of the file
         */
        int read(VectorSchemaRoot target, int maxRows) {
            bind(target);
            int rows = 0;
            try {
                while (rows < maxRows) {
                    if (remainingInGroup == 0) {
                        PageReadStore group = file.readNextRowGroup();
                        if (group == null) {
                            break;
                        }
                        startRowGroup(group);
                        continue;
                    }
                    int run = (int) Math.min(maxRows - rows, remainingInGroup);
                    for (FlatColumnReader column : flat) {
                        column.read(rows, run);
                    }
                    if (records != null) {
                        for (int i = 0; i < run; i++) {
                            cursor.row = rows + i;
                            records.read();
                        }
                    }
                    rows += run;
                    remainingInGroup -= run;
                }
            } catch (ParquetVectorConverters.UnrepresentableValueException e) {
                throw new CairnException(ErrorCode.TYPE_MISMATCH, "The " + described + " cannot be read as Arrow: " + e.getMessage(), e);
            } catch (IOException | RuntimeException e) {
                throw Failures.corrupted(described, e);
            }
            rowsRead += rows;
            if (rows == 0 && rowsRead < totalRows && maxRows > 0) {
                throw new CairnException(ErrorCode.INTEGRITY_VIOLATION, "The " + described + " ended after " + rowsRead
                        + " rows but its footer lists " + totalRows + ": it is truncated or corrupted");
            }
            target.setRowCount(rows);
            return rows;
        }

        /** The page encodings of {@code column}'s chunk in {@code block}, from the footer; null when not recorded. */
        private static @Nullable EncodingStats encodings(BlockMetaData block, ColumnDescriptor column) {
            ColumnPath path = ColumnPath.get(column.getPath());
            for (ColumnChunkMetaData chunk : block.getColumns()) {
                if (chunk.getPath().equals(path)) {
                    return chunk.getEncodingStats();
                }
            }
            return null;
        }

        /** Sorts the target's vectors into flat columns and record-assembled ones, on the first call. */
        private void bind(VectorSchemaRoot target) {
            if (boundTo == target) {
                return;
            }
            if (boundTo != null) {
                throw new IllegalStateException("a Reader reads into one VectorSchemaRoot");
            }
            List<FieldVector> assembled = new ArrayList<>();
            for (FieldVector vector : target.getFieldVectors()) {
                if (FlatColumnReader.isFlat(vector.getField())) {
                    flat.add(FlatColumnReader.of(vector, requested.getColumnDescription(new String[] {vector.getName()})));
                } else {
                    assembled.add(vector);
                }
            }
            nested = assembled.isEmpty() ? null : new ParquetVectorConverters(assembled, nestedSchema, cursor);
            boundTo = target;
        }

        private void startRowGroup(PageReadStore group) {
            // readNextRowGroup walks getRowGroups() in order; its footer entry tells each chunk's page encodings. Should
            // the two disagree, the flat columns do without (and take parquet-java's column readers).
            BlockMetaData block = groupIndex < file.getRowGroups().size() ? file.getRowGroups().get(groupIndex) : null;
            groupIndex++;
            if (block != null && block.getRowCount() != group.getRowCount()) {
                block = null;
            }
            remainingInGroup = group.getRowCount();
            if (remainingInGroup == 0) {
                return;
            }
            for (FlatColumnReader column : flat) {
                column.startRowGroup(group, writerVersion, block == null ? null : encodings(block, column.descriptor));
            }
            if (nested != null && nestedIO != null) {
                records = nestedIO.getRecordReader(group, nested);
            }
        }

        /**
         * Fails when fewer rows were read than {@code expected} (the footer's count, or the row limit): a file that ends
         * early is never returned as a partial result.
         */
        void checkComplete(long read, long expected) {
            if (read < expected) {
                throw new CairnException(ErrorCode.INTEGRITY_VIOLATION, "The " + described + " yielded " + read + " rows where "
                        + expected + " were expected from its footer: it is truncated or corrupted");
            }
        }

        @Override
        public void close() throws IOException {
            file.close();
        }

        private static void closeQuietly(AutoCloseable closeable, Throwable primary) {
            try {
                closeable.close();
            } catch (Exception e) {
                primary.addSuppressed(e);
            }
        }
    }

    /** The fields of {@code schema} by name, for messages. */
    static List<String> names(Schema schema) {
        List<String> names = new ArrayList<>();
        for (Field field : schema.getFields()) {
            names.add(field.getName());
        }
        return names;
    }
}
