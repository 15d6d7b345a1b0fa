package dev.cairn.engine.metadata.sqlite;

import static dev.cairn.engine.metadata.sqlite.TestingMetadata.artifactUri;
import static dev.cairn.engine.metadata.sqlite.TestingMetadata.newVersion;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.cairn.api.artifact.ArtifactFilter;
import dev.cairn.api.artifact.MetadataValue;
import dev.cairn.api.metadata.ArtifactVersionRecord;
import dev.cairn.api.metadata.MetadataStore.CommittedArtifact;
import dev.cairn.api.metadata.MetadataTarget;
import dev.cairn.engine.metadata.jdbc.ArtifactQueryRepository;
import dev.cairn.engine.metadata.jdbc.ArtifactVersionRepository;
import dev.cairn.engine.metadata.jdbc.ColumnCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pages of a tag filter and of a metadata predicate (the first page and those after a cursor) are read in the order
 * of V14's indexes {@code version_tags_by_tag_creation} and {@code logged_metadata_by_key_creation}, never by reading
 * every match and sorting (SQLite's {@code USE TEMP B-TREE FOR ORDER BY}), which made a tag page grow from 0.57 to
 * 21.4 ms between 20,000 and 200,000 versions ({@code MetadataScaleBenchmark}).
 */
class TagAndMetadataPageQueryPlanTest {
    private static final String CURSOR = "1_00000000-0000-0000-0000-000000000000";

    @TempDir
    Path dir;

    @Test
    void tagAndMetadataPagesAreReadInIndexOrderWithoutASort() throws Exception {
        Path file = dir.resolve("metadata.db");
        try (SqliteMetadataStore store = SqliteMetadataStore.open(file)) {
            for (int i = 1; i <= 3; i++) {
                ArtifactVersionRecord reserved = store.reserveArtifactVersion(newVersion("model"));
                store.commitArtifactVersion(new CommittedArtifact(reserved.id(), artifactUri("model", reserved.version()), List.of()));
                store.tagArtifactVersion(reserved.id(), List.of("production"), false);
                store.logMetadata(MetadataTarget.ARTIFACT_VERSION, reserved.id(),
                        Map.of("accuracy", new MetadataValue.NumberValue(0.9 + i / 100.0), "owner", new MetadataValue.StringValue("team-" + i)),
                        Instant.EPOCH);
            }
            var page = store.queryArtifactVersions(List.of(ArtifactFilter.tag("production"), ArtifactFilter.limit(2)));
            assertThat(page.versions()).hasSize(2);
            assertThat(store.queryArtifactVersions(List.of(ArtifactFilter.tag("production"), ArtifactFilter.after(page.nextCursor().orElseThrow())))
                    .versions()).hasSize(1);
            assertThat(store.queryArtifactVersions(List.of(ArtifactFilter.metadata("accuracy").gt(0.915))).versions()).hasSize(2);
        }
        ArtifactQueryRepository queries = new ArtifactQueryRepository(new ArtifactVersionRepository(SqliteDialect.INSTANCE, new ColumnCodec()),
                new ColumnCodec());
        List<List<ArtifactFilter>> tagCases = List.of(List.of(ArtifactFilter.tag("production")),
                List.of(ArtifactFilter.tag("production"), ArtifactFilter.after(CURSOR)),
                List.of(ArtifactFilter.tag("production"), ArtifactFilter.name("model"), ArtifactFilter.metadata("accuracy").gt(0.9)));
        List<List<ArtifactFilter>> metadataCases = List.of(List.of(ArtifactFilter.metadata("accuracy").gt(0.9)),
                List.of(ArtifactFilter.metadata("accuracy").ge(0.99), ArtifactFilter.after(CURSOR)),
                List.of(ArtifactFilter.metadata("accuracy").eq(0.91), ArtifactFilter.limit(10)),
                List.of(ArtifactFilter.metadata("owner").eq("team-1")),
                List.of(ArtifactFilter.metadata("owner").contains("team"), ArtifactFilter.name("model"), ArtifactFilter.after(CURSOR)));
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            for (List<ArtifactFilter> filters : tagCases) {
                List<String> plan = plan(connection, queries.build(filters));
                assertThat(plan).as(filters + ": " + plan).anyMatch(line -> line.contains("version_tags_by_tag_creation"))
                        .noneMatch(line -> line.contains("TEMP B-TREE"));
            }
            for (List<ArtifactFilter> filters : metadataCases) {
                List<String> plan = plan(connection, queries.build(filters));
                assertThat(plan).as(filters + ": " + plan).anyMatch(line -> line.contains("logged_metadata_by_key_creation"))
                        .noneMatch(line -> line.contains("TEMP B-TREE"));
                ArtifactQueryRepository.Query ordered = queries.build(filters).ordered().orElse(null);
                if (ordered != null) { // a number predicate: past the window, the read goes on in the same order
                    List<String> orderedPlan = plan(connection, ordered);
                    assertThat(orderedPlan).as(filters + ": " + orderedPlan).anyMatch(line -> line.contains("logged_metadata_by_key_creation"))
                            .noneMatch(line -> line.contains("TEMP B-TREE"));
                }
            }
            // names tagged as a whole: each arm (the version tags, then each name) is read in index order with its own
            // LIMIT, and the merge sorts only an arm's at most limit + 1 rows (a sort right after "SCAN q<arm>"), never a table
            List<String> plan = plan(connection, queries.build(List.of(ArtifactFilter.tag("production")), List.of("data", "model")));
            assertThat(plan).as(plan.toString()).anyMatch(line -> line.contains("version_tags_by_tag_creation"))
                    .anyMatch(line -> line.contains("artifact_versions_by_name_creation"));
            for (int i = 0; i < plan.size(); i++) {
                if (plan.get(i).contains("TEMP B-TREE")) {
                    assertThat(i > 0 && plan.get(i - 1).matches("SCAN q[0-9]+")).as(plan.toString()).isTrue();
                }
            }
        }
    }

    private static List<String> plan(Connection connection, ArtifactQueryRepository.Query query) throws Exception {
        return QueryPlans.plan(connection, query);
    }
}
