package dev.cairn.spark;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.ArtifactFile;
import dev.cairn.api.artifact.LoadOptions;
import dev.cairn.api.pipeline.GenericTypes;
import dev.cairn.api.spi.ArtifactReader;
import dev.cairn.api.spi.ArtifactWriter;
import dev.cairn.api.spi.ExternalWrites;
import dev.cairn.api.spi.Materializer;

/**
 * Stores a Spark {@code Dataset<Row>} (or a {@code Dataset<T>} with an encoder, see {@link #canSave}) as Parquet parts
 * written and hashed by Spark's executors straight into the draft's staging directory (see {@link ExternalWrites}); the driver only renames
 * and adopts them, so no row passes through it. The content hash is Cairn's usual hash over the sorted
 * (path, size, SHA-256) list, so two byte-identical writes give one hash and caching and early cut-off keep working.
 *
 * <p>Output options ({@code StepOptions.outputOption}): {@code partitions=<n>} writes a canonical layout —
 * {@code repartition(n, keys)} then {@code sortWithinPartitions(keys)}, keys being {@code sortBy=<a,b,…>} or every
 * column — so that identical data gives identical files and one content hash however it was partitioned before.
 *
 * <p>Loading returns a lazy {@code spark.read.parquet(...)} of the artifact's files: projection
 * ({@link LoadOptions#columns()}) and predicate pushdown are Spark's; a verified load has the executors re-hash the
 * files in parallel before the dataset is returned, and so do the engine's other checks of the stored files (a cache
 * hit, {@code cairn verify}; see {@link #verifyStored}). Any Parquet artifact (one of {@code materializers-arrow}
 * included) loads this way. Needs an artifact store whose drafts offer {@link ExternalWrites} ({@code file:},
 * {@code hdfs:}); others are refused with {@code CONFIGURATION}. Thread-safe and stateless.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class DatasetMaterializer implements Materializer<Dataset<?>> {
    /** The id recorded with every Dataset artifact. */
    public static final String ID = "cairn.spark.dataset";
    /** The id of {@code materializers-arrow}'s materializer, whose Parquet artifacts this one loads ({@link #canLoad}). */
    public static final String ARROW_ID = "cairn.arrow";
    /**
     * The system property giving the size in bytes from which {@link #verifyStored} has Spark's executors check a Dataset
     * artifact's stored parts; smaller artifacts are hashed by the engine. It wins over the environment variable
     * {@value #EXECUTOR_CHECK_MIN_BYTES_ENVIRONMENT}, which wins over {@code executorCheckMinBytes} of the stack file's
     * {@code [spark]} table, as for the other Spark settings ({@link SparkSessions}).
     */
    public static final String EXECUTOR_CHECK_MIN_BYTES = "cairn.spark.executorCheckMinBytes";
    /** The environment variable of {@link #EXECUTOR_CHECK_MIN_BYTES}. */
    public static final String EXECUTOR_CHECK_MIN_BYTES_ENVIRONMENT = "CAIRN_SPARK_EXECUTOR_CHECK_MIN_BYTES";
    /** The default of {@link #EXECUTOR_CHECK_MIN_BYTES}: 128 MiB. */
    public static final long DEFAULT_EXECUTOR_CHECK_MIN_BYTES = 128L << 20;
    private static final Logger LOG = LoggerFactory.getLogger(DatasetMaterializer.class);

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
        return List.of(Dataset.class);
    }

    /**
     * True for {@code Dataset}, {@code Dataset<Row>} and {@code Dataset<T>} where {@code T} has an encoder this
     * materializer can load it with: {@code String}, a boxed primitive, {@code BigDecimal}, {@code LocalDate},
     * {@code LocalDateTime}, {@code Instant}, {@code java.sql.Date}/{@code Timestamp}, or a Java bean
     * ({@code Encoders.bean}: public no-argument constructor, getters and setters; Spark 4.2 has no encoder for Java
     * records).
     */
    @Override
    public boolean canSave(Type type) {
        return unsupportedElement(type).isEmpty();
    }

    /**
     * True for artifacts of {@code materializers-arrow} ({@value #ARROW_ID}) loaded as a {@code Dataset} this
     * materializer loads ({@link #canSave}): its Parquet file {@code data.parquet} is read with {@code spark.read.parquet}
     * like a Dataset artifact's parts (an Arrow IPC artifact, {@code format=ipc}, has none and is refused on load).
     */
    @Override
    public boolean canLoad(String writerId, Type type) {
        requireNonNull(writerId, "writerId is null");
        requireNonNull(type, "type is null");
        return writerId.equals(ARROW_ID) && GenericTypes.rawClass(type) == Dataset.class && unsupportedElement(type).isEmpty();
    }

    /** Why a Dataset of {@code type}'s element cannot be stored and loaded, or empty when it can. */
    private static java.util.Optional<String> unsupportedElement(Type type) {
        if (!(type instanceof ParameterizedType parameterized)) {
            return java.util.Optional.empty();
        }
        Class<?> element = elementClass(parameterized);
        if (element == null) {
            return java.util.Optional.of("its element type " + parameterized.getActualTypeArguments()[0].getTypeName() + " is not a class");
        }
        if (element == Row.class || SIMPLE_ENCODERS.containsKey(element)) {
            return java.util.Optional.empty();
        }
        if (element.isRecord()) {
            return java.util.Optional.of(element.getName() + " is a Java record, and Spark 4.2 has no encoder for records: use a Java bean"
                    + " (getters and setters) or Dataset<Row>");
        }
        if (element.isInterface() || java.lang.reflect.Modifier.isAbstract(element.getModifiers()) || element.isEnum()) {
            return java.util.Optional.of(element.getName() + " is not a concrete Java bean class");
        }
        try {
            element.getConstructor();
        } catch (NoSuchMethodException e) {
            return java.util.Optional.of(element.getName() + " has no public no-argument constructor, which Encoders.bean needs");
        }
        return java.util.Optional.empty();
    }

    /** The encoders of the element types that are not beans. */
    private static final Map<Class<?>, java.util.function.Supplier<Encoder<?>>> SIMPLE_ENCODERS = Map.ofEntries(
            Map.entry(String.class, Encoders::STRING), Map.entry(Long.class, Encoders::LONG), Map.entry(Integer.class, Encoders::INT),
            Map.entry(Double.class, Encoders::DOUBLE), Map.entry(Float.class, Encoders::FLOAT), Map.entry(Short.class, Encoders::SHORT),
            Map.entry(Byte.class, Encoders::BYTE), Map.entry(Boolean.class, Encoders::BOOLEAN),
            Map.entry(java.math.BigDecimal.class, Encoders::DECIMAL), Map.entry(java.time.LocalDate.class, Encoders::LOCALDATE),
            Map.entry(java.time.LocalDateTime.class, Encoders::LOCALDATETIME), Map.entry(java.time.Instant.class, Encoders::INSTANT),
            Map.entry(java.sql.Date.class, Encoders::DATE), Map.entry(java.sql.Timestamp.class, Encoders::TIMESTAMP));

    @Override
    public boolean verifiesOnLoad() {
        return true;
    }

    /**
     * Has Spark's executors re-hash the stored parts in parallel — one Spark job described
     * {@code Cairn: verify artifact <name:version>}, in the job group of the calling thread — when a session is at hand:
     * the application's, or one the configuration asks for ({@link SparkSessions}). So a cache hit, a step's input loaded
     * as another type (an Arrow {@code Table}) and {@code cairn verify} do not pull the dataset through the driver.
     *
     * <p>It returns {@code false}, and the engine hashes the files in its own JVM, when there is no session (and no
     * configured master), or when the files total fewer bytes than {@value #EXECUTOR_CHECK_MIN_BYTES} (system property,
     * environment variable {@value #EXECUTOR_CHECK_MIN_BYTES_ENVIRONMENT} or {@code executorCheckMinBytes} of the
     * {@code [spark]} table; default {@value #DEFAULT_EXECUTOR_CHECK_MIN_BYTES}, 128 MiB; {@code 0}: always on the executors): a Spark job costs
     * a fixed ~0.2 s, more than the driver takes to hash a small dataset. That is safe: it is the same check — every
     * listed file's size and SHA-256 against the same manifest — made by one process instead of many, slower for a big
     * dataset but never weaker, so nothing is trusted unchecked; and no Spark session is started just to check files
     * when the application has none and none is configured.
     *
     * @throws CairnException {@code CONFIGURATION} when the system property or environment variable is not a whole number of bytes
     */
    @Override
    public boolean verifyStored(ArtifactReader stored) {
        requireNonNull(stored, "stored is null");
        java.util.Optional<List<ArtifactFile>> recorded = stored.recordedFiles();
        if (recorded.isEmpty() || recorded.get().stream().mapToLong(ArtifactFile::size).sum() < executorCheckMinBytes()) {
            return false;
        }
        java.util.Optional<SparkSession> session = SparkSessions.available();
        if (session.isEmpty()) {
            return false;
        }
        ExecutorHashCheck.verify(session.get(), stored.uri(), recorded.get(), stored.artifactName());
        return true;
    }

    /**
     * The size from which the executors check stored parts: the system property {@value #EXECUTOR_CHECK_MIN_BYTES}, else
     * the environment variable {@value #EXECUTOR_CHECK_MIN_BYTES_ENVIRONMENT}, else {@code executorCheckMinBytes} of the
     * {@code [spark]} table in use, else {@value #DEFAULT_EXECUTOR_CHECK_MIN_BYTES}.
     */
    static long executorCheckMinBytes() {
        String property = System.getProperty(EXECUTOR_CHECK_MIN_BYTES);
        if (property != null && !property.isBlank()) {
            return bytes(property, "The system property " + EXECUTOR_CHECK_MIN_BYTES);
        }
        String environment = System.getenv(EXECUTOR_CHECK_MIN_BYTES_ENVIRONMENT);
        if (environment != null && !environment.isBlank()) {
            return bytes(environment, "The environment variable " + EXECUTOR_CHECK_MIN_BYTES_ENVIRONMENT);
        }
        return SparkSessions.stackSettings().executorCheckMinBytes().orElse(DEFAULT_EXECUTOR_CHECK_MIN_BYTES);
    }

    private static long bytes(String value, String setting) {
        try {
            long bytes = Long.parseLong(value.trim());
            if (bytes >= 0) {
                return bytes;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new CairnException(ErrorCode.CONFIGURATION, setting + "='" + value
                + "' is not a whole number of bytes (0 or more): set it to the size from which a Dataset artifact's stored parts are"
                + " checked by Spark's executors rather than by the engine, or remove it for the default " + DEFAULT_EXECUTOR_CHECK_MIN_BYTES);
    }

    @Override
    public void save(Dataset<?> value, ArtifactWriter writer) throws IOException {
        requireNonNull(value, "value is null");
        requireNonNull(writer, "writer is null");
        ExternalWrites external = writer.externalWrites().orElseThrow(() -> new CairnException(ErrorCode.CONFIGURATION, "Artifact '"
                + writer.artifactName() + "' is a Spark Dataset, which Spark's executors write into the artifact store directly, but the"
                + " stack's artifact store offers no ExternalWrites (a staging directory Hadoop can write to). Use a file: or hdfs:"
                + " artifact store, or collect the data and return a List or an Arrow table instead"));
        Dataset<Row> data = layout(value.toDF(), writer.options(), writer.artifactName());
        org.apache.spark.SparkContext context = data.sparkSession().sparkContext();
        String previousDescription = context.getLocalProperty("spark.job.description");
        context.setJobDescription("Cairn: write artifact '" + writer.artifactName() + "'");
        long start = System.nanoTime();
        List<ArtifactFile> files;
        try {
            files = ExecutorParquetWriter.write(data, external.stagingDirectory(), writer.artifactName());
        } finally {
            context.setJobDescription(previousDescription);
        }
        external.adopt(files);
        LOG.debug("Wrote artifact '{}' as {} Parquet parts ({} bytes) in {} ms", writer.artifactName(), files.size(),
                files.stream().mapToLong(ArtifactFile::size).sum(), (System.nanoTime() - start) / 1_000_000);
    }

    private static Dataset<Row> layout(Dataset<Row> data, Map<String, String> options, String artifactName) {
        String partitions = options.get("partitions");
        if (partitions == null) {
            if (options.containsKey("sortBy")) {
                throw new CairnException(ErrorCode.INVALID_ARGUMENT, "Artifact '" + artifactName + "': output option sortBy needs partitions=<n> too");
            }
            return data;
        }
        int count;
        try {
            count = Integer.parseInt(partitions.trim());
        } catch (NumberFormatException e) {
            count = -1;
        }
        if (count < 1) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "Artifact '" + artifactName + "': output option partitions='" + partitions
                    + "' is not a positive whole number");
        }
        List<String> keys = options.containsKey("sortBy")
                ? Arrays.stream(options.get("sortBy").split(",")).map(String::trim).filter(key -> !key.isEmpty()).toList()
                : Arrays.asList(data.columns());
        Column[] columns = keys.stream().map(functions::col).toArray(Column[]::new);
        return data.repartition(count, columns).sortWithinPartitions(columns);
    }

    @Override
    public Dataset<?> load(Type type, ArtifactReader reader) throws IOException {
        requireNonNull(type, "type is null");
        requireNonNull(reader, "reader is null");
        java.util.Optional<String> unsupported = unsupportedElement(type);
        if (unsupported.isPresent()) {
            throw new CairnException(ErrorCode.TYPE_MISMATCH, "Artifact " + reader.artifactName() + " loads as Dataset<Row>, Dataset<T> of a Java"
                    + " bean, or Dataset<String> (or a boxed primitive, BigDecimal, a date or time), not as " + type.getTypeName() + ": "
                    + unsupported.get());
        }
        Class<?> element = type instanceof ParameterizedType parameterized ? elementClass(parameterized) : Row.class;
        SparkSession session = SparkSessions.current();
        LoadOptions options = reader.options();
        List<String> paths;
        if (options.verify()) {
            List<ArtifactFile> recorded = reader.recordedFiles().orElseThrow(() -> new CairnException(ErrorCode.INTEGRITY_VIOLATION,
                    "Artifact " + reader.artifactName() + " cannot be verified: its reader does not know the manifest's file list"));
            ExecutorHashCheck.verify(session, reader.uri(), recorded, reader.artifactName());
            paths = recorded.stream().map(ArtifactFile::path).filter(DatasetMaterializer::isParquet).toList();
        } else {
            paths = reader.files().stream().filter(DatasetMaterializer::isParquet).toList();
        }
        Dataset<Row> data = read(session, reader.uri(), paths, reader.artifactName());
        if (options.columns().isPresent()) {
            data = data.select(options.columns().get().stream().map(functions::col).toArray(Column[]::new));
        }
        if (options.rowLimit().isPresent()) {
            long limit = options.rowLimit().getAsLong();
            data = data.limit((int) Math.min(limit, Integer.MAX_VALUE));
        }
        if (element == Row.class) {
            return data;
        }
        java.util.function.Supplier<Encoder<?>> simple = SIMPLE_ENCODERS.get(element);
        Encoder<?> encoder = simple != null ? simple.get() : Encoders.bean(element);
        return data.as(encoder);
    }

    /**
     * A lazy {@code spark.read.parquet} of {@code paths} under {@code directory}, given the schema Spark wrote into the
     * first part's footer when there is one (see {@link PartSchema}): no Spark job runs until the dataset is used.
     */
    static Dataset<Row> read(SparkSession session, java.net.URI directory, List<String> paths, String artifactName) {
        if (paths.isEmpty()) {
            throw new CairnException(ErrorCode.INTEGRITY_VIOLATION, "Artifact " + artifactName + " at " + directory
                    + " has no Parquet file to load as a Spark Dataset; it was not written as Parquet (an Arrow artifact saved with"
                    + " format=ipc is an Arrow IPC file: save it with format=parquet, the default, to load it as a Dataset)");
        }
        java.net.URI base = ExecutorParquetWriter.directory(directory);
        String[] uris = paths.stream().map(path -> base.resolve(encode(path)).toString()).toArray(String[]::new);
        org.apache.spark.sql.DataFrameReader reader = session.read();
        PartSchema.of(ExecutorParquetWriter.classic(session).sessionState().newHadoopConf(), uris[0]).ifPresent(reader::schema);
        return reader.parquet(uris);
    }

    private static String encode(String path) {
        try {
            return new java.net.URI(null, null, path, null).getRawPath();
        } catch (java.net.URISyntaxException e) {
            throw new CairnException(ErrorCode.INTEGRITY_VIOLATION, "The artifact lists the invalid path '" + path + "'", e);
        }
    }

    private static boolean isParquet(String path) {
        return path.endsWith(".parquet");
    }

    @Override
    public Map<String, Object> extractMetadata(Dataset<?> value) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("schema", value.schema().simpleString());
        metadata.put("columns", List.of(value.columns()));
        return metadata;
    }

    private static Class<?> elementClass(ParameterizedType type) {
        Type argument = type.getActualTypeArguments()[0];
        if (argument instanceof Class<?> element && !element.isPrimitive() && !element.isArray()) {
            return element;
        }
        return null;
    }
}
