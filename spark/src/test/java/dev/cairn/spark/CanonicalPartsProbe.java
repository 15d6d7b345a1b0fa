package dev.cairn.spark;

import java.nio.file.Path;

import org.apache.spark.sql.SparkSession;

import dev.cairn.api.Cairn;
import dev.cairn.api.artifact.ArtifactFile;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunStatus;

/**
 * Child JVM of {@link CanonicalPartsAcrossJvmsTest}: asks for {@code args[1]} identity hash codes first (so that the
 * enum constants Parquet puts in a {@code HashSet} get other ones than in a JVM that asked for none), then writes
 * {@link SparkSteps#generate} in three partitions through Cairn into the home {@code args[0]} and prints the artifact's
 * {@code contentHash=} and {@code parts=} (name, size, sha256 of each part).
 */
public final class CanonicalPartsProbe {
    private CanonicalPartsProbe() {}

    public static void main(String[] args) {
        long sum = 0;
        for (int i = 0, n = Integer.parseInt(args[1]); i < n; i++) {
            sum += System.identityHashCode(new Object());
        }
        SparkSession session = SparkSession.builder().master("local[1]").appName("canonical-parts")
                .config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1")
                .config("spark.ui.enabled", "false").getOrCreate();
        try (Cairn cairn = Cairn.open(Path.of(args[0]))) {
            PipelineRun run = cairn.run(Pipeline.define("canonical_parts", p -> p.call(SparkSteps::generate, Param.of(3))));
            if (run.status() != RunStatus.COMPLETED) {
                throw new IllegalStateException(run.error().orElse("run failed"));
            }
            ArtifactVersion data = run.step("generate").output("output");
            System.out.println("identityHashSum=" + sum);
            System.out.println("contentHash=" + data.contentHash());
            System.out.println("parts=" + data.files().stream().map(ArtifactFile::toString).toList());
        } finally {
            session.stop();
        }
    }
}
