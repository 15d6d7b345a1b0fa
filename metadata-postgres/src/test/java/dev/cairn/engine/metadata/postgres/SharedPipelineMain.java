package dev.cairn.engine.metadata.postgres;

import java.net.URI;
import java.nio.file.Path;

import dev.cairn.api.Cairn;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;

/** A child process of {@link SharedStackTest}: runs {@link #PIPELINE} on its own home against a shared stack. */
public final class SharedPipelineMain {
    private SharedPipelineMain() {}

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

    static final Pipeline PIPELINE = Pipeline.define("shared", p -> p.call(Steps::consume, p.call(Steps::produce, Param.of(21))));

    /** Arguments: home, metadata URI, artifact store URI. Prints the run id. */
    public static void main(String[] args) {
        try (Cairn cairn = Cairn.builder().home(Path.of(args[0])).metadata(URI.create(args[1])).artifactStore(URI.create(args[2])).build()) {
            PipelineRun run = cairn.run(PIPELINE);
            System.out.println(run.id());
        }
    }
}
