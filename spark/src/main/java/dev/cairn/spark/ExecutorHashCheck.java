package dev.cairn.spark;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.util.Iterator;
import java.util.List;

import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.SerializableConfiguration;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.ArtifactFile;

/** Checks the files of an artifact against their recorded sizes and SHA-256s in a Spark job: executors re-hash in parallel. */
final class ExecutorHashCheck {
    private static final int SHOWN_PROBLEMS = 5;

    private ExecutorHashCheck() {}

    /** An expected file, as shipped to the executors. */
    record Expected(String path, long size, String sha256) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /**
     * Re-hashes every file under {@code directory} on the executors.
     *
     * @throws CairnException {@code INTEGRITY_VIOLATION} naming the files that are missing or do not match
     */
    static void verify(SparkSession session, URI directory, List<ArtifactFile> files, String artifactName) {
        if (files.isEmpty()) {
            return;
        }
        org.apache.spark.sql.classic.SparkSession classic = ExecutorParquetWriter.classic(session);
        JavaSparkContext context = JavaSparkContext.fromSparkContext(classic.sparkContext());
        Broadcast<SerializableConfiguration> configuration = context.broadcast(
                new SerializableConfiguration(ExecutorParquetWriter.hadoopConfiguration(classic)));
        List<String> problems;
        String previousDescription = classic.sparkContext().getLocalProperty("spark.job.description");
        classic.sparkContext().setJobDescription("Cairn: verify artifact " + artifactName);
        try {
            List<Expected> expected = files.stream().map(file -> new Expected(file.path(), file.size(), file.sha256())).toList();
            int slices = Math.max(1, Math.min(expected.size(), context.defaultParallelism() * 4));
            String base = ExecutorParquetWriter.directory(directory).toString();
            problems = CancellableJobs.collect(context.parallelize(expected, slices).flatMap(new CheckFile(base, configuration)),
                    "Verifying artifact " + artifactName + " at " + directory, ErrorCode.STORE_FAILURE);
        } finally {
            classic.sparkContext().setJobDescription(previousDescription);
            CancellableJobs.destroy(configuration);
        }
        if (!problems.isEmpty()) {
            throw new CairnException(ErrorCode.INTEGRITY_VIOLATION, "Artifact " + artifactName + " at " + directory + " failed verification: "
                    + problems.size() + " of its " + files.size() + " files do not match its manifest: "
                    + String.join("; ", problems.subList(0, Math.min(SHOWN_PROBLEMS, problems.size())))
                    + (problems.size() > SHOWN_PROBLEMS ? "; …" : "") + ". The data was changed outside Cairn: write the artifact again.");
        }
    }

    /** The task: re-hashes one file and reports a problem, if any. Runs on an executor. */
    private static final class CheckFile implements FlatMapFunction<Expected, String> {
        private static final long serialVersionUID = 1L;

        private final String base;
        private final Broadcast<SerializableConfiguration> configuration;

        CheckFile(String base, Broadcast<SerializableConfiguration> configuration) {
            this.base = base;
            this.configuration = configuration;
        }

        @Override
        public Iterator<String> call(Expected file) throws IOException {
            Path path;
            try {
                path = new Path(URI.create(base).resolve(new URI(null, null, file.path(), null)));
            } catch (java.net.URISyntaxException e) {
                return List.of("file '" + file.path() + "' has an invalid path").iterator();
            }
            ExecutorParquetWriter.SizeAndHash found;
            try {
                found = ExecutorParquetWriter.hash(path.getFileSystem(configuration.value().value()), path);
            } catch (FileNotFoundException e) {
                return List.of("file " + path + " is missing").iterator();
            }
            if (found.size() != file.size() || !found.sha256().equals(file.sha256())) {
                return List.of("file " + path + " is corrupted (expected " + file.size() + " bytes with SHA-256 " + file.sha256() + ", found "
                        + found.size() + " bytes with SHA-256 " + found.sha256() + ")").iterator();
            }
            return java.util.Collections.emptyIterator();
        }
    }
}
