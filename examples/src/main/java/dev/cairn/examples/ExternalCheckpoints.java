package dev.cairn.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnConfiguration;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;

/**
 * Registers checkpoints written by a training loop that knows nothing about Cairn: after each epoch the loop writes
 * {@code <store>/checkpoints/<run>/epoch-<n>/} (weights and a small JSON state file) and the checkpoint folder is
 * registered, without a copy, as the next version of {@value #ARTIFACT_NAME}. A pipeline then evaluates the latest
 * checkpoint through {@code p.artifact(...)}, which loads it as a local {@link Path}.
 *
 * <pre>java -cp … dev.cairn.examples.ExternalCheckpoints [epochs]</pre>
 */
public final class ExternalCheckpoints {
    public static final String ARTIFACT_NAME = "external_checkpoint";

    private ExternalCheckpoints() {}

    public static void main(String[] args) {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Path home = CairnConfiguration.defaultHome();
        try (Cairn cairn = Cairn.open(home)) {
            List<ArtifactVersion> registered = trainAndRegister(cairn, home.resolve("store"), "run-" + System.currentTimeMillis(), epochs);
            registered.forEach(v -> System.out.printf("registered %s:%s  %s  %d bytes%n", v.name(), v.version(), v.uri(), v.size()));
            PipelineRun run = cairn.run(evaluation());
            System.out.printf("evaluated the latest checkpoint: mean weight %.4f (%s)%n", (double) run.step("meanWeight").output("output").load(), run.status());
        }
    }

    /** The external training loop: writes one checkpoint folder per epoch and registers each one. */
    public static List<ArtifactVersion> trainAndRegister(Cairn cairn, Path storeRoot, String runName, int epochs) {
        List<ArtifactVersion> versions = new ArrayList<>();
        double[] weights = new double[1024];
        for (int epoch = 1; epoch <= epochs; epoch++) {
            for (int i = 0; i < weights.length; i++) {
                weights[i] += 0.01 * Math.sin(i + epoch);
            }
            Path checkpoint = storeRoot.resolve("checkpoints").resolve(runName).resolve("epoch-" + epoch);
            writeCheckpoint(checkpoint, weights, epoch);
            versions.add(cairn.client().registerArtifact(checkpoint.toUri(), ARTIFACT_NAME));
        }
        return versions;
    }

    private static void writeCheckpoint(Path directory, double[] weights, int epoch) {
        ByteBuffer buffer = ByteBuffer.allocate(weights.length * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (double weight : weights) {
            buffer.putDouble(weight);
        }
        try {
            Files.createDirectories(directory);
            Files.write(directory.resolve("weights.bin"), buffer.array());
            Files.writeString(directory.resolve("state.json"), String.format(Locale.ROOT, "{\"epoch\": %d, \"size\": %d}%n", epoch, weights.length));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write checkpoint " + directory, e);
        }
    }

    /** A pipeline over the latest registered checkpoint. */
    public static Pipeline evaluation() {
        return Pipeline.define("evaluate_checkpoint", p -> p.call(CheckpointSteps::meanWeight, p.artifact(ARTIFACT_NAME)));
    }

    public static final class CheckpointSteps {
        private CheckpointSteps() {}

        /** Reads the checkpoint's weights from the local copy Cairn made. */
        @Step
        public static double meanWeight(Path checkpoint) throws IOException {
            ByteBuffer buffer = ByteBuffer.wrap(Files.readAllBytes(checkpoint.resolve("weights.bin"))).order(ByteOrder.LITTLE_ENDIAN);
            double sum = 0;
            int count = 0;
            while (buffer.hasRemaining()) {
                sum += buffer.getDouble();
                count++;
            }
            return count == 0 ? 0 : sum / count;
        }
    }
}
