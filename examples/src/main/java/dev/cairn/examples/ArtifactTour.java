package dev.cairn.examples;

import static java.util.Objects.requireNonNull;

import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnConfiguration;
import dev.cairn.api.Client;
import dev.cairn.api.artifact.ArtifactFilter;
import dev.cairn.api.artifact.ArtifactPage;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.artifact.MetadataValue;
import dev.cairn.api.artifact.SaveOptions;
import dev.cairn.api.run.PipelineRun;

/**
 * Artifacts as a first-class API, outside pipelines: save versions with tags and metadata, log more metadata later,
 * query by metadata, point an alias at the best version and move an exclusive tag to it, load through the alias, and
 * export a version to a folder and import it back. Run it with {@code java -cp ... dev.cairn.examples.ArtifactTour [home]}.
 */
public final class ArtifactTour {
    /** The artifact the tour saves its candidate "models" under. */
    public static final String MODEL_NAME = "tour_model";

    private ArtifactTour() {}

    public static void main(String[] args) throws Exception {
        Path home = args.length > 0 ? Path.of(args[0]) : CairnConfiguration.defaultHome();
        PrintWriter out = new PrintWriter(System.out, true, Charset.defaultCharset());
        try (Cairn cairn = Cairn.open(home)) {
            tour(cairn, out);
        }
    }

    /** A candidate model: a regularization strength and the weights fitted with it. */
    public record Candidate(double regularization, List<Double> weights) {}

    /** Runs the tour on {@code cairn}'s stores and returns the version the {@code champion} alias points at. */
    public static ArtifactVersion tour(Cairn cairn, PrintWriter out) throws Exception {
        requireNonNull(cairn, "cairn is null");
        requireNonNull(out, "out is null");
        Client client = cairn.client();

        // 1. Save three versions with tags and typed metadata (no pipeline, no run).
        double[] strengths = {0.01, 0.1, 1.0};
        double[] accuracies = {0.82, 0.91, 0.87};
        for (int i = 0; i < strengths.length; i++) {
            Candidate candidate = new Candidate(strengths[i], List.of(0.5 - strengths[i], 1.5, -0.25 * i));
            ArtifactVersion saved = client.save(candidate, SaveOptions.named(MODEL_NAME).withTags("tour", "candidate")
                    .withMetadata("regularization", strengths[i]));
            // 2. Log metadata afterwards, e.g. once an evaluation finished: typed values, stored with their type.
            client.logMetadata(saved.id(), Map.of("accuracy", accuracies[i], "evaluated_on", MetadataValue.Dimensions.of(200, 3)));
            out.printf("saved %s:%s tags=%s%n", saved.name(), saved.version(), saved.tags());
        }

        // 3. Query by metadata (indexed; newest first, cursor-paginated).
        ArtifactPage good = client.listArtifactVersions(ArtifactFilter.name(MODEL_NAME), ArtifactFilter.metadata("accuracy").gt(0.85));
        out.printf("versions of %s with accuracy > 0.85: %s%n", MODEL_NAME, good.versions().stream().map(ArtifactVersion::version).toList());

        // 4. Alias the best one and move the exclusive 'production' tag to it.
        ArtifactVersion best = good.versions().stream()
                .max(Comparator.comparingDouble(v -> ((MetadataValue.NumberValue) v.loggedMetadata().get("accuracy")).value().doubleValue()))
                .orElseThrow();
        client.setAlias(MODEL_NAME, "champion", best.version());
        client.tagVersionExclusively(MODEL_NAME, best.version(), "production");

        // 5. Load through the alias, typed.
        ArtifactVersion champion = client.getArtifactVersion(MODEL_NAME + "@champion");
        Candidate loaded = champion.load(Candidate.class);
        out.printf("%s@champion -> %s:%s regularization=%s tags=%s%n", MODEL_NAME, champion.name(), champion.version(), loaded.regularization(),
                champion.tags());

        // 6. Export the champion to a folder (hashes checked) and import it back as a new artifact.
        Path folder = Files.createTempDirectory("cairn-tour-").resolve("champion");
        try {
            client.exportVersion(champion.id(), folder);
            ArtifactVersion imported = client.importVersion(folder, SaveOptions.named(MODEL_NAME + "_imported").withTags("imported"));
            out.printf("exported to %s and imported as %s:%s (same content hash: %s)%n", folder, imported.name(), imported.version(),
                    imported.contentHash().equals(champion.contentHash()));
        } finally {
            deleteRecursively(folder.getParent());
        }
        return champion;
    }

    /**
     * What {@code ./cairn quickstart} does with its XGBoost model after the model pipeline ran: records the evaluation's
     * RMSE on the model version as metadata, points the {@code champion} alias at it, moves the exclusive
     * {@code production} tag to it, and lists the tagged models with an RMSE below 15 (the model carries the
     * {@code quickstart} tag from its {@code @Step(tags = ...)}).
     */
    public static ArtifactVersion promoteQuickstartModel(Cairn cairn, PipelineRun modelTraining, PrintWriter out) {
        Client client = cairn.client();
        ArtifactVersion model = modelTraining.step(ModelSteps::trainXGBoost).output("output");
        double rmse = modelTraining.step(ModelSteps::evaluateXGBoost).output("output").load(Double.class);
        client.logMetadata(model.id(), Map.of("rmse", rmse));
        client.setAlias(model.name(), "champion", model.version());
        client.tagVersionExclusively(model.name(), model.version(), "production");
        ArtifactPage tagged = client.listArtifactVersions(ArtifactFilter.tag("quickstart"), ArtifactFilter.metadata("rmse").lt(15));
        out.printf("%s:%s rmse=%.4f tags=%s aliases=%s; quickstart models with rmse < 15: %s%n", model.name(), model.version(), rmse,
                client.getArtifactVersion(model.id()).tags(), client.getArtifactVersion(model.id()).aliases(),
                tagged.versions().stream().map(v -> v.name() + ":" + v.version()).toList());
        return client.getArtifactVersion(model.id());
    }

    private static void deleteRecursively(Path root) throws java.io.IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var walk = Files.walk(root)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
