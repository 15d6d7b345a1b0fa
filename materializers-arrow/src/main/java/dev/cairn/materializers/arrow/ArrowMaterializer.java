package dev.cairn.materializers.arrow;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.ref.WeakReference;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.LoadOptions;
import dev.cairn.api.artifact.Visualization;
import dev.cairn.api.spi.ArtifactReader;
import dev.cairn.api.spi.ArtifactWriter;
import dev.cairn.materializers.arrow.parquet.CanonicalFooterStream;
import dev.cairn.api.spi.Materializer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.table.Table;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.TransferPair;
import org.apache.arrow.vector.util.VectorBatchAppender;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * Stores columnar data — an Arrow {@link Table}, a {@link VectorSchemaRoot}, or a {@code List<R>} of Java records —
 * as one Parquet file ({@code data.parquet}, zstd; the default) or one Arrow IPC file ({@code data.arrow}, with the
 * output option {@code format=ipc}), converting records column by column (never through JSON).
 *
 * <p><b>Records.</b> {@code R} is a record whose components are primitives or their boxes, {@code String},
 * {@code BigDecimal} ({@code decimal(38, s)}, {@code s} the largest scale saved), {@code LocalDate}, {@code Instant}
 * (nanoseconds, UTC), enums (by name), {@code byte[]}, nested records (structs), or {@code List}s of these. Primitive
 * components are non-nullable columns; the others are nullable. A {@code List<R>} output gets this materializer over
 * the built-in JSON one by the registry's rule that a plugin wins at equal specificity; a record with other
 * component types is refused in {@link #canSave}, so the JSON materializer can take it.
 *
 * <p><b>Loading.</b> Any artifact of this materializer loads as a {@code Table}, a {@code VectorSchemaRoot} (both
 * owned by the caller, who must close them; their buffers are off-heap) or a {@code List<R2>} of any record
 * {@code R2} whose components match stored columns by name and type: only those columns are read. {@link LoadOptions}
 * columns and row limit are honoured: Parquet reads only the requested column chunks and stops at the row group that
 * reaches the limit; IPC reads whole record batches up to the limit.
 *
 * <p><b>Parquet saves in parallel.</b> A table of more than 32 MiB of Arrow data is cut into row groups of at most
 * 32 MiB (the cut depends only on the data: equal rows per row group and a multiple of 4 of them, as the row count is
 * known), encoded on one worker per processor into in-memory Parquet files and appended in row order into the one
 * {@code data.parquet}, hashed as it streams out ({@link ParallelParquetWriter}); tables whose columns are all flat
 * are encoded column by column ({@link FlatChunkEncoder}). The column statistics of the metadata are computed on the
 * same workers, a task per batch and column, and merged in batch order. The same rows give the same bytes on every
 * save. Smaller tables are written (and summarised) on the calling thread.
 *
 * <p><b>Memory.</b> Saving streams: records are converted 64 Ki rows at a time (and kept until their row group is
 * written), a Parquet save holds at most processors + 1 row groups being encoded or waiting to be appended, IPC
 * writes batches that share the table's buffers. A {@code List<R>} load converts one row group or batch
 * at a time. Arrow memory comes from the allocator given at construction; every buffer this class allocates is
 * released before it returns, except those of a returned {@code Table} or {@code VectorSchemaRoot}.
 *
 * <p>Errors are {@link CairnException}s naming the artifact, column and type: {@code MATERIALIZER_FAILED} for
 * values that cannot be stored, {@code INVALID_ARGUMENT} for a requested column that does not exist or a bad option,
 * {@code TYPE_MISMATCH} when the stored columns do not fit the requested record, {@code INTEGRITY_VIOLATION} for a
 * truncated or corrupted file. Thread-safe: one instance serves concurrent steps.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class ArrowMaterializer implements Materializer<Object> {
    /** The id recorded with every artifact it writes. */
    public static final String ID = "cairn.arrow";
    /** The output option that chooses the file format: {@code parquet} (default) or {@code ipc}. */
    public static final String FORMAT_OPTION = "format";
    /** The value of {@link #FORMAT_OPTION} for Parquet. */
    public static final String PARQUET = "parquet";
    /** The value of {@link #FORMAT_OPTION} for an Arrow IPC file. */
    public static final String IPC = "ipc";

    /** The id of cairn-spark's Dataset materializer, whose Parquet part files this one loads ({@link #canLoad}). */
    public static final String SPARK_DATASET_ID = "cairn.spark.dataset";

    private static final Set<Class<?>> LIST_TYPES = Set.of(List.class, Collection.class, ArrayList.class, Iterable.class);
    private static final List<Class<?>> HANDLED_TYPES = List.of(Table.class, VectorSchemaRoot.class, List.class, Collection.class);

    private final BufferAllocator allocator;
    private final ArrowAllocations allocations;

    /**
     * A materializer whose loads allocate from {@code allocator} (which must outlive every {@code Table} or
     * {@code VectorSchemaRoot} it returns).
     */
    public ArrowMaterializer(BufferAllocator allocator) {
        this.allocator = requireNonNull(allocator, "allocator is null");
        this.allocations = new ArrowAllocations(allocator);
    }

    /**
     * The loaded {@code Table}s and {@code VectorSchemaRoot}s that still hold Arrow memory, by the name of their
     * allocator ("load of artifact 'name:version' #n"), with the bytes each holds.
     */
    public Map<String, Long> heldByLoadedValues() {
        return allocations.held();
    }

    /**
     * Closes the allocators of loaded values that were closed, and fails with {@code MATERIALIZER_FAILED} naming each
     * artifact whose loaded value still holds memory.
     */
    void closeAllocations() {
        allocations.close();
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String version() {
        return "1";
    }

    @Override
    public List<Class<?>> handledTypes() {
        return HANDLED_TYPES;
    }

    /**
     * True for {@code Table}, {@code VectorSchemaRoot}, and {@code List<R>} / {@code Collection<R>} of a record
     * {@code R} whose components can all be stored as columns (see the class description).
     */
    @Override
    public boolean canSave(Type type) {
        requireNonNull(type, "type is null");
        return unsupportedReason(type).isEmpty();
    }

    /**
     * Why {@code type} cannot be saved by this materializer, naming the record component and its type; empty when it
     * can. For messages: the registry only learns "no" from {@link #canSave}.
     */
    public static Optional<String> unsupportedReason(Type type) {
        requireNonNull(type, "type is null");
        if (type == Table.class || type == VectorSchemaRoot.class) {
            return Optional.empty();
        }
        if (!(type instanceof ParameterizedType parameterized) || !(parameterized.getRawType() instanceof Class<?> raw)
                || !(raw == List.class || raw == Collection.class || raw == ArrayList.class)) {
            return Optional.of(type.getTypeName() + " is not a Table, a VectorSchemaRoot, or a List, ArrayList or Collection of a record R");
        }
        Type element = parameterized.getActualTypeArguments()[0];
        if (!(element instanceof Class<?> recordClass) || !recordClass.isRecord()) {
            return Optional.of("the elements of " + type.getTypeName() + " are not a record class");
        }
        try {
            JavaColumn.RecordColumn.forRecord(recordClass);
            return Optional.empty();
        } catch (JavaColumn.UnsupportedTypeException e) {
            return Optional.of(e.getMessage());
        }
    }

    /**
     * True for artifacts of Cairn's Spark Dataset materializer ({@value #SPARK_DATASET_ID}: Parquet part files
     * {@code part-NNNNN.parquet}) loaded as a {@code Table}, a {@code VectorSchemaRoot} or a {@code List<R>} of records:
     * the parts are read in name order as one table, their flat columns by their own Parquet types.
     */
    @Override
    public boolean canLoad(String writerId, Type type) {
        requireNonNull(writerId, "writerId is null");
        requireNonNull(type, "type is null");
        return writerId.equals(SPARK_DATASET_ID) && (type == Table.class || type == VectorSchemaRoot.class
                || TableSource.recordClassOf(type) != null && type instanceof ParameterizedType parameterized
                && parameterized.getRawType() instanceof Class<?> raw && LIST_TYPES.contains(raw));
    }

    @Override
    public void save(Object value, ArtifactWriter writer) throws IOException {
        requireNonNull(value, "value is null");
        requireNonNull(writer, "writer is null");
        String format = format(writer.options(), writer.artifactName());
        BufferAllocator saving = allocations.forSave(writer.artifactName());
        boolean saved = false;
        try {
            save(value, writer, format, saving);
            saved = true;
        } finally {
            try {
                allocations.closeSave(saving, writer.artifactName());
            } catch (CairnException leak) {
                if (saved) {
                    throw leak;
                }
                // the save failed already; its own error is the one to report, and the allocator is closed regardless
            }
        }
    }

    private void save(Object value, ArtifactWriter writer, String format, BufferAllocator allocator) throws IOException {
        try (TableSource source = TableSource.of(value, writer.type(), allocator)) {
            Schema schema = source.schema();
            ColumnTypes.checkSupported(schema, writer.artifactName());
            // Statistics and the sample are gathered in the same pass as the write, so that the engine's following
            // extractMetadata and visualizations calls need not convert and scan the value twice more.
            ColumnStatistics statistics = new ColumnStatistics(schema);
            List<VectorSchemaRoot> sample = new ArrayList<>();
            try {
                TableSource.BatchConsumer keepSample = batch -> {
                    if (sample.isEmpty()) {
                        sample.add(head(batch, TableRendering.SAMPLE_ROWS));
                    }
                };
                if (PARQUET.equals(format)) {
                    // the statistics are computed by the Parquet writer's workers, column by column, while they encode
                    ParallelParquetWriter parquet = new ParallelParquetWriter(new CanonicalFooterStream(writer.create(ParquetFormat.FILE_NAME)), schema,
                            "file " + ParquetFormat.FILE_NAME + " of artifact '" + writer.artifactName() + "'", statistics);
                    parquet.expectRows(source.rowCount());
                    try {
                        source.forEachOwnedBatch((batch, release) -> {
                            try {
                                keepSample.accept(batch);
                            } catch (IOException | RuntimeException e) {
                                release.run();
                                throw e;
                            }
                            parquet.accept(batch, release);
                        });
                    } catch (IOException | RuntimeException | Error e) {
                        parquet.abort();
                        try {
                            parquet.close();
                        } catch (IOException | RuntimeException | Error suppressed) {
                            e.addSuppressed(suppressed);
                        }
                        throw e;
                    }
                    parquet.close();
                } else {
                    try (IpcFormat.Writer ipc = new IpcFormat.Writer(writer.create(IpcFormat.FILE_NAME), schema, allocator)) {
                        source.forEachBatch(batch -> {
                            ipc.write(batch);
                            statistics.add(batch);
                            keepSample.accept(batch);
                        });
                    }
                }
                if (sample.isEmpty()) {
                    sample.add(VectorSchemaRoot.create(schema, allocator));
                }
                lastSaved.set(new Described(new WeakReference<>(value), statistics.toMetadata(), TableRendering.render(statistics, sample.get(0), "table")));
            } finally {
                sample.forEach(VectorSchemaRoot::close);
            }
        } catch (JavaColumn.UnsupportedTypeException | IllegalArgumentException e) {
            throw Failures.saving(writer.artifactName(), writer.type(), e.getMessage(), e);
        }
    }

    private static String format(Map<String, String> options, String artifactName) {
        for (String key : options.keySet()) {
            if (!key.equals(FORMAT_OPTION)) {
                throw new CairnException(ErrorCode.INVALID_ARGUMENT, "Unknown output option '" + key + "' for artifact '" + artifactName
                        + "': materializer " + ID + " takes only '" + FORMAT_OPTION + "' (" + PARQUET + " or " + IPC + ")");
            }
        }
        String format = options.getOrDefault(FORMAT_OPTION, PARQUET).toLowerCase(Locale.ROOT);
        if (!format.equals(PARQUET) && !format.equals(IPC)) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "Output option " + FORMAT_OPTION + "=" + options.get(FORMAT_OPTION)
                    + " of artifact '" + artifactName + "' is not a format of materializer " + ID + ": use " + PARQUET + " (the default) or " + IPC);
        }
        return format;
    }

    /**
     * Loads the artifact as {@code type}: {@code Table}, {@code VectorSchemaRoot} (the caller closes either) or a
     * {@code List<R>} of records, honouring {@link ArtifactReader#options()}.
     */
    @Override
    public Object load(Type type, ArtifactReader reader) throws IOException {
        requireNonNull(type, "type is null");
        requireNonNull(reader, "reader is null");
        LoadOptions options = reader.options();
        List<String> files = dataFiles(reader, type);
        if (type == Table.class || type == VectorSchemaRoot.class) {
            BufferAllocator loading = allocations.forLoad(reader.artifactName());
            Object value;
            try {
                VectorSchemaRoot root = loadRoot(reader, files, options, loading);
                if (type == VectorSchemaRoot.class) {
                    value = root;
                } else {
                    try (root) {
                        value = new Table(root);
                    }
                }
            } catch (IOException | RuntimeException | Error e) {
                try {
                    allocations.discard(loading);
                } catch (CairnException leak) {
                    e.addSuppressed(leak);
                }
                throw e;
            }
            allocations.handedOut(loading);
            return value;
        }
        Class<?> recordClass = TableSource.recordClassOf(type);
        if (recordClass == null || !(((ParameterizedType) type).getRawType() instanceof Class<?> raw) || !LIST_TYPES.contains(raw)) {
            throw Failures.loading(ErrorCode.TYPE_MISMATCH, reader.artifactName(), type,
                    "it loads as org.apache.arrow.vector.table.Table, org.apache.arrow.vector.VectorSchemaRoot or List<R> of a record R");
        }
        return loadRecords(reader, files, type, recordClass, options);
    }

    /**
     * The data files to read: {@code data.parquet} or {@code data.arrow} of this materializer's artifacts, else every
     * {@code *.parquet} file in name order (the part files of another writer, {@link #canLoad}).
     */
    private static List<String> dataFiles(ArtifactReader reader, Type type) {
        List<String> files = reader.files();
        if (files.contains(ParquetFormat.FILE_NAME)) {
            return List.of(ParquetFormat.FILE_NAME);
        }
        if (files.contains(IpcFormat.FILE_NAME)) {
            return List.of(IpcFormat.FILE_NAME);
        }
        List<String> parts = files.stream().filter(file -> file.endsWith(".parquet")).sorted().toList();
        if (!parts.isEmpty()) {
            return parts;
        }
        throw Failures.loading(ErrorCode.INTEGRITY_VIOLATION, reader.artifactName(), type, "it has neither " + ParquetFormat.FILE_NAME
                + " nor " + IpcFormat.FILE_NAME + " nor Parquet part files (files: " + files + "); it was not written by this materializer"
                + " or a Spark Dataset, or was damaged");
    }

    /** Whether {@code files} are Parquet part files another tool wrote, not this materializer's single file. */
    private static boolean foreignParts(List<String> files) {
        return !files.get(0).equals(ParquetFormat.FILE_NAME) && !files.get(0).equals(IpcFormat.FILE_NAME);
    }

    private VectorSchemaRoot loadRoot(ArtifactReader reader, List<String> files, LoadOptions options, BufferAllocator allocator) throws IOException {
        long limit = options.rowLimit().orElse(Long.MAX_VALUE);
        Function<Schema, Schema> projection = stored -> Projections.project(stored, options.columns(), reader.artifactName());
        if (foreignParts(files)) {
            return loadParts(reader, files, projection, limit, allocator);
        }
        String file = files.get(0);
        if (file.equals(ParquetFormat.FILE_NAME)) {
            try (ParquetFormat.Reader parquet = ParquetFormat.Reader.open(reader, file, projection)) {
                long rows = Math.min(limit, parquet.totalRows());
                if (rows > Integer.MAX_VALUE) {
                    throw new CairnException(ErrorCode.INVALID_ARGUMENT, "Artifact '" + reader.artifactName() + "' has " + rows
                            + " rows, more than one Arrow table holds; load it in parts with LoadOptions.withRowLimit(...) or as records");
                }
                VectorSchemaRoot root = VectorSchemaRoot.create(parquet.schema(), allocator);
                try {
                    for (FieldVector vector : root.getFieldVectors()) {
                        vector.setInitialCapacity((int) Math.max(rows, 1));
                    }
                    root.allocateNew();
                    int read = parquet.read(root, (int) rows);
                    parquet.checkComplete(read, rows);
                    return root;
                } catch (RuntimeException | Error e) {
                    root.close();
                    throw e;
                }
            }
        }
        try (IpcFormat.Reader ipc = IpcFormat.Reader.open(reader, file, projection, allocator)) {
            VectorSchemaRoot root = VectorSchemaRoot.create(ipc.schema(), allocator);
            try {
                root.allocateNew();
                long total = 0;
                Optional<VectorSchemaRoot> batch;
                while (total < limit && (batch = ipc.next()).isPresent()) {
                    int take = (int) Math.min(batch.get().getRowCount(), limit - total);
                    append(root, batch.get(), take, allocator);
                    total += take;
                }
                root.setRowCount(Math.toIntExact(total));
                return root;
            } catch (RuntimeException | Error e) {
                root.close();
                throw e;
            }
        }
    }

    /**
     * Reads Parquet part files, in the given order, into one root of their common schema, up to {@code limit} rows.
     *
     * @throws CairnException {@code INTEGRITY_VIOLATION} naming both files when two parts have different schemas
     */
    private static VectorSchemaRoot loadParts(ArtifactReader reader, List<String> parts, Function<Schema, Schema> projection, long limit,
            BufferAllocator allocator) throws IOException {
        VectorSchemaRoot result = null;
        String first = null;
        long total = 0;
        try {
            for (String part : parts) {
                if (total >= limit && result != null) {
                    break;
                }
                try (ParquetFormat.Reader parquet = ParquetFormat.Reader.open(reader, part, projection, true)) {
                    if (result == null) {
                        result = VectorSchemaRoot.create(parquet.schema(), allocator);
                        result.allocateNew();
                        first = part;
                    } else if (!result.getSchema().equals(parquet.schema())) {
                        throw new CairnException(ErrorCode.INTEGRITY_VIOLATION, "Artifact '" + reader.artifactName() + "': part " + part
                                + " has the columns " + parquet.schema() + " but part " + first + " has " + result.getSchema()
                                + "; its parts must share one schema to load as one Arrow table");
                    }
                    long rows = Math.min(limit - total, parquet.totalRows());
                    if (total + rows > Integer.MAX_VALUE) {
                        throw new CairnException(ErrorCode.INVALID_ARGUMENT, "Artifact '" + reader.artifactName() + "' has more rows than one"
                                + " Arrow table holds; load it in parts with LoadOptions.withRowLimit(...) or as records");
                    }
                    try (VectorSchemaRoot batch = VectorSchemaRoot.create(parquet.schema(), allocator)) {
                        for (FieldVector vector : batch.getFieldVectors()) {
                            vector.setInitialCapacity((int) Math.max(rows, 1));
                        }
                        batch.allocateNew();
                        int read = parquet.read(batch, (int) rows);
                        parquet.checkComplete(read, rows);
                        if (read > 0) {
                            append(result, batch, read, allocator);
                        }
                        total += read;
                    }
                }
            }
            result.setRowCount(Math.toIntExact(total));
            return result;
        } catch (IOException | RuntimeException | Error e) {
            if (result != null) {
                result.close();
            }
            throw e;
        }
    }

    /** Appends the first {@code rows} rows of {@code batch} to {@code target} (same schema). */
    private static void append(VectorSchemaRoot target, VectorSchemaRoot batch, int rows, BufferAllocator allocator) {
        List<FieldVector> targets = target.getFieldVectors();
        List<FieldVector> sources = batch.getFieldVectors();
        for (int i = 0; i < targets.size(); i++) {
            FieldVector source = sources.get(i);
            if (rows == batch.getRowCount()) {
                VectorBatchAppender.batchAppend(targets.get(i), source);
            } else {
                TransferPair part = source.getTransferPair(allocator);
                part.splitAndTransfer(0, rows);
                try (FieldVector head = (FieldVector) part.getTo()) {
                    VectorBatchAppender.batchAppend(targets.get(i), head);
                }
            }
        }
    }

    private List<Object> loadRecords(ArtifactReader reader, List<String> files, Type type, Class<?> recordClass, LoadOptions options) throws IOException {
        String file = files.get(0);
        boolean foreign = foreignParts(files);
        JavaColumn.RecordColumn columns;
        try {
            columns = JavaColumn.RecordColumn.forRecord(recordClass);
        } catch (JavaColumn.UnsupportedTypeException e) {
            throw Failures.loading(ErrorCode.TYPE_MISMATCH, reader.artifactName(), type, e.getMessage());
        }
        Function<Schema, Schema> projection = stored -> recordProjection(stored, columns, options, reader.artifactName(), type);
        long limit = options.rowLimit().orElse(Long.MAX_VALUE);
        List<Object> rows = new ArrayList<>();
        try {
            if (file.equals(ParquetFormat.FILE_NAME) || foreign) {
                for (String part : files) {
                    if (rows.size() >= limit) {
                        break;
                    }
                    try (ParquetFormat.Reader parquet = ParquetFormat.Reader.open(reader, part, projection, foreign);
                            VectorSchemaRoot batch = VectorSchemaRoot.create(parquet.schema(), allocator)) {
                        long start = rows.size();
                        long expected = start + Math.min(limit - start, parquet.totalRows());
                        while (rows.size() < expected) {
                            int want = (int) Math.min(TableSource.BATCH_ROWS, expected - rows.size());
                            for (FieldVector vector : batch.getFieldVectors()) {
                                vector.setInitialCapacity(want);
                            }
                            batch.allocateNew();
                            int read = parquet.read(batch, want);
                            if (read == 0) {
                                break;
                            }
                            convert(columns, batch, read, rows);
                            batch.clear();
                        }
                        parquet.checkComplete(rows.size() - start, expected - start);
                    }
                }
            } else {
                try (IpcFormat.Reader ipc = IpcFormat.Reader.open(reader, file, projection, allocator)) {
                    Optional<VectorSchemaRoot> batch;
                    while (rows.size() < limit && (batch = ipc.next()).isPresent()) {
                        convert(columns, batch.get(), (int) Math.min(batch.get().getRowCount(), limit - rows.size()), rows);
                    }
                }
            }
        } catch (JavaColumn.UnsupportedTypeException e) {
            throw Failures.loading(ErrorCode.TYPE_MISMATCH, reader.artifactName(), type, e.getMessage());
        }
        return rows;
    }

    private static void convert(JavaColumn.RecordColumn columns, VectorSchemaRoot batch, int count, List<Object> rows) {
        JavaColumn.RecordColumn.Rows reader = columns.bindRows(batch);
        for (int i = 0; i < count; i++) {
            rows.add(reader.read(i));
        }
    }

    private static Schema recordProjection(Schema stored, JavaColumn.RecordColumn columns, LoadOptions options, String artifactName, Type type) {
        List<String> wanted = columns.names();
        if (options.columns().isPresent()) {
            List<String> requested = options.columns().get();
            for (String column : requested) {
                Projections.field(stored, column, artifactName);
            }
            for (String component : wanted) {
                if (!requested.contains(component)) {
                    throw new CairnException(ErrorCode.INVALID_ARGUMENT, "Loading artifact '" + artifactName + "' as " + type.getTypeName()
                            + " needs column '" + component + "' (a component of " + columns.recordClass().getSimpleName()
                            + "), but LoadOptions columns " + requested + " leave it out. Add it, or load a record type without it.");
                }
            }
        }
        String problem = columns.mismatch(stored.getFields(), "the artifact");
        if (problem != null) {
            throw Failures.loading(ErrorCode.TYPE_MISMATCH, artifactName, type, "the stored schema does not match record "
                    + columns.recordClass().getName() + ": " + problem + ". Load it with a record whose components match the stored"
                    + " columns " + describe(stored) + " by name and type.");
        }
        List<Field> fields = new ArrayList<>();
        for (String component : wanted) {
            fields.add(Projections.field(stored, component, artifactName));
        }
        return new Schema(fields, stored.getCustomMetadata());
    }

    private static String describe(Schema schema) {
        List<String> columns = new ArrayList<>();
        for (Field field : schema.getFields()) {
            columns.add(field.getName() + ": " + ColumnTypes.describe(field));
        }
        return columns.toString();
    }

    /**
     * {@code row_count}, {@code column_count}, {@code schema} (name, type, nullable of each column) and {@code columns}:
     * per column {@code null_count}, and for numeric columns {@code min}, {@code max}, {@code mean} and {@code stddev}
     * (sample standard deviation); {@code min} and {@code max} for dates and timestamps.
     */
    @Override
    public Map<String, Object> extractMetadata(Object value) {
        requireNonNull(value, "value is null");
        Described described = lastSaved.get();
        if (described != null && described.value().get() == value) {
            return described.metadata();
        }
        return statistics(value, null).toMetadata();
    }

    /** What {@link #save} computed about the value it just wrote on this thread (kept weakly, without Arrow memory). */
    private record Described(WeakReference<Object> value, Map<String, Object> metadata, List<Visualization> visualizations) {}

    private final ThreadLocal<Described> lastSaved = new ThreadLocal<>();

    /**
     * {@code describe} (a row of statistics per column) and {@code sample} (the first 20 rows), each as CSV and as
     * HTML.
     */
    @Override
    public List<Visualization> visualizations(Object value) {
        requireNonNull(value, "value is null");
        Described described = lastSaved.get();
        if (described != null && described.value().get() == value) {
            lastSaved.remove();
            return described.visualizations();
        }
        List<VectorSchemaRoot> sample = new ArrayList<>();
        try {
            ColumnStatistics statistics = statistics(value, batch -> {
                if (sample.isEmpty()) {
                    sample.add(head(batch, TableRendering.SAMPLE_ROWS));
                }
            });
            VectorSchemaRoot first = sample.isEmpty() ? VectorSchemaRoot.create(statistics.schema(), allocator) : sample.get(0);
            if (sample.isEmpty()) {
                sample.add(first);
            }
            return TableRendering.render(statistics, first, "table");
        } finally {
            sample.forEach(VectorSchemaRoot::close);
        }
    }

    private VectorSchemaRoot head(VectorSchemaRoot batch, int rows) {
        int count = Math.min(rows, batch.getRowCount());
        List<FieldVector> copies = new ArrayList<>();
        for (FieldVector vector : batch.getFieldVectors()) {
            FieldVector target = vector.getField().createVector(allocator);
            copies.add(target);
            target.allocateNew();
            TransferPair copy = vector.makeTransferPair(target);
            for (int i = 0; i < count; i++) {
                copy.copyValueSafe(i, i);
            }
            target.setValueCount(count);
        }
        return new VectorSchemaRoot(batch.getSchema().getFields(), copies, count);
    }

    private ColumnStatistics statistics(Object value, TableSource.@Nullable BatchConsumer extra) {
        try (TableSource source = TableSource.of(value, null, allocator)) {
            ColumnStatistics statistics = new ColumnStatistics(source.schema());
            source.forEachBatch(batch -> {
                statistics.add(batch);
                if (extra != null) {
                    extra.accept(batch);
                }
            });
            return statistics;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (JavaColumn.UnsupportedTypeException | IllegalArgumentException e) {
            throw new CairnException(ErrorCode.MATERIALIZER_FAILED, "Cannot describe a " + value.getClass().getName() + " with materializer "
                    + ID + ": " + e.getMessage(), e);
        }
    }
}
