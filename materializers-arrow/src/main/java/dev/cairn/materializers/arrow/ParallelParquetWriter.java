package dev.cairn.materializers.arrow;

import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.materializers.arrow.parquet.CanonicalFooterStream;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.internal.column.columnindex.ColumnIndex;
import org.apache.parquet.internal.column.columnindex.OffsetIndex;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;
import org.apache.parquet.schema.MessageType;
import org.jspecify.annotations.Nullable;

/**
 * Writes one Parquet file ({@code data.parquet}) whose row groups are encoded in parallel: the rows are cut into
 * chunks of about {@link #CHUNK_BYTES} of Arrow data (the cut depends only on the data, never on threads or timing),
 * each chunk is encoded on a worker into an in-memory Parquet file by the same writer and settings as the
 * single-threaded path ({@link ParquetFormat.Writer}: zstd, dictionaries, page checksums, statistics, column and
 * offset indexes), and the calling thread appends the chunks' row groups, in row order, to the one output file with
 * parquet-java's {@link ParquetFileWriter#appendColumnChunk}, through a 1 MiB buffer so the (hashing) target gets
 * large sequential writes (a {@link CanonicalFooterStream} target passes them on uncopied; it holds back only what
 * {@code end()} writes: page indexes and footer). Two saves of the same rows therefore give the same bytes. When the
 * row count is known ({@link #expectRows}) the chunks have equal rows and their number is a multiple of 4, so the
 * workers finish together. Given {@link ColumnStatistics}, each batch is also summarised on the workers, a task per
 * column queued ahead of the batch's chunks, and the summaries are merged in batch order on the calling thread
 * before the batch is released: the same results, to the bit, as {@link ColumnStatistics#add} batch after batch.
 *
 * <p>At most {@code maxInFlight} chunks are being encoded or waiting to be appended at a time (the caller blocks on
 * the oldest one otherwise), which bounds the memory to that many encoded buffers plus the batches they read, plus
 * per worker one spare array (an appended chunk's, reused by the next chunk). Page buffers are not reused: parquet-java
 * still reads some after handing them back to its allocator (a reusing allocator corrupted pages, see BENCHMARKS.md
 * "Session 8"). A table
 * whose rows fit in one chunk is written on the calling thread straight to the output, like before, with no copy
 * (column by column by {@link FlatChunkEncoder} when every column is flat, as the workers do).
 *
 * <p>Batches are accepted with {@link #accept} together with their release, which runs on the calling thread once
 * every chunk reading the batch was appended (or the write failed). Not thread-safe: one thread feeds and closes it.
 */
final class ParallelParquetWriter implements TableSource.OwnedBatchConsumer, AutoCloseable {
    /**
     * Arrow bytes per chunk (one row group of the file: below parquet-java's 64 MiB row group limit once encoded).
     * Large enough that parquet-java's dictionary attempt, which starts again in every row group and is thrown away
     * for high-cardinality columns after 1 MiB of dictionary, costs little; small enough for several chunks in flight.
     */
    static final long CHUNK_BYTES = 32L * 1024 * 1024;
    private static final int COPY_BUFFER_BYTES = 1 << 20;

    /** The chunk size, worker count and bound on chunks in flight. */
    record Settings(long chunkBytes, int threads, int maxInFlight) {
        static Settings defaults() {
            int processors = Runtime.getRuntime().availableProcessors();
            return new Settings(CHUNK_BYTES, processors, processors + 1);
        }
    }

    /** Test hook: called on the worker before it encodes a chunk (tests throw or wait in it). */
    @FunctionalInterface
    interface Hook {
        void beforeEncoding(ParallelParquetWriter writer, int chunk) throws Exception;
    }

    /** Test hooks: settings every new writer takes instead of the defaults, and the hook workers call; null in production. */
    static volatile @Nullable Settings settingsForTests;
    static volatile @Nullable Hook hookForTests;

    private final OutputStream target;
    /** The target when it makes footers canonical: the row groups pass through it uncopied, only the footer is held back. */
    private final @Nullable CanonicalFooterStream canonical;
    private @Nullable BufferedOutputStream buffered;
    private final Schema schema;
    private final String description;
    private final long chunkBytes;
    private final int threads;
    private final int maxInFlight;

    /** The chunk being filled: pieces of batches, and the releases of the batches whose last rows are in it. */
    private List<FlatChunkEncoder.Piece> pieces = new ArrayList<>();
    private List<Runnable> releases = new ArrayList<>();
    private long filledBytes;
    private long filledRows;
    /** The rows the batches hold in all, when told ({@link #expectRows}), else 0. */
    private long expectedRows;
    /** Rows per chunk when the total is known (chunks of equal rows, their number a multiple of 4), else 0. */
    private long chunkRows;
    private long rowsBefore;
    private int chunkIndex;

    private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
    private @Nullable ExecutorService workers;
    private @Nullable ParquetFileWriter file;
    private @Nullable Map<String, String> footerMetadata;
    private final AtomicInteger buffersHeld = new AtomicInteger();
    private final @Nullable Hook hook = hookForTests;
    private volatile boolean waitingForOldest;
    private int peakInFlight;
    private int chunksWritten;
    private boolean failed;
    private boolean closed;

    private final boolean flat;
    /** Arrays of appended chunks, for the next chunks to encode into (at most {@code threads} are kept). */
    private final java.util.concurrent.ConcurrentLinkedQueue<byte[]> spareArrays = new java.util.concurrent.ConcurrentLinkedQueue<>();

    private record InFlight(Future<Encoded> future, List<Runnable> releases, int index, long firstRow, long rows, int batchesEnded) {}

    /** The column statistics the batches are summarised into, or null. */
    private final @Nullable ColumnStatistics statistics;
    /** Batches accepted and not yet merged into {@link #statistics}, in order (each with its column summaries once submitted). */
    private final ArrayDeque<Summaries> summaries = new ArrayDeque<>();
    /** Batches (with rows) whose last rows were handed to a chunk so far. */
    private int batchesEnded;
    /** Batches whose summaries were merged into {@link #statistics} so far. */
    private int batchesMerged;

    /** A batch's column summaries being computed on the workers (null before they are submitted). */
    private static final class Summaries {
        final VectorSchemaRoot batch;
        final long firstRow;
        @Nullable List<Future<ColumnStatistics.Summary>> columns;

        Summaries(VectorSchemaRoot batch, long firstRow) {
            this.batch = batch;
            this.firstRow = firstRow;
        }
    }

    /** One chunk as an in-memory Parquet file, with its footer and page indexes already read. */
    private record Encoded(byte[] bytes, int length, List<BlockMetaData> blocks, List<List<ColumnIndex>> columnIndexes,
            List<List<OffsetIndex>> offsetIndexes, Map<String, String> keyValues) {}

    /** A writer to {@code target} (closed by {@link #close}) using every available processor. */
    ParallelParquetWriter(OutputStream target, Schema schema, String description) {
        this(target, schema, description, (ColumnStatistics) null);
    }

    /**
     * A writer to {@code target} using every available processor that also adds every batch to {@code statistics}
     * (when not null): on the workers, column by column, while the row groups are encoded, merged in batch order on
     * the calling thread, so the statistics are those {@link ColumnStatistics#add} gives batch after batch. They are
     * complete once {@link #close} returned without an error.
     */
    ParallelParquetWriter(OutputStream target, Schema schema, String description, @Nullable ColumnStatistics statistics) {
        this(target, schema, description, settingsForTests == null ? Settings.defaults() : settingsForTests, statistics);
    }

    /** A writer with other chunk size, worker count and in-flight bound (tests make many small chunks). */
    ParallelParquetWriter(OutputStream target, Schema schema, String description, Settings settings) {
        this(target, schema, description, settings, null);
    }

    /** A writer with other settings that also gathers {@code statistics} (see above). */
    ParallelParquetWriter(OutputStream target, Schema schema, String description, Settings settings, @Nullable ColumnStatistics statistics) {
        if (settings.chunkBytes() <= 0 || settings.threads() <= 0 || settings.maxInFlight() <= 0) {
            throw new IllegalArgumentException("chunkBytes, threads and maxInFlight must be positive: " + settings);
        }
        this.target = new CloseOnce(target);
        this.canonical = target instanceof CanonicalFooterStream footers ? footers : null;
        this.schema = schema;
        this.description = description;
        this.chunkBytes = settings.chunkBytes();
        this.threads = settings.threads();
        this.maxInFlight = settings.maxInFlight();
        this.flat = FlatChunkEncoder.handles(schema);
        this.statistics = statistics;
    }

    @Override
    public void accept(VectorSchemaRoot batch, Runnable release) throws IOException {
        int rows = batch.getRowCount();
        if (failed || closed) {
            release.run();
            throw new IllegalStateException("the Parquet writer of " + description + " is " + (failed ? "failed" : "closed"));
        }
        if (rows == 0) {
            release.run();
            return;
        }
        long bytesPerRow = Math.max(1, bytes(batch) / rows);
        if (chunkRows == 0 && expectedRows > 0) {
            chunkRows = rowsPerChunk(expectedRows, bytesPerRow, chunkBytes);
        }
        int start = 0;
        try {
            if (statistics != null) {
                Summaries summary = new Summaries(batch, rowsBefore + filledRows);
                summaries.add(summary);
                if (workers != null) {
                    submit(summary);
                }
            }
            while (start < rows) {
                long room = Math.max(1, (chunkBytes - filledBytes + bytesPerRow - 1) / bytesPerRow);
                if (chunkRows > 0) {
                    room = Math.max(1, Math.min(room, chunkRows - filledRows));
                }
                int end = (int) Math.min(rows, start + room);
                pieces.add(new FlatChunkEncoder.Piece(batch, start, end));
                filledBytes += (end - start) * bytesPerRow;
                filledRows += end - start;
                start = end;
                if (end == rows) {
                    releases.add(release);
                    release = null;
                    batchesEnded++;
                }
                if (filledBytes >= chunkBytes || chunkRows > 0 && filledRows >= chunkRows) {
                    submitChunk();
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            failed = true;
            if (release != null) {
                releases.add(release);
            }
            throw e;
        }
    }

    /**
     * Tells the writer how many rows the batches will hold in all (before the first batch): the rows are then cut
     * into chunks of equal rows whose number is a multiple of 4 (those of about {@code chunkBytes} rounded up), so
     * that 1, 2 or 4 workers get the same share and none finishes the last chunk alone while the others wait. The
     * cut still depends only on the rows (the total and the first batch's bytes per row), never on the threads.
     */
    void expectRows(long rows) {
        if (chunkRows != 0 || chunkIndex > 0 || filledRows > 0) {
            throw new IllegalStateException("expectRows must be called before the first batch");
        }
        expectedRows = rows;
    }

    /** Rows per chunk for {@code rows} rows of about {@code bytesPerRow} bytes (see {@link #expectRows}); unbounded for one chunk. */
    static long rowsPerChunk(long rows, long bytesPerRow, long chunkBytes) {
        long total = rows > Long.MAX_VALUE / bytesPerRow ? Long.MAX_VALUE : rows * bytesPerRow;
        long chunks = total / chunkBytes + (total % chunkBytes == 0 ? 0 : 1);
        if (chunks <= 1) {
            return Long.MAX_VALUE;
        }
        chunks = (chunks + 3) / 4 * 4;
        return (rows + chunks - 1) / chunks;
    }

    /** The Arrow bytes of {@code batch}'s rows (for a slice, of its rows only). */
    private static long bytes(VectorSchemaRoot batch) {
        long total = 0;
        for (FieldVector vector : batch.getFieldVectors()) {
            total += vector.getBufferSize();
        }
        return total;
    }

    /** Hands a batch's column summaries to the workers (ahead of the chunks reading the batch). */
    private void submit(Summaries summary) {
        ColumnStatistics into = statistics;
        List<Future<ColumnStatistics.Summary>> columns = new ArrayList<>(into.columnCount());
        for (int c = 0; c < into.columnCount(); c++) {
            int column = c;
            columns.add(workers.submit(() -> into.summarize(column, summary.batch)));
        }
        summary.columns = columns;
    }

    /**
     * Waits for the summaries of the batches up to {@code through} (in order) and merges them into the statistics.
     * On a failure the batches are not released here: {@link #cleanUp} does, once no worker reads them.
     */
    private void mergeSummaries(int through) throws InterruptedException {
        while (batchesMerged < through) {
            Summaries summary = summaries.peek();
            List<Future<ColumnStatistics.Summary>> columns = summary.columns;
            ColumnStatistics.Summary[] merged = new ColumnStatistics.Summary[columns.size()];
            for (int c = 0; c < merged.length; c++) {
                try {
                    merged[c] = columns.get(c).get();
                } catch (ExecutionException | CancellationException e) {
                    Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
                    throw new CairnException(ErrorCode.MATERIALIZER_FAILED, "Computing the statistics of column '" + schema.getFields().get(c).getName()
                            + "' of rows " + summary.firstRow + "–" + (summary.firstRow + summary.batch.getRowCount() - 1) + " of " + description
                            + " failed: " + cause, cause);
                }
            }
            statistics.merge(summary.batch.getRowCount(), merged);
            summaries.poll();
            batchesMerged++;
        }
    }

    private void submitChunk() throws IOException {
        if (workers == null) {
            workers = Executors.newFixedThreadPool(threads, new Named(description));
            if (statistics != null) {
                summaries.forEach(this::submit);
            }
            if (canonical != null) {
                canonical.passThrough();
            }
            buffered = new BufferedOutputStream(target, COPY_BUFFER_BYTES);
            file = new ParquetFileWriter(new StreamOutputFile(buffered, description),
                    ParquetSchemas.toParquet(schema), ParquetFileWriter.Mode.OVERWRITE, ParquetFormat.ROW_GROUP_BYTES, 0,
                    ParquetProperties.DEFAULT_COLUMN_INDEX_TRUNCATE_LENGTH, ParquetProperties.DEFAULT_STATISTICS_TRUNCATE_LENGTH, true);
            file.start();
        }
        while (inFlight.size() >= maxInFlight) {
            appendOldest();
        }
        List<FlatChunkEncoder.Piece> chunk = pieces;
        int index = chunkIndex++;
        buffersHeld.incrementAndGet();
        Future<Encoded> future;
        try {
            future = workers.submit(() -> encode(chunk, index));
        } catch (RuntimeException e) {
            buffersHeld.decrementAndGet();
            throw e;
        }
        inFlight.add(new InFlight(future, releases, index, rowsBefore, filledRows, batchesEnded));
        peakInFlight = Math.max(peakInFlight, inFlight.size());
        rowsBefore += filledRows;
        pieces = new ArrayList<>();
        releases = new ArrayList<>();
        filledBytes = 0;
        filledRows = 0;
        while (!inFlight.isEmpty() && inFlight.peek().future().isDone()) {
            appendOldest();
        }
    }

    /** Runs on a worker: encodes the chunk into a Parquet file in memory and reads back its footer and page indexes. */
    private Encoded encode(List<FlatChunkEncoder.Piece> chunk, int index) throws IOException {
        if (hook != null) {
            try {
                hook.beforeEncoding(this, index);
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException(e);
            }
        }
        byte[] spare = spareArrays.poll();
        Buffer buffer = new Buffer(spare != null ? spare : new byte[(int) Math.min(16 << 20, Math.max(1 << 16, chunkBytes / 2))]);
        if (flat) {
            FlatChunkEncoder.encode(chunk, schema, buffer, description + " (row group " + index + ")");
        } else {
            try (ParquetFormat.Writer writer = new ParquetFormat.Writer(buffer, schema, description + " (row group " + index + ")")) {
                for (FlatChunkEncoder.Piece piece : chunk) {
                    writer.write(piece.batch(), piece.start(), piece.end());
                }
            }
        }
        try (ParquetFileReader reader = new ParquetFileReader(new BytesInputFile(buffer.bytes, buffer.length),
                ParquetReadOptions.builder(new PlainParquetConfiguration()).build())) {
            List<BlockMetaData> blocks = reader.getRowGroups();
            List<List<ColumnIndex>> columnIndexes = new ArrayList<>();
            List<List<OffsetIndex>> offsetIndexes = new ArrayList<>();
            for (BlockMetaData block : blocks) {
                List<ColumnIndex> columns = new ArrayList<>();
                List<OffsetIndex> offsets = new ArrayList<>();
                for (ColumnChunkMetaData column : block.getColumns()) {
                    columns.add(reader.readColumnIndex(column));
                    offsets.add(reader.readOffsetIndex(column));
                }
                columnIndexes.add(columns);
                offsetIndexes.add(offsets);
            }
            return new Encoded(buffer.bytes, buffer.length, blocks, columnIndexes, offsetIndexes,
                    reader.getFileMetaData().getKeyValueMetaData());
        }
    }

    /** Waits for the oldest chunk, appends its row groups to the file and releases the batches it finished. */
    private void appendOldest() throws IOException {
        InFlight oldest = inFlight.poll();
        Encoded encoded;
        try {
            waitingForOldest = true;
            encoded = oldest.future().get();
            if (statistics != null) {
                mergeSummaries(oldest.batchesEnded());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            inFlight.addFirst(oldest);
            throw new CairnException(ErrorCode.MATERIALIZER_FAILED, "Interrupted while writing " + description, e);
        } catch (ExecutionException | CancellationException e) {
            inFlight.addFirst(oldest);
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new CairnException(ErrorCode.MATERIALIZER_FAILED, "Encoding row group " + oldest.index() + " (rows " + oldest.firstRow() + "–"
                    + (oldest.firstRow() + oldest.rows() - 1) + ") of " + description + " failed: " + cause, cause);
        } catch (RuntimeException e) { // a batch's statistics failed: its batches are released by cleanUp, after the workers stopped
            inFlight.addFirst(oldest);
            throw e;
        } finally {
            waitingForOldest = false;
        }
        try {
            append(encoded);
            if (spareArrays.size() < threads) {
                spareArrays.add(encoded.bytes());
            }
        } finally {
            buffersHeld.decrementAndGet();
            oldest.releases().forEach(Runnable::run);
        }
    }

    private void append(Encoded encoded) throws IOException {
        ParquetFileWriter out = file;
        if (footerMetadata == null) {
            footerMetadata = encoded.keyValues();
        }
        MessageType parquet = ParquetSchemas.toParquet(schema);
        try (SeekableInputStream in = new BytesInputFile(encoded.bytes(), encoded.length()).newStream()) {
            for (int b = 0; b < encoded.blocks().size(); b++) {
                BlockMetaData block = encoded.blocks().get(b);
                out.startBlock(block.getRowCount());
                List<ColumnChunkMetaData> columns = block.getColumns();
                for (int c = 0; c < columns.size(); c++) {
                    ColumnChunkMetaData column = columns.get(c);
                    ColumnDescriptor descriptor = parquet.getColumnDescription(column.getPath().toArray());
                    out.appendColumnChunk(descriptor, in, column, null, encoded.columnIndexes().get(b).get(c), encoded.offsetIndexes().get(b).get(c));
                }
                out.endBlock();
            }
        }
        chunksWritten++;
    }

    /**
     * Writes what remains and finishes the file (or, when nothing was handed to a worker, writes the rows on this
     * thread straight to the output), then closes the output and releases every batch. After a failure only cleans up.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        Throwable failure = null;
        try {
            if (!failed) {
                if (workers == null) {
                    if (statistics != null) {
                        for (Summaries summary : summaries) {
                            statistics.add(summary.batch);
                        }
                        summaries.clear();
                    }
                    writeDirectly();
                } else {
                    if (!pieces.isEmpty()) {
                        submitChunk();
                    }
                    while (!inFlight.isEmpty()) {
                        appendOldest();
                    }
                    if (!summaries.isEmpty()) {
                        throw new IllegalStateException(summaries.size() + " batches of " + description + " were not added to the statistics");
                    }
                    if (canonical != null) {
                        buffered.flush();
                        canonical.hold(); // the page indexes and the footer that end() writes are held back and made canonical
                    }
                    file.end(footerMetadata == null ? Map.of() : footerMetadata);
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            failure = e;
        } finally {
            failure = cleanUp(failure);
        }
        if (failure instanceof IOException io) {
            throw io;
        }
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failure instanceof Error error) {
            throw error;
        }
    }

    /** Marks the write failed: {@link #close} then only stops the workers, releases the batches and closes the output. */
    void abort() {
        failed = true;
    }

    private void writeDirectly() throws IOException {
        if (flat) {
            FlatChunkEncoder.encode(pieces, schema, new Unclosed(target), description);
            return;
        }
        try (ParquetFormat.Writer writer = new ParquetFormat.Writer(new Unclosed(target), schema, description)) {
            for (FlatChunkEncoder.Piece piece : pieces) {
                writer.write(piece.batch(), piece.start(), piece.end());
            }
        }
    }

    /** Stops the workers (waiting until none reads a batch), releases every batch and closes the output. */
    private @Nullable Throwable cleanUp(@Nullable Throwable failure) {
        ExecutorService pool = workers;
        if (pool != null) {
            for (InFlight pending : inFlight) {
                pending.future().cancel(true);
            }
            pool.shutdownNow();
            boolean interrupted = false;
            while (true) {
                try {
                    if (pool.awaitTermination(1, TimeUnit.MINUTES)) {
                        break;
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        List<Runnable> toRelease = new ArrayList<>();
        for (InFlight pending : inFlight) {
            toRelease.addAll(pending.releases());
            buffersHeld.decrementAndGet();
        }
        inFlight.clear();
        summaries.clear();
        toRelease.addAll(releases);
        releases = new ArrayList<>();
        pieces = new ArrayList<>();
        for (Runnable release : toRelease) {
            try {
                release.run();
            } catch (RuntimeException e) {
                failure = addTo(failure, e);
            }
        }
        try {
            target.close();
        } catch (IOException | RuntimeException e) {
            failure = addTo(failure, e);
        }
        return failure;
    }

    private static Throwable addTo(@Nullable Throwable failure, Throwable next) {
        if (failure == null) {
            return next;
        }
        failure.addSuppressed(next);
        return failure;
    }

    /** The most chunks that were being encoded or waiting to be appended at once (test hook). */
    int peakInFlight() {
        return peakInFlight;
    }

    /** The chunks appended to the file; 0 when the rows were written on the calling thread (test hook). */
    int chunksWritten() {
        return chunksWritten;
    }

    /** Chunks handed to workers and not yet appended or dropped (test hook; 0 after close). */
    int buffersHeld() {
        return buffersHeld.get();
    }

    /** The bound on {@link #buffersHeld()}. */
    int maxInFlight() {
        return maxInFlight;
    }

    /** Whether the feeding thread waits for the oldest chunk (test hook: it does so when the bound is reached). */
    boolean waitingForOldest() {
        return waitingForOldest;
    }

    /** A growable byte array that hands out its array without copying. */
    private static final class Buffer extends OutputStream {
        byte[] bytes;
        int length;

        /** A buffer writing into {@code array} (from its start; what the array held before is overwritten). */
        Buffer(byte[] array) {
            this.bytes = array;
        }

        @Override
        public void write(int b) {
            ensure(1);
            bytes[length++] = (byte) b;
        }

        @Override
        public void write(byte[] source, int offset, int count) {
            ensure(count);
            System.arraycopy(source, offset, bytes, length, count);
            length += count;
        }

        private void ensure(int more) {
            long needed = (long) length + more;
            if (needed > bytes.length) {
                if (needed > Integer.MAX_VALUE - 16) {
                    throw new IllegalStateException("a row group of more than 2 GiB encoded");
                }
                bytes = java.util.Arrays.copyOf(bytes, (int) Math.min(Integer.MAX_VALUE - 16, Math.max(needed, 2L * bytes.length)));
            }
        }
    }

    /** Closes its target once, however often it is closed (the file writer closes it, and so does the clean-up). */
    private static final class CloseOnce extends java.io.FilterOutputStream {
        private boolean closed;

        CloseOnce(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                out.close();
            }
        }
    }

    /** An output stream whose close does not close the target (the direct path's target is closed by cleanUp). */
    private static final class Unclosed extends java.io.FilterOutputStream {
        Unclosed(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }

    /** An in-memory Parquet file. */
    private static final class BytesInputFile implements InputFile {
        private final byte[] bytes;
        private final int length;

        BytesInputFile(byte[] bytes, int length) {
            this.bytes = bytes;
            this.length = length;
        }

        @Override
        public long getLength() {
            return length;
        }

        @Override
        public SeekableInputStream newStream() {
            return new SeekableInputStream() {
                private int position;

                @Override
                public long getPos() {
                    return position;
                }

                @Override
                public void seek(long newPos) throws IOException {
                    if (newPos < 0 || newPos > length) {
                        throw new EOFException("seek to " + newPos + " of a " + length + "-byte buffer");
                    }
                    position = (int) newPos;
                }

                @Override
                public int read() {
                    return position < length ? bytes[position++] & 0xff : -1;
                }

                @Override
                public int read(byte[] target, int offset, int count) {
                    if (count == 0) {
                        return 0;
                    }
                    if (position >= length) {
                        return -1;
                    }
                    int n = Math.min(count, length - position);
                    System.arraycopy(bytes, position, target, offset, n);
                    position += n;
                    return n;
                }

                @Override
                public void readFully(byte[] target) throws IOException {
                    readFully(target, 0, target.length);
                }

                @Override
                public void readFully(byte[] target, int offset, int count) throws IOException {
                    if (count > length - position) {
                        throw new EOFException("reading " + count + " bytes at " + position + " of a " + length + "-byte buffer");
                    }
                    System.arraycopy(bytes, position, target, offset, count);
                    position += count;
                }

                @Override
                public int read(ByteBuffer target) {
                    if (!target.hasRemaining()) {
                        return 0;
                    }
                    if (position >= length) {
                        return -1;
                    }
                    int n = Math.min(target.remaining(), length - position);
                    target.put(bytes, position, n);
                    position += n;
                    return n;
                }

                @Override
                public void readFully(ByteBuffer target) throws IOException {
                    if (target.remaining() > length - position) {
                        throw new EOFException("reading " + target.remaining() + " bytes at " + position + " of a " + length + "-byte buffer");
                    }
                    int n = target.remaining();
                    target.put(bytes, position, n);
                    position += n;
                }
            };
        }
    }

    private static final class Named implements ThreadFactory {
        private final String description;
        private final AtomicInteger count = new AtomicInteger();

        Named(String description) {
            this.description = description;
        }

        @Override
        public Thread newThread(Runnable runnable) {
            Thread thread = new Thread(runnable, "cairn-parquet-" + count.incrementAndGet() + " " + description);
            thread.setDaemon(true);
            return thread;
        }
    }
}
