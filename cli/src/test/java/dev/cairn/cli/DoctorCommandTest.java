package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.api.Cairn;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.cli.CliRun.Result;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scenario 19 of issue #12: {@code cairn doctor} checks the metadata against manifests and files. */
class DoctorCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    private Result cli(String... args) {
        return CliRun.inHome(home, args);
    }

    @BeforeEach
    void quickstart() {
        assertThat(cli("quickstart").exitCode()).isZero();
    }

    @Test
    void aHealthyHomeHasNoFindings() throws Exception {
        Result text = cli("doctor");
        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(text.out()).containsPattern("\\d+ versions and \\d+ store directories checked: no problems");
        Map<String, Object> json = JSON.readValue(cli("doctor", "--json").out(), new TypeReference<>() {});
        assertThat(json.get("healthy")).isEqualTo(true);
        assertThat((int) json.get("versions")).isPositive().isEqualTo(json.get("directories"));
        assertThat((List<?>) json.get("findings")).isEmpty();
    }

    @Test
    void reportsMissingFilesHashMismatchesAndOrphans() throws Exception {
        List<ArtifactVersion> versions;
        try (Cairn cairn = Cairn.open(home)) {
            versions = cairn.client().listArtifactVersions().stream().filter(v -> "file".equals(v.uri().getScheme())).toList();
        }
        assertThat(versions.size()).isGreaterThanOrEqualTo(3);
        ArtifactVersion corrupted = versions.get(0);
        ArtifactVersion deleted = versions.get(1);
        ArtifactVersion fileGone = versions.get(2);
        Path corruptedFile = Files.walk(Path.of(corrupted.uri())).filter(Files::isRegularFile)
                .filter(f -> !f.toString().contains(".cairn")).findFirst().orElseThrow();
        byte[] bytes = Files.readAllBytes(corruptedFile);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(corruptedFile, bytes);
        deleteTree(Path.of(deleted.uri()));
        Path goneFile = Files.walk(Path.of(fileGone.uri())).filter(Files::isRegularFile)
                .filter(f -> !f.toString().contains(".cairn")).findFirst().orElseThrow();
        Files.delete(goneFile);
        Path orphan = Files.createDirectories(home.resolve("store/artifacts/stray/7-0badc0de"));
        Files.writeString(orphan.resolve("data.json"), "[]");

        Result result = cli("doctor", "--json");
        assertThat(result.exitCode()).as(result.err()).isEqualTo(1);
        Map<String, Object> json = JSON.readValue(result.out(), new TypeReference<>() {});
        assertThat(json.get("healthy")).isEqualTo(false);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> findings = (List<Map<String, Object>>) json.get("findings");
        assertThat(findings).extracting(f -> f.get("kind") + " " + f.getOrDefault("artifact", "-")).containsExactlyInAnyOrder(
                "corrupted " + corrupted.name() + ":" + corrupted.version(),
                "missing " + deleted.name() + ":" + deleted.version(),
                "missing " + fileGone.name() + ":" + fileGone.version(),
                "orphan -");
        assertThat(findings).filteredOn(f -> f.get("kind").equals("orphan")).singleElement()
                .satisfies(f -> assertThat(Path.of(java.net.URI.create((String) f.get("location")))).isEqualTo(orphan));

        Result text = cli("doctor");
        assertThat(text.exitCode()).isEqualTo(1);
        assertThat(text.out()).contains("4 problems").contains("corrupted  " + corrupted.name() + ":" + corrupted.version());
        assertThat(orphan).isDirectory(); // doctor only reads
    }

    private static void deleteTree(Path root) throws Exception {
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    @Test
    void rebuildRecordsEveryVersionFromTheManifestsAndNeverOverwritesMetadata() throws Exception {
        List<String> before;
        try (Cairn cairn = Cairn.open(home)) {
            before = cairn.client().listArtifactVersions().stream().filter(v -> v.uri().getPath().contains("/store/artifacts/"))
                    .map(v -> v.id() + " " + v.name() + ":" + v.version() + " " + v.contentHash()).sorted().toList();
        }
        assertThat(before).isNotEmpty();
        Result refused = cli("doctor", "--rebuild");
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).startsWith("error [CONFIGURATION]").contains("never overwrites metadata");

        for (String suffix : List.of("", "-wal", "-shm")) {
            Files.deleteIfExists(home.resolve("metadata.db" + suffix));
        }
        Result rebuilt = cli("doctor", "--rebuild");
        assertThat(rebuilt.exitCode()).as(rebuilt.out() + rebuilt.err()).isZero();
        assertThat(rebuilt.out()).contains("rebuilt " + before.size() + " versions");

        try (Cairn cairn = Cairn.open(home)) {
            List<String> after = cairn.client().listArtifactVersions().stream()
                    .map(v -> v.id() + " " + v.name() + ":" + v.version() + " " + v.contentHash()).sorted().toList();
            assertThat(after).isEqualTo(before);
            ArtifactVersion model = cairn.client().getArtifactVersion("trained_model");
            model.verify();
            assertThat((Object) model.load()).isNotNull();
            ArtifactVersion next = cairn.client().save(List.of(1, 2), dev.cairn.api.artifact.SaveOptions.named("trained_model")
                    .withType(new dev.cairn.api.artifact.TypeRef<List<Integer>>() {}));
            assertThat(Long.parseLong(next.version())).isEqualTo(Long.parseLong(model.version()) + 1);
        }
        assertThat(cli("doctor").exitCode()).isZero();
    }

    /**
     * "Producers where recorded": every step output's manifest names its producing step run, run, pipeline, output and the
     * step's inputs, so a rebuild restores the producer of each version, the step's outputs and inputs (lineage) and the
     * visualizations; the rebuilt runs say that their status is unknown.
     */
    @Test
    void rebuildRestoresProducersLineageAndVisualizations() throws Exception {
        Map<java.util.UUID, String> before = lineage();
        assertThat(before.values()).as("quickstart's outputs have producers").anyMatch(line -> line.contains("produced by"));
        assertThat(before.values()).as("and inputs").anyMatch(line -> line.contains("inputs [") && !line.contains("inputs []"));
        for (String suffix : List.of("", "-wal", "-shm")) {
            Files.deleteIfExists(home.resolve("metadata.db" + suffix));
        }
        Result rebuilt = cli("doctor", "--rebuild", "--json");
        assertThat(rebuilt.exitCode()).as(rebuilt.out() + rebuilt.err()).isZero();
        Map<String, Object> json = JSON.readValue(rebuilt.out(), new TypeReference<>() {});
        assertThat((int) json.get("runs")).isPositive();
        assertThat((List<?>) json.get("skipped")).isEmpty();

        Map<java.util.UUID, String> after = lineage();
        assertThat(after.keySet()).isEqualTo(before.keySet());
        before.forEach((id, line) -> assertThat(after.get(id)).as("version %s after the rebuild", id).isEqualTo(line));
        try (dev.cairn.engine.metadata.sqlite.SqliteMetadataStore metadata = dev.cairn.engine.metadata.sqlite.SqliteMetadataStore.open(home.resolve("metadata.db"))) {
            assertThat(metadata.listRuns(java.util.Optional.empty())).isNotEmpty().allSatisfy(run -> {
                assertThat(run.status()).isEqualTo(dev.cairn.api.run.RunStatus.FAILED);
                assertThat(run.error()).hasValueSatisfying(error -> assertThat(error).startsWith("Status unknown").contains("doctor --rebuild"));
            });
        }
        assertThat(cli("doctor").exitCode()).isZero();
    }

    /** For each version in the store: its producer (step, run, pipeline), the producer's outputs and inputs, its visualizations. */
    private Map<java.util.UUID, String> lineage() {
        Map<java.util.UUID, String> lines = new java.util.TreeMap<>();
        try (dev.cairn.engine.metadata.sqlite.SqliteMetadataStore metadata = dev.cairn.engine.metadata.sqlite.SqliteMetadataStore.open(home.resolve("metadata.db"))) {
            for (dev.cairn.api.metadata.ArtifactVersionRecord version : metadata.listArtifactVersions()) {
                if (version.uri().isEmpty() || !version.uri().get().getPath().contains("/store/artifacts/")) {
                    continue;
                }
                StringBuilder line = new StringBuilder(version.name() + ":" + version.version());
                version.producerStepRunId().ifPresent(stepRunId -> {
                    dev.cairn.api.metadata.StepRunRecord step = metadata.findStepRun(stepRunId).orElseThrow();
                    dev.cairn.api.metadata.PipelineRunRecord run = metadata.findRun(step.runId()).orElseThrow();
                    line.append(" produced by ").append(step.id()).append(' ').append(step.stepName()).append(" at ").append(step.position())
                            .append(" after ").append(step.upstreamSteps())
                            .append(" in run ").append(run.id()).append(" of ").append(run.pipelineName())
                            .append(" outputs ").append(metadata.listStepOutputs(stepRunId).stream()
                                    .map(o -> o.name() + "=" + o.artifactId()).sorted().toList())
                            .append(" inputs ").append(metadata.listStepInputs(stepRunId).stream()
                                    .map(i -> i.name() + "=" + i.artifactId() + "/" + i.kind()).sorted().toList());
                });
                line.append(" visualizations ").append(metadata.listVisualizations(version.id()).stream()
                        .map(v -> v.name() + "/" + v.type() + "/" + java.util.Arrays.hashCode(v.content())).toList());
                lines.put(version.id(), line.toString());
            }
        }
        return lines;
    }
}
