package dev.cairn.it;

import java.net.URI;
import java.nio.file.Path;

import dev.cairn.api.Cairn;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;

/**
 * A child JVM of {@link SharedPostgresHdfsStackTest} on its own home, sharing a PostgreSQL metadata store and an
 * {@code hdfs://} artifact store. {@code run}: runs {@link #PIPELINE} and prints the run id and each step's status.
 * {@code load NAME VERSION}: prints the value of that artifact version and the run that produced it.
 */
public final class SharedStackMain {
    private SharedStackMain() {}

    public static final class Steps {
        @Step
        public static int produce(int seed) {
            return seed * 2;
        }

        @Step
        public static int consume(int value) {
            return value + 1;
        }
    }

    static final Pipeline PIPELINE = Pipeline.define("shared-hdfs", p -> p.call(Steps::consume, p.call(Steps::produce, Param.of(21))));

    /** Arguments: home, metadata URI, artifact store URI, then {@code run} or {@code load NAME VERSION}. */
    public static void main(String[] args) {
        try (Cairn cairn = Cairn.builder().home(Path.of(args[0])).metadata(URI.create(args[1])).artifactStore(URI.create(args[2])).build()) {
            if (args[3].equals("run")) {
                PipelineRun run = cairn.run(PIPELINE);
                System.out.println(run.id() + " " + run.step("produce").status() + " " + run.step("consume").status());
            } else {
                ArtifactVersion version = cairn.client().getArtifactVersion(args[4], args[5]);
                Object value = version.load();
                System.out.println(value + " " + version.producerStepRunId().map(Object::toString).orElse("none") + " " + version.uri());
            }
        }
    }
}
