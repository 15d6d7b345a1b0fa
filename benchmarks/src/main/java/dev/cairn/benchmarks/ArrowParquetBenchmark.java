package dev.cairn.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.reflect.Type;
import java.net.URI;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import dev.cairn.api.artifact.LoadOptions;
import dev.cairn.api.spi.ArtifactDraft;
import dev.cairn.api.spi.ArtifactReader;
import dev.cairn.api.spi.ArtifactWriter;
import dev.cairn.materializers.arrow.ArrowMaterializer;
import dev.cairn.stores.local.LocalArtifactStore;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.table.Table;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * Saves and loads 10 million rows × 8 numeric columns (4 float64, 2 int64, 2 int32) through Cairn's Arrow
 * materializer and, in the same run, writes and reads the same values directly with parquet-java using the same
 * settings (zstd, 64 MiB row groups, 1 MiB pages, dictionary encoding, page checksums, Parquet 1.0 pages), and with
 * DuckDB's own {@code COPY … TO '….parquet' (COMPRESSION zstd)}. The direct file is read back two ways into plain
 * Java arrays: with parquet-java's record assembly ({@code RecordReader} and converters, "parquet-java load") and with
 * its column readers ({@code ColumnReadStoreImpl}, one column at a time, "parquet-java load (column readers)"), the
 * fastest straightforward parquet-java read. Prints median times of 3 runs after a warm-up, the ratios against both,
 * the peak heap of each operation above what was resident before it (the benchmark keeps the data's plain arrays, 56
 * bytes a row, on the heap throughout for the baseline), and file sizes. The warm-up run also checks every value of
 * Cairn's loaded table against the generated data (untimed). Run with {@code -Xms} = {@code -Xmx} and a fixed heap to
 * limit GC noise.
 *
 * <p>"Through Cairn" is the materializer behind the SPI as the engine drives it: an artifact draft of the local
 * artifact store, every byte hashed with SHA-256 while it streams (as the engine's writer does), metadata extraction
 * and visualizations, then the atomic commit; loads read through {@code ArtifactReader.openRandomAccess} of the store.
 * The metadata store's bookkeeping (a few SQLite rows) is not included.
 *
 * <p>Usage: {@code java --add-opens=java.base/java.nio=ALL-UNNAMED -cp ... dev.cairn.benchmarks.ArrowParquetBenchmark [rows] [workDir]}
 */
public final class ArrowParquetBenchmark {
    private static final int COLUMNS = 8;
    private static final int RUNS = 3;

    private ArrowParquetBenchmark() {}

    /** The same data as plain arrays, for the direct parquet-java baseline. */
    record Arrays8(double[][] doubles, long[][] longs, int[][] ints) {}

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 10_000_000;
        Path work = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("cairn-arrow-bench");
        System.out.printf(Locale.ROOT, "rows=%,d columns=%d cores=%d java=%s maxHeap=%d MiB work=%s%n", rows, COLUMNS,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), Runtime.getRuntime().maxMemory() >> 20, work);
        try (RootAllocator allocator = new RootAllocator()) {
            Arrays8 arrays = generate(rows);
            try (Table table = toTable(arrays, allocator)) {
                run(rows, work, allocator, arrays, table);
            }
        }
    }

    private static void run(int rows, Path work, RootAllocator allocator, Arrays8 arrays, Table table) throws Exception {
        ArrowMaterializer materializer = new ArrowMaterializer(allocator);
        // A fresh store per run: the artifact directories are named bench-0, bench-1, ... in each run.
        LocalArtifactStore store = new LocalArtifactStore(Files.createTempDirectory(Files.createDirectories(work), "store-"));
        Path direct = work.resolve("direct.parquet");
        Path duck = work.resolve("duckdb.parquet");
        Map<String, List<Measurement>> results = new LinkedHashMap<>();
        URI[] artifact = new URI[1];
        int[] counter = {0};
        for (int run = 0; run <= RUNS; run++) {
            boolean warmUp = run == 0;
            measure(results, warmUp, "cairn save", () -> {
                artifact[0] = cairnSave(materializer, store, table, "bench-" + counter[0]++);
                return -1L;
            });
            measure(results, warmUp, "parquet-java save", () -> {
                directWrite(arrays, direct);
                return -1L;
            });
            measure(results, warmUp, "cairn load", () -> {
                try (Table loaded = (Table) materializer.load(Table.class, new StoreReader(store, artifact[0], LoadOptions.DEFAULT))) {
                    check(loaded.getRowCount(), rows);
                    if (warmUp) {
                        checkValues(loaded, arrays);
                    }
                }
                return -1L;
            });
            measure(results, warmUp, "parquet-java load", () -> {
                check(directRead(direct, rows), rows);
                return -1L;
            });
            measure(results, warmUp, "parquet-java load (column readers)", () -> {
                check(directColumnRead(direct, rows), rows);
                return -1L;
            });
            measure(results, warmUp, "cairn load 1 of 8 columns", () -> {
                try (Table loaded = (Table) materializer.load(Table.class,
                        new StoreReader(store, artifact[0], LoadOptions.DEFAULT.withColumns(List.of("c0"))))) {
                    check(loaded.getRowCount(), rows);
                }
                return -1L;
            });
            measure(results, warmUp, "duckdb COPY TO parquet", () -> duckdbCopy(store, artifact[0], duck));
            if (run < RUNS) {
                store.delete(artifact[0]);
            }
        }
        System.out.println();
        System.out.println("| operation | median time | runs | peak heap above resident data |");
        System.out.println("|---|---:|---|---:|");
        for (Map.Entry<String, List<Measurement>> entry : results.entrySet()) {
            List<Measurement> list = entry.getValue();
            System.out.printf(Locale.ROOT, "| %s | %.2f s | %s | %d MiB |%n", entry.getKey(), median(list), times(list),
                    list.stream().mapToLong(Measurement::peakHeap).max().orElse(0) >> 20);
        }
        double cairnSave = median(results.get("cairn save"));
        double directSave = median(results.get("parquet-java save"));
        double cairnLoad = median(results.get("cairn load"));
        double directLoad = median(results.get("parquet-java load"));
        double columnLoad = median(results.get("parquet-java load (column readers)"));
        double projected = median(results.get("cairn load 1 of 8 columns"));
        double duckCopy = median(results.get("duckdb COPY TO parquet"));
        System.out.println();
        System.out.printf(Locale.ROOT, "save speed, Cairn vs parquet-java: %.2fx (target >= 0.9x)%n", directSave / cairnSave);
        System.out.printf(Locale.ROOT, "load speed, Cairn vs parquet-java: %.2fx (target >= 0.9x)%n", directLoad / cairnLoad);
        System.out.printf(Locale.ROOT, "load speed, Cairn vs parquet-java column readers: %.2fx%n", columnLoad / cairnLoad);
        System.out.printf(Locale.ROOT, "projected load (1 of 8 columns) / full load: %.2f (target <= 0.25)%n", projected / cairnLoad);
        System.out.printf(Locale.ROOT, "save speed, Cairn vs DuckDB COPY TO: %.2fx%n", duckCopy / cairnSave);
        long cairnBytes = store.listFiles(artifact[0]).stream().filter(f -> f.endsWith(".parquet"))
                .mapToLong(f -> size(store, artifact[0], f)).sum();
        System.out.printf(Locale.ROOT, "file sizes: Cairn %.1f MiB, parquet-java %.1f MiB, DuckDB %.1f MiB (raw data %.1f MiB)%n",
                cairnBytes / 1048576.0, Files.size(direct) / 1048576.0, Files.size(duck) / 1048576.0, rows * 56.0 / 1048576.0);
        store.delete(artifact[0]);
    }

    private static void check(long actual, long expected) {
        if (actual != expected) {
            throw new IllegalStateException("read " + actual + " rows, expected " + expected);
        }
    }

    /** Fails unless {@code loaded} holds exactly the generated values (checked once, in the warm-up run, untimed). */
    private static void checkValues(Table loaded, Arrays8 arrays) {
        int rows = arrays.ints()[0].length;
        // Takes over the table's buffers (the table is empty afterwards), so it is closed here.
        try (VectorSchemaRoot root = loaded.toVectorSchemaRoot()) {
            checkValues(root, arrays, rows);
        }
    }

    private static void checkValues(VectorSchemaRoot root, Arrays8 arrays, int rows) {
        for (int c = 0; c < COLUMNS; c++) {
            FieldVector vector = root.getVector(c);
            if (vector.getNullCount() != 0) {
                throw new IllegalStateException("column c" + c + " has nulls after loading");
            }
            for (int r = 0; r < rows; r++) {
                boolean same = c < 4 ? Double.compare(((Float8Vector) vector).get(r), arrays.doubles()[c][r]) == 0
                        : c < 6 ? ((BigIntVector) vector).get(r) == arrays.longs()[c - 4][r]
                        : ((IntVector) vector).get(r) == arrays.ints()[c - 6][r];
                if (!same) {
                    throw new IllegalStateException("column c" + c + " row " + r + " differs after loading");
                }
            }
        }
    }

    private static long size(LocalArtifactStore store, URI directory, String file) {
        try {
            return store.size(URI.create(directory.toString().endsWith("/") ? directory + file : directory + "/" + file));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    record Measurement(double seconds, long peakHeap) {}

    /** An operation to time; returns the nanoseconds of the part to count, or -1 to count the whole call. */
    @FunctionalInterface
    private interface Operation {
        long run() throws Exception;
    }

    private static void measure(Map<String, List<Measurement>> results, boolean warmUp, String name, Operation operation) throws Exception {
        System.gc();
        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP).toList();
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);
        long resident = heap.stream().mapToLong(p -> p.getUsage().getUsed()).sum();
        long start = System.nanoTime();
        long counted = operation.run();
        double seconds = (counted >= 0 ? counted : System.nanoTime() - start) / 1e9;
        long peak = Math.max(0, heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum() - resident);
        System.out.printf(Locale.ROOT, "%s%s: %.2f s, peak heap above resident %d MiB (resident %d MiB)%n", warmUp ? "(warm-up) " : "", name,
                seconds, peak >> 20, resident >> 20);
        if (!warmUp) {
            results.computeIfAbsent(name, k -> new ArrayList<>()).add(new Measurement(seconds, peak));
        }
    }

    private static double median(List<Measurement> list) {
        double[] seconds = list.stream().mapToDouble(Measurement::seconds).sorted().toArray();
        return seconds[seconds.length / 2];
    }

    private static String times(List<Measurement> list) {
        return list.stream().map(m -> String.format(Locale.ROOT, "%.2f", m.seconds())).toList().toString();
    }

    // ----- data -----

    static Arrays8 generate(int rows) {
        SplittableRandom random = new SplittableRandom(42);
        double[][] doubles = new double[4][rows];
        long[][] longs = new long[2][rows];
        int[][] ints = new int[2][rows];
        for (int r = 0; r < rows; r++) {
            doubles[0][r] = Math.round(random.nextDouble() * 100_000) / 100.0;       // a price with 2 decimals
            doubles[1][r] = random.nextGaussian();                                    // a measurement
            doubles[2][r] = r * 0.001;                                                 // a time axis
            doubles[3][r] = random.nextInt(50) * 0.5;                                  // a rating
            longs[0][r] = r;                                                           // an id
            longs[1][r] = 1_700_000_000_000L + random.nextLong(86_400_000L);           // epoch millis in one day
            ints[0][r] = random.nextInt(1000);                                         // a category
            ints[1][r] = r % 365;                                                      // a day of year
        }
        return new Arrays8(doubles, longs, ints);
    }

    static Schema schema() {
        List<Field> fields = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            fields.add(new Field("c" + c, FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)), null));
        }
        for (int c = 4; c < 6; c++) {
            fields.add(new Field("c" + c, FieldType.notNullable(new ArrowType.Int(64, true)), null));
        }
        for (int c = 6; c < 8; c++) {
            fields.add(new Field("c" + c, FieldType.notNullable(new ArrowType.Int(32, true)), null));
        }
        return new Schema(fields);
    }

    static Table toTable(Arrays8 arrays, RootAllocator allocator) {
        int rows = arrays.ints()[0].length;
        VectorSchemaRoot root = VectorSchemaRoot.create(schema(), allocator);
        List<FieldVector> vectors = root.getFieldVectors();
        for (int c = 0; c < 4; c++) {
            Float8Vector vector = (Float8Vector) vectors.get(c);
            vector.allocateNew(rows);
            for (int r = 0; r < rows; r++) {
                vector.set(r, arrays.doubles()[c][r]);
            }
        }
        for (int c = 0; c < 2; c++) {
            BigIntVector vector = (BigIntVector) vectors.get(4 + c);
            vector.allocateNew(rows);
            for (int r = 0; r < rows; r++) {
                vector.set(r, arrays.longs()[c][r]);
            }
        }
        for (int c = 0; c < 2; c++) {
            IntVector vector = (IntVector) vectors.get(6 + c);
            vector.allocateNew(rows);
            for (int r = 0; r < rows; r++) {
                vector.set(r, arrays.ints()[c][r]);
            }
        }
        root.setRowCount(rows);
        return new Table(root);
    }

    // ----- Cairn -----

    static URI cairnSave(ArrowMaterializer materializer, LocalArtifactStore store, Table table, String name) throws IOException {
        try (ArtifactDraft draft = store.createDraft()) {
            HashingWriter writer = new HashingWriter(draft, name);
            materializer.save(table, writer);
            materializer.extractMetadata(table);
            materializer.visualizations(table);
            if (writer.hashes.isEmpty()) {
                throw new IllegalStateException("nothing written");
            }
            return draft.commit("artifacts/" + name);
        }
    }

    /** Hashes every file with SHA-256 while it streams, like the engine's artifact writer. */
    private static final class HashingWriter implements ArtifactWriter {
        private final ArtifactDraft draft;
        private final String name;
        final Map<String, String> hashes = new LinkedHashMap<>();

        HashingWriter(ArtifactDraft draft, String name) {
            this.draft = draft;
            this.name = name;
        }

        @Override
        public OutputStream create(String relativePath) throws IOException {
            MessageDigest digest;
            try {
                digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            return new DigestOutputStream(draft.create(relativePath), digest) {
                @Override
                public void close() throws IOException {
                    super.close();
                    hashes.put(relativePath, HexFormat.of().formatHex(digest.digest()));
                }
            };
        }

        @Override
        public String artifactName() {
            return name;
        }

        @Override
        public Type type() {
            return Table.class;
        }

        @Override
        public Map<String, String> options() {
            return Map.of();
        }
    }

    static final class StoreReader implements ArtifactReader {
        private final LocalArtifactStore store;
        private final URI directory;
        private final LoadOptions options;

        StoreReader(LocalArtifactStore store, URI directory, LoadOptions options) {
            this.store = store;
            this.directory = directory.toString().endsWith("/") ? directory : URI.create(directory + "/");
            this.options = options;
        }

        @Override
        public InputStream open(String relativePath) throws IOException {
            return store.openRead(directory.resolve(relativePath));
        }

        @Override
        public SeekableByteChannel openRandomAccess(String relativePath) throws IOException {
            return store.openRandomAccess(directory.resolve(relativePath));
        }

        @Override
        public List<String> files() {
            try {
                return store.listFiles(directory);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public long size(String relativePath) throws IOException {
            return store.size(directory.resolve(relativePath));
        }

        @Override
        public URI uri() {
            return directory;
        }

        @Override
        public String artifactName() {
            return "bench:1";
        }

        @Override
        public LoadOptions options() {
            return options;
        }
    }

    // ----- direct parquet-java, same settings as the materializer -----

    static MessageType parquetSchema() {
        Types.MessageTypeBuilder builder = Types.buildMessage();
        for (int c = 0; c < 4; c++) {
            builder.addField(Types.primitive(PrimitiveTypeName.DOUBLE, org.apache.parquet.schema.Type.Repetition.REQUIRED).named("c" + c));
        }
        for (int c = 4; c < 6; c++) {
            builder.addField(Types.primitive(PrimitiveTypeName.INT64, org.apache.parquet.schema.Type.Repetition.REQUIRED)
                    .as(LogicalTypeAnnotation.intType(64, true)).named("c" + c));
        }
        for (int c = 6; c < 8; c++) {
            builder.addField(Types.primitive(PrimitiveTypeName.INT32, org.apache.parquet.schema.Type.Repetition.REQUIRED)
                    .as(LogicalTypeAnnotation.intType(32, true)).named("c" + c));
        }
        return builder.named("direct");
    }

    private static final class ArraysWriteSupport extends WriteSupport<int[]> {
        private final Arrays8 arrays;
        private RecordConsumer consumer;

        ArraysWriteSupport(Arrays8 arrays) {
            this.arrays = arrays;
        }

        @Override
        public WriteContext init(Configuration configuration) {
            return new WriteContext(parquetSchema(), Map.of());
        }

        @Override
        public WriteContext init(ParquetConfiguration configuration) {
            return new WriteContext(parquetSchema(), Map.of());
        }

        @Override
        public void prepareForWrite(RecordConsumer recordConsumer) {
            consumer = recordConsumer;
        }

        @Override
        public void write(int[] row) {
            int r = row[0];
            consumer.startMessage();
            for (int c = 0; c < 4; c++) {
                consumer.startField("c" + c, c);
                consumer.addDouble(arrays.doubles()[c][r]);
                consumer.endField("c" + c, c);
            }
            for (int c = 0; c < 2; c++) {
                consumer.startField("c" + (4 + c), 4 + c);
                consumer.addLong(arrays.longs()[c][r]);
                consumer.endField("c" + (4 + c), 4 + c);
            }
            for (int c = 0; c < 2; c++) {
                consumer.startField("c" + (6 + c), 6 + c);
                consumer.addInteger(arrays.ints()[c][r]);
                consumer.endField("c" + (6 + c), 6 + c);
            }
            consumer.endMessage();
        }
    }

    private static final class DirectBuilder extends ParquetWriter.Builder<int[], DirectBuilder> {
        private final ArraysWriteSupport support;

        DirectBuilder(Path file, ArraysWriteSupport support) {
            super(new LocalOutputFile(file));
            this.support = support;
        }

        @Override
        protected DirectBuilder self() {
            return this;
        }

        @Override
        protected WriteSupport<int[]> getWriteSupport(Configuration configuration) {
            return support;
        }

        @Override
        protected WriteSupport<int[]> getWriteSupport(ParquetConfiguration configuration) {
            return support;
        }
    }

    static void directWrite(Arrays8 arrays, Path file) throws IOException {
        int rows = arrays.ints()[0].length;
        try (ParquetWriter<int[]> writer = new DirectBuilder(file, new ArraysWriteSupport(arrays))
                .withConf(new PlainParquetConfiguration())
                .withCompressionCodec(CompressionCodecName.ZSTD)
                .withRowGroupSize(64L * 1024 * 1024)
                .withPageSize(1024 * 1024)
                .withDictionaryEncoding(true)
                .withPageWriteChecksumEnabled(true)
                .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .build()) {
            int[] row = new int[1];
            for (int r = 0; r < rows; r++) {
                row[0] = r;
                writer.write(row);
            }
        }
    }

    /** Reads the file into fresh arrays with parquet-java's record assembly; returns the row count. */
    static long directRead(Path file, int rows) throws IOException {
        double[][] doubles = new double[4][rows];
        long[][] longs = new long[2][rows];
        int[][] ints = new int[2][rows];
        int[] cursor = new int[1];
        Converter[] converters = new Converter[COLUMNS];
        for (int c = 0; c < 4; c++) {
            double[] target = doubles[c];
            converters[c] = new PrimitiveConverter() {
                @Override
                public void addDouble(double value) {
                    target[cursor[0]] = value;
                }
            };
        }
        for (int c = 0; c < 2; c++) {
            long[] target = longs[c];
            converters[4 + c] = new PrimitiveConverter() {
                @Override
                public void addLong(long value) {
                    target[cursor[0]] = value;
                }
            };
        }
        for (int c = 0; c < 2; c++) {
            int[] target = ints[c];
            converters[6 + c] = new PrimitiveConverter() {
                @Override
                public void addInt(int value) {
                    target[cursor[0]] = value;
                }
            };
        }
        GroupConverter root = new GroupConverter() {
            @Override
            public Converter getConverter(int fieldIndex) {
                return converters[fieldIndex];
            }

            @Override
            public void start() {}

            @Override
            public void end() {}
        };
        RecordMaterializer<Object> materializer = new RecordMaterializer<>() {
            @Override
            public Object getCurrentRecord() {
                return cursor;
            }

            @Override
            public GroupConverter getRootConverter() {
                return root;
            }
        };
        long count = 0;
        try (ParquetFileReader reader = new ParquetFileReader(new LocalInputFile(file),
                ParquetReadOptions.builder(new PlainParquetConfiguration()).usePageChecksumVerification(true).build())) {
            MessageType schema = reader.getFileMetaData().getSchema();
            MessageColumnIO io = new ColumnIOFactory(reader.getFileMetaData().getCreatedBy()).getColumnIO(schema, schema, true);
            PageReadStore group;
            while ((group = reader.readNextRowGroup()) != null) {
                RecordReader<Object> records = io.getRecordReader(group, materializer);
                for (long r = 0; r < group.getRowCount(); r++) {
                    cursor[0] = (int) count;
                    records.read();
                    count++;
                }
            }
        }
        if (count != rows || doubles[0][rows - 1] == Double.MIN_VALUE) {
            throw new IllegalStateException("read " + count + " rows, expected " + rows);
        }
        return count + Arrays.hashCode(ints[1]) * 0L;
    }

    /**
     * Reads the file into fresh arrays with parquet-java's column readers, without record assembly: per row group a
     * {@link ColumnReadStoreImpl}, and per column a loop of {@code getDouble}/{@code getLong}/{@code getInteger} and
     * {@code consume} (the columns are required, so no definition levels to look at). The fastest straightforward way
     * to read these columns with parquet-java's public API. Returns the row count.
     */
    static long directColumnRead(Path file, int rows) throws IOException {
        double[][] doubles = new double[4][rows];
        long[][] longs = new long[2][rows];
        int[][] ints = new int[2][rows];
        GroupConverter ignored = new GroupConverter() {
            private final PrimitiveConverter none = new PrimitiveConverter() {};

            @Override
            public Converter getConverter(int fieldIndex) {
                return none;
            }

            @Override
            public void start() {}

            @Override
            public void end() {}
        };
        int count = 0;
        try (ParquetFileReader reader = new ParquetFileReader(new LocalInputFile(file),
                ParquetReadOptions.builder(new PlainParquetConfiguration()).usePageChecksumVerification(true).build())) {
            MessageType schema = reader.getFileMetaData().getSchema();
            List<ColumnDescriptor> columns = schema.getColumns();
            PageReadStore group;
            while ((group = reader.readNextRowGroup()) != null) {
                ColumnReadStoreImpl store = new ColumnReadStoreImpl(group, ignored, schema, reader.getFileMetaData().getCreatedBy());
                int groupRows = Math.toIntExact(group.getRowCount());
                for (int c = 0; c < COLUMNS; c++) {
                    ColumnReader column = store.getColumnReader(columns.get(c));
                    int end = count + groupRows;
                    if (c < 4) {
                        double[] target = doubles[c];
                        for (int r = count; r < end; r++) {
                            target[r] = column.getDouble();
                            column.consume();
                        }
                    } else if (c < 6) {
                        long[] target = longs[c - 4];
                        for (int r = count; r < end; r++) {
                            target[r] = column.getLong();
                            column.consume();
                        }
                    } else {
                        int[] target = ints[c - 6];
                        for (int r = count; r < end; r++) {
                            target[r] = column.getInteger();
                            column.consume();
                        }
                    }
                }
                count += groupRows;
            }
        }
        if (count != rows || doubles[0][rows - 1] == Double.MIN_VALUE) {
            throw new IllegalStateException("read " + count + " rows, expected " + rows);
        }
        return count + Arrays.hashCode(ints[1]) * 0L;
    }

    // ----- DuckDB -----

    private static long duckdbCopy(LocalArtifactStore store, URI artifact, Path target) throws SQLException, IOException {
        String source = Path.of(URI.create((artifact.toString().endsWith("/") ? artifact.toString() : artifact + "/") + "data.parquet")).toString();
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = duckdb.createStatement()) {
            statement.execute("CREATE TABLE t AS SELECT * FROM read_parquet('" + source + "')");
            Files.deleteIfExists(target);
            long start = System.nanoTime();
            statement.execute("COPY t TO '" + target + "' (FORMAT parquet, COMPRESSION zstd)");
            return System.nanoTime() - start;
        }
    }
}
