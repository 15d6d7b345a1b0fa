package dev.cairn.spark;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.HashSet;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.TaskType;
import org.apache.hadoop.mapreduce.task.TaskAttemptContextImpl;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.datasources.OutputWriter;
import org.apache.spark.sql.execution.datasources.OutputWriterFactory;
import org.apache.spark.sql.execution.datasources.parquet.ParquetFileFormat;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.ArtifactFile;

/**
 * Writes a {@code Dataset} as Parquet parts from Spark's executors into a draft's staging directory.
 *
 * <p>The protocol: each task writes its partition with Spark's own Parquet writer to
 * {@code _attempts/part-<partition>-<task attempt id>.parquet} (a name no other attempt uses) through a
 * {@link DigestingFileSystem}, which computes the file's SHA-256 and size from the bytes as they are written (no
 * second read of the closed file), and returns them. The driver gets exactly one result per
 * partition from {@code collect} (Spark discards the results of failed, killed and duplicate speculative attempts),
 * renames each accepted file to {@code part-<n>.parquet} (n counts the non-empty partitions in order) and deletes
 * everything else in the staging directory: files of failed or duplicate attempts never reach the artifact. The names
 * depend on neither task order nor attempt numbers, so byte-identical data with the same partitioning gives the same
 * files, hence the same content hash. If the job fails, nothing is renamed and the caller's draft (with every attempt
 * file) is deleted.
 */
final class ExecutorParquetWriter {
    static final String ATTEMPTS = "_attempts/";
    /** How often a writing task checks whether it was killed. */
    private static final int KILL_CHECK_ROWS = 1024;

    private ExecutorParquetWriter() {}

    /** The name of the {@code index}-th part. */
    static String partName(int index) {
        return String.format("part-%05d.parquet", index);
    }

    /**
     * Writes {@code data} into {@code stagingDirectory} and returns its part files (renamed, the rest deleted). When the
     * calling thread is interrupted (a cancelled run), the Spark job is cancelled and this returns only once its tasks
     * have stopped writing (see {@link CancellableJobs}).
     */
    static List<ArtifactFile> write(Dataset<Row> data, URI stagingDirectory, String artifactName) throws IOException {
        requireNonNull(data, "data is null");
        URI staging = directory(requireNonNull(stagingDirectory, "stagingDirectory is null"));
        org.apache.spark.sql.classic.Dataset<Row> classic = classic(data);
        org.apache.spark.sql.classic.SparkSession session = classic.sparkSession();
        StructType schema = data.schema();
        Job job = Job.getInstance(hadoopConfiguration(session));
        OutputWriterFactory factory = new ParquetFileFormat().prepareWrite(session, job, scala.collection.immutable.Map$.MODULE$.empty(), schema);
        JavaSparkContext context = JavaSparkContext.fromSparkContext(session.sparkContext());
        Configuration writing = DigestingFileSystem.install(new Configuration(job.getConfiguration()), staging);
        Broadcast<SerializableConfiguration> configuration = context.broadcast(new SerializableConfiguration(writing));
        List<PartFile> parts;
        try {
            JavaRDD<InternalRow> rows = classic.queryExecution().toRdd().toJavaRDD();
            String what = "Writing artifact '" + artifactName + "'";
            parts = new ArrayList<>(CancellableJobs.collect(rows.mapPartitionsWithIndex(
                    new WritePartition(staging.toString(), factory, schema, configuration, false), false), what, ErrorCode.MATERIALIZER_FAILED));
            if (parts.isEmpty()) { // an empty dataset still has a schema: keep it in one empty part
                JavaRDD<InternalRow> none = context.parallelize(Collections.<InternalRow>emptyList(), 1);
                parts.addAll(CancellableJobs.collect(none.mapPartitionsWithIndex(
                        new WritePartition(staging.toString(), factory, schema, configuration, true), false), what, ErrorCode.MATERIALIZER_FAILED));
            }
        } finally {
            CancellableJobs.destroy(configuration);
        }
        return finish(job.getConfiguration(), staging, parts);
    }

    /**
     * On the driver: renames the accepted attempt files to their part names and deletes everything else in
     * {@code staging} (failed, killed or duplicate attempts). Returns the parts in name order.
     */
    static List<ArtifactFile> finish(Configuration configuration, URI staging, List<PartFile> accepted) throws IOException {
        List<PartFile> parts = new ArrayList<>(accepted);
        parts.sort(Comparator.comparingInt(PartFile::partition));
        Path root = new Path(staging);
        FileSystem fileSystem = root.getFileSystem(withoutChecksumFiles(new Configuration(configuration)));
        List<ArtifactFile> files = new ArrayList<>();
        Set<String> kept = new HashSet<>();
        for (int i = 0; i < parts.size(); i++) {
            PartFile part = parts.get(i);
            String name = partName(i);
            Path source = new Path(staging.resolve(part.attemptPath()));
            Path target = new Path(staging.resolve(name));
            if (!fileSystem.rename(source, target)) {
                throw new CairnException(ErrorCode.STORE_FAILURE, "Cannot rename the Parquet part " + source + " written by Spark to " + target
                        + " in the staging directory " + staging + "; check that the store's file system is writable and retry");
            }
            files.add(new ArtifactFile(name, part.size(), part.sha256()));
            kept.add(name);
        }
        for (FileStatus status : fileSystem.listStatus(root)) {
            if (!kept.contains(status.getPath().getName())) {
                fileSystem.delete(status.getPath(), true);
            }
        }
        return files;
    }

    /** The session's Hadoop settings; local files are written without checksum side files. */
    static Configuration hadoopConfiguration(org.apache.spark.sql.classic.SparkSession session) {
        return withoutChecksumFiles(session.sessionState().newHadoopConf());
    }

    /**
     * {@code configuration} with {@code file:} served by the raw local file system: no {@code .crc} side files are
     * written, and listings show every file (the checksummed one hides them).
     */
    static Configuration withoutChecksumFiles(Configuration configuration) {
        configuration.set("fs.file.impl", RawLocalFileSystem.class.getName());
        configuration.setBoolean("fs.file.impl.disable.cache", true);
        return configuration;
    }

    /**
     * The classic session behind {@code session}, taken by a cast: not through {@code session.emptyDataFrame()}, whose
     * lazy initialisation holds the session's monitor while it builds the session state's analyzer, and deadlocks with a
     * thread that builds that analyzer first (it needs the session's {@code conf}, under the same monitor) — two engine
     * workers loading Datasets on a new session did (SessionFirstUseTest).
     */
    static org.apache.spark.sql.classic.SparkSession classic(SparkSession session) {
        if (session instanceof org.apache.spark.sql.classic.SparkSession classic) {
            return classic;
        }
        throw new CairnException(ErrorCode.MATERIALIZER_FAILED, "A Spark Connect session (" + session.getClass().getName()
                + ") cannot run Cairn's executor jobs: run the pipeline in the Spark driver (spark-submit or a classic SparkSession)");
    }

    static org.apache.spark.sql.classic.Dataset<Row> classic(Dataset<Row> data) {
        if (data instanceof org.apache.spark.sql.classic.Dataset<Row> classic) {
            return classic;
        }
        throw new CairnException(ErrorCode.MATERIALIZER_FAILED, "A Dataset of a Spark Connect session (" + data.getClass().getName()
                + ") cannot be written by Cairn's executors: run the pipeline in the Spark driver (spark-submit or a classic SparkSession)");
    }

    static URI directory(URI uri) {
        String text = uri.toString();
        return text.endsWith("/") ? uri : URI.create(text + "/");
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    /** Reads a file once and returns its size and SHA-256 (lower-case hex). */
    static SizeAndHash hash(FileSystem fileSystem, Path file) throws IOException {
        MessageDigest digest = sha256();
        long size = 0;
        byte[] buffer = new byte[1 << 16];
        TaskContext task = TaskContext.get(); // on an executor: a killed task stops hashing
        try (InputStream in = fileSystem.open(file, buffer.length)) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                if (task != null) {
                    task.killTaskIfInterrupted();
                }
                digest.update(buffer, 0, n);
                size += n;
            }
        }
        return new SizeAndHash(size, HexFormat.of().formatHex(digest.digest()));
    }

    record SizeAndHash(long size, String sha256) {}

    /** The task: writes one partition to its attempt file and reports it. Runs on an executor. */
    private static final class WritePartition implements Function2<Integer, Iterator<InternalRow>, Iterator<PartFile>> {
        private static final long serialVersionUID = 1L;

        private final String staging;
        private final OutputWriterFactory factory;
        private final StructType schema;
        private final Broadcast<SerializableConfiguration> configuration;
        private final boolean writeWhenEmpty;

        WritePartition(String staging, OutputWriterFactory factory, StructType schema, Broadcast<SerializableConfiguration> configuration,
                boolean writeWhenEmpty) {
            this.staging = staging;
            this.factory = factory;
            this.schema = schema;
            this.configuration = configuration;
            this.writeWhenEmpty = writeWhenEmpty;
        }

        @Override
        public Iterator<PartFile> call(Integer partition, Iterator<InternalRow> rows) throws Exception {
            if (!rows.hasNext() && !writeWhenEmpty) {
                return Collections.emptyIterator();
            }
            TaskContext task = TaskContext.get();
            long attemptId = task.taskAttemptId();
            String attemptPath = ATTEMPTS + String.format("part-%05d-%d.parquet", partition, attemptId);
            Configuration conf = new Configuration(configuration.value().value()); // this task's: the broadcast one is shared
            conf.setClassLoader(ExecutorParquetWriter.class.getClassLoader()); // Hadoop finds DigestingFileSystem
            TaskAttemptContextImpl attempt = new TaskAttemptContextImpl(conf,
                    new TaskAttemptID("cairn", task.stageId(), TaskType.MAP, partition, task.attemptNumber()));
            Path file = new Path(URI.create(staging).resolve(attemptPath));
            OutputWriter writer = factory.newInstance(file.toString(), schema, attempt);
            long count = 0;
            try {
                while (rows.hasNext()) {
                    writer.write(rows.next());
                    if (++count % KILL_CHECK_ROWS == 0) {
                        task.killTaskIfInterrupted(); // a cancelled job stops writing even when its tasks are not interrupted
                    }
                }
            } catch (Throwable failure) {
                try {
                    writer.close(); // releases the file; it is an attempt file, deleted with the draft or by the driver
                } catch (Throwable suppressed) {
                    failure.addSuppressed(suppressed);
                } finally {
                    DigestingFileSystem.forget(file);
                }
                throw failure;
            }
            try {
                writer.close();
            } catch (Throwable failure) {
                DigestingFileSystem.forget(file);
                throw failure;
            }
            SizeAndHash written = DigestingFileSystem.written(file); // hashed while Parquet wrote it: no second read
            return List.of(new PartFile(partition, attemptPath, written.size(), written.sha256(), count)).iterator();
        }
    }
}
