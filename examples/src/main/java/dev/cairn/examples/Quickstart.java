package dev.cairn.examples;

import java.util.List;

import dev.cairn.api.Cairn;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunStatus;
import dev.cairn.examples.QuickstartSteps.Enriched;
import dev.cairn.examples.TrainingSteps.LinearModel;

/** Runs the example pipelines on the embedded defaults ({@code $CAIRN_HOME} or {@code ./.cairn}) and prints what they stored. */
public final class Quickstart {
    private Quickstart() {}

    public static void main(String[] args) {
        try (Cairn cairn = Cairn.open()) {
            for (Pipeline pipeline : ExamplePipelines.quickstart()) {
                PipelineRun run = cairn.run(pipeline);
                System.out.printf("%s run %s: %s%n", run.pipelineName(), run.id(), run.status());
                if (run.status() != RunStatus.COMPLETED) {
                    System.out.println(run.error().orElse(""));
                    System.exit(1);
                }
            }
            PipelineRun training = cairn.client().listRuns("training_pipeline").get(0);
            List<Enriched> train = training.step("splitDataset").output("trainData").load();
            System.out.println("training rows: " + train.size());
            ArtifactVersion model = cairn.client().getArtifactVersion("trained_model");
            LinearModel loaded = model.load();
            System.out.printf("trained_model version %s (%s, %s): bias %.3f%n", model.version(), model.materializerId(), model.uri(), loaded.bias());
        }
    }
}
