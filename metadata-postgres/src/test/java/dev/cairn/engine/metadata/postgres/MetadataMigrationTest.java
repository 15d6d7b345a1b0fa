package dev.cairn.engine.metadata.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnException;
import dev.cairn.api.artifact.AliasMove;
import dev.cairn.api.artifact.ArtifactFilter;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.artifact.SaveOptions;
import dev.cairn.api.lineage.Lineage;
import dev.cairn.api.lineage.LineageNode;
import dev.cairn.api.metadata.ArtifactDeletion;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunStatus;
import dev.cairn.api.run.StepStatus;
import dev.cairn.engine.metadata.jdbc.MetadataCopy;
import dev.cairn.engine.metadata.sqlite.SqliteMetadataStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code MetadataCopy} from a real SQLite home into a real PostgreSQL database: every table arrives, Cairn opened on the
 * server with the same artifact store sees the runs, cache hits, lineage, tags, aliases and metadata; a second copy
 * changes nothing; a conflicting target is refused naming the row, and nothing is committed.
 */
class MetadataMigrationTest {
    @TempDir
    Path dir;

    public static final class Steps {
        @Step
        public static int produce(int seed) {
            return seed * 2;
        }

        @Step
        public static int consume(int value) {
            return value + 1;
        }

        @Step
        public static int explode(int value) {
            throw new IllegalStateException("boom on " + value);
        }
    }

    static final Pipeline TRAIN = Pipeline.define("train", p -> p.call(Steps::consume, p.call(Steps::produce, Param.of(21))));
    static final Pipeline FAILING = Pipeline.define("failing", p -> p.call(Steps::explode, p.call(Steps::produce, Param.of(1))));

    private record Home(Path home, URI store, PipelineRun first, PipelineRun cached, PipelineRun failed, List<String> runOrder,
            List<AliasMove> history, UUID tombstone) {}

    private Home buildHome() {
        Path home = dir.resolve("home");
        PipelineRun first;
        PipelineRun cached;
        PipelineRun failed;
        List<String> runOrder;
        List<AliasMove> history;
        UUID scratch;
        try (Cairn cairn = Cairn.builder().home(home).build()) {
            first = cairn.run(TRAIN);
            cached = cairn.run(TRAIN);
            assertThat(cached.step("consume").status()).isEqualTo(StepStatus.CACHED);
            failed = cairn.run(FAILING);
            assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
            for (int i = 1; i <= 3; i++) {
                cairn.client().save("weights-" + i, SaveOptions.named("model").withMetadata("accuracy", 0.8 + i * 0.05));
            }
            cairn.client().tagArtifact("model", "team-a");
            cairn.client().tagVersion("model", "2", "production");
            cairn.client().setAlias("model", "champion", "1");
            cairn.client().setAlias("model", "champion", "3");
            cairn.client().logMetadata("model", "3", Map.of("accuracy", 0.97, "note", "best so far"));
            cairn.client().logRunMetadata(first.id(), Map.of("owner", "team-a"));
            scratch = cairn.client().save("scratch", "scratch").id();
            history = cairn.client().aliasHistory("model", "champion");
            runOrder = cairn.client().listRuns().stream().map(run -> run.id().toString()).toList();
        }
        try (SqliteMetadataStore store = SqliteMetadataStore.open(home.resolve("metadata.db"))) {
            // a prune that stopped after its metadata transaction leaves a tombstone; the migration must carry it
            assertThat(store.deleteArtifactVersions(List.of(scratch), false, Instant.EPOCH, true)).hasSize(1);
        }
        return new Home(home, home.resolve("store").toUri(), first, cached, failed, runOrder, history, scratch);
    }

    private static MetadataCopy.Report migrate(Path home, URI target, List<String> lines) {
        try (SqliteMetadataStore from = SqliteMetadataStore.open(home.resolve("metadata.db")); PostgresMetadataStore to = PostgresMetadataStore.open(target)) {
            return MetadataCopy.copy(from, to, lines::add);
        }
    }

    @Test
    void aHomeMigratedToPostgresKeepsRunsCacheHitsLineageTagsAliasesAndMetadata() {
        Home source = buildHome();
        URI target = TestingPostgres.server().newDatabase();
        List<String> lines = new ArrayList<>();
        MetadataCopy.Report report = migrate(source.home(), target, lines);

        assertThat(report.tables()).extracting(MetadataCopy.TableCount::table).containsExactly("pipelines", "pipeline_runs", "step_runs",
                "artifact_versions", "visualizations", "step_inputs", "step_outputs", "artifact_deletions", "artifact_tags", "version_tags",
                "artifact_aliases", "artifact_alias_moves", "logged_metadata", "retired_artifact_versions");
        assertThat(report.tables()).allSatisfy(table -> {
            assertThat(table.copied()).as(table.table()).isEqualTo(table.source());
            assertThat(table.verified()).as(table.table()).isEqualTo(table.source());
        });
        assertThat(report.tables()).filteredOn(table -> !table.table().equals("visualizations"))
                .allSatisfy(table -> assertThat(table.source()).as("the home has rows in " + table.table()).isPositive());
        assertThat(count(target, "pipeline_runs")).isEqualTo(3);
        assertThat(lines).hasSize(14).allSatisfy(line -> assertThat(line).contains("verified"));

        MetadataCopy.Report again = migrate(source.home(), target, new ArrayList<>());
        assertThat(again.copied()).as("a second migration changes nothing").isZero();
        assertThat(again.tables()).allSatisfy(table -> assertThat(table.alreadyPresent()).isEqualTo(table.source()));
        assertThat(count(target, "pipeline_runs")).isEqualTo(3);
        assertThat(count(target, "logged_metadata")).isEqualTo(report.tables().get(12).source());

        try (PostgresMetadataStore store = PostgresMetadataStore.open(target)) {
            assertThat(store.listArtifactDeletions()).extracting(ArtifactDeletion::id).containsExactly(source.tombstone());
        }
        try (Cairn cairn = Cairn.builder().home(dir.resolve("server-home")).metadata(target).artifactStore(source.store()).build()) {
            assertThat(cairn.client().listRuns().stream().map(run -> run.id().toString()).toList()).as("same runs, same order")
                    .isEqualTo(source.runOrder());
            assertThat(cairn.client().save("again", "scratch").version()).as("the pruned scratch:1 stays retired on the server").isEqualTo("2");
            PipelineRun failed = cairn.client().getPipelineRun(source.failed().id());
            assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
            assertThat(failed.step("explode").error()).hasValueSatisfying(error -> assertThat(error).contains("boom on 2"));
            PipelineRun cached = cairn.client().getPipelineRun(source.cached().id());
            assertThat(cached.step("consume").cachedFrom()).contains(source.first().step("consume").id());

            PipelineRun rerun = cairn.run(TRAIN);
            assertThat(rerun.step("produce").status()).as("a cache hit on a result computed before the migration").isEqualTo(StepStatus.CACHED);
            assertThat(rerun.step("consume").cachedFrom()).contains(source.first().step("consume").id());
            assertThat((Integer) rerun.step("consume").output("output").load()).isEqualTo(43);

            ArtifactVersion consumed = source.first().step("consume").output("output");
            Lineage lineage = cairn.client().lineage(cairn.client().getArtifactVersion(consumed.name(), consumed.version()));
            assertThat(lineage.upstream(lineage.root())).extracting(LineageNode::id)
                    .contains(source.first().step("produce").output("output").id(), source.first().step("consume").id(),
                            source.first().step("produce").id());

            assertThat(cairn.client().listArtifactVersions(ArtifactFilter.tag("production")).versions()).extracting(ArtifactVersion::version)
                    .containsExactly("2");
            assertThat(cairn.client().listArtifactVersions(ArtifactFilter.name("model"), ArtifactFilter.metadata("accuracy").gt(0.9)).versions())
                    .extracting(ArtifactVersion::version).containsExactly("3");
            assertThat(cairn.client().getArtifactVersion("model", "3").loggedMetadata()).containsKeys("accuracy", "note");
            assertThat(cairn.client().getRunMetadata(source.first().id())).containsKey("owner");
            assertThat(cairn.client().getArtifactVersion("model", "3").aliases()).containsExactly("champion");
            assertThat(cairn.client().aliasHistory("model", "champion")).isEqualTo(source.history());
            assertThat((String) cairn.client().getArtifactVersion("model", "3").load()).isEqualTo("weights-3");
            assertThat(cairn.client().save("weights-4", "model").version()).as("numbering continues after the copied versions").isEqualTo("4");
        }
    }

    @Test
    void aHomeThatGainedRunsIsMigratedAgainAddingOnlyTheNewRows() {
        Home source = buildHome();
        URI target = TestingPostgres.server().newDatabase();
        MetadataCopy.Report first = migrate(source.home(), target, new ArrayList<>());
        PipelineRun later;
        try (Cairn cairn = Cairn.builder().home(source.home()).build()) {
            later = cairn.run(Pipeline.define("later", p -> p.call(Steps::produce, Param.of(5))));
        }
        MetadataCopy.Report second = migrate(source.home(), target, new ArrayList<>());
        assertThat(second.tables()).filteredOn(table -> table.table().equals("pipeline_runs")).singleElement()
                .satisfies(table -> assertThat(table.copied()).isEqualTo(1))
                .satisfies(table -> assertThat(table.alreadyPresent()).isEqualTo(3));
        for (String table : List.of("pipelines", "step_runs", "artifact_versions", "step_outputs")) {
            assertThat(second.tables()).filteredOn(count -> count.table().equals(table)).singleElement()
                    .satisfies(count -> assertThat(count.copied()).as(table).isEqualTo(1));
        }
        assertThat(second.copied()).as("only the rows the home gained").isEqualTo(second.source() - first.source());
        try (Cairn cairn = Cairn.builder().home(dir.resolve("server-home")).metadata(target).artifactStore(source.store()).build()) {
            assertThat((Integer) cairn.client().getPipelineRun(later.id()).step("produce").output("output").load()).isEqualTo(10);
        }
    }

    @Test
    void aTargetHoldingOtherContentUnderTheSameIdsIsRefusedNamingTheFirstConflictAndNothingIsCopied() throws Exception {
        Home source = buildHome();
        URI target = TestingPostgres.server().newDatabase();
        migrate(source.home(), target, new ArrayList<>());
        String database = target.getPath().substring(1);
        TestingPostgres.server().sql(database, "UPDATE pipeline_runs SET status = 'CANCELLED' WHERE id = '" + source.failed().id() + "'",
                "DELETE FROM logged_metadata");
        assertThatThrownBy(() -> migrate(source.home(), target, new ArrayList<>())).isInstanceOfSatisfying(CairnException.class,
                e -> assertThat(e.getMessage()).contains("pipeline_runs (id=" + source.failed().id() + ")", "column status", "'CANCELLED'",
                        "'FAILED'", "Nothing was copied"));
        assertThat(count(target, "logged_metadata")).as("the refused copy committed nothing").isZero();

        URI other = TestingPostgres.server().newDatabase();
        try (Cairn cairn = Cairn.builder().home(dir.resolve("other")).metadata(other).artifactStore(dir.resolve("other-store").toUri()).build()) {
            cairn.client().save("someone else's", "model");
        }
        assertThatThrownBy(() -> migrate(source.home(), other, new ArrayList<>())).isInstanceOfSatisfying(CairnException.class,
                e -> assertThat(e.getMessage()).contains("artifact version model:1", "Nothing was copied"));
        assertThat(count(other, "pipeline_runs")).isZero();
    }

    private static long count(URI database, String table) {
        try (Connection connection = TestingPostgres.server().connect(database.getPath().substring(1));
                Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rows.next();
            return rows.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
