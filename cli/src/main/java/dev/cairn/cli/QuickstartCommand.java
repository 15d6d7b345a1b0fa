package dev.cairn.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import dev.cairn.api.Cairn;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunOptions;
import dev.cairn.api.run.RunStatus;
import dev.cairn.examples.ArtifactTour;
import dev.cairn.examples.ExamplePipelines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

@Command(name = "quickstart", description = "Run the example pipelines (simple, training, dynamic naming, inference, XGBoost and Tribuo→ONNX model training and inference) on the embedded defaults.")
final class QuickstartCommand implements Callable<Integer> {
    @Mixin(name = "home")
    HomeOption home;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.println("Cairn home: " + home.home());
        try (Cairn cairn = home.open()) {
            List<Pipeline> pipelines = new ArrayList<>(ExamplePipelines.quickstart());
            pipelines.addAll(ExamplePipelines.models());
            for (Pipeline pipeline : pipelines) {
                PipelineRun run = cairn.run(pipeline, RunOptions.withListener(new ProgressPrinter(out)));
                if (run.status() != RunStatus.COMPLETED) {
                    return 1;
                }
                if (pipeline.name().equals(ExamplePipelines.modelTraining().name())) {
                    // the inference pipeline loads xgboost_model@champion: point the alias at the model just trained
                    out.println();
                    out.println("Model metadata, alias and tags:");
                    ArtifactTour.promoteQuickstartModel(cairn, run, out);
                    out.println();
                }
            }
            out.println();
            out.println("Artifacts stored:");
            cairn.client().listArtifactNames().forEach(name -> {
                var latest = cairn.client().getArtifactVersion(name);
                out.printf("  %s:%s  %s  (%s)%n", latest.name(), latest.version(), latest.dataType(), latest.materializerId());
            });
            out.println();
            out.println("Next: ./cairn runs list   ./cairn artifact show xgboost_model@champion   ./cairn artifacts list --tag quickstart --where 'rmse<15'");
        }
        return 0;
    }
}
