package dev.cairn.engine.metadata.sqlite;

import static dev.cairn.engine.metadata.sqlite.TestingMetadata.artifactUri;
import static dev.cairn.engine.metadata.sqlite.TestingMetadata.newVersion;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;

import dev.cairn.api.artifact.ArtifactFilter;
import dev.cairn.api.metadata.ArtifactVersionRecord;
import dev.cairn.api.metadata.MetadataStore.CommittedArtifact;
import dev.cairn.engine.metadata.jdbc.ArtifactQueryRepository;
import dev.cairn.engine.metadata.jdbc.ArtifactVersionRepository;
import dev.cairn.engine.metadata.jdbc.ColumnCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first page of one name's versions (newest first, and the pages after a cursor) is read in the order of V11's index
 * {@code artifact_versions_by_name_creation}, never by sorting all of the name's versions, which took 1.9 s per page for a
 * name with 100,000 versions ({@code MetadataScaleBenchmark}).
 */
class NamePageQueryPlanTest {
    @TempDir
    Path dir;

    @Test
    void aNamesPagesAreReadInIndexOrderWithoutASort() throws Exception {
        Path file = dir.resolve("metadata.db");
        try (SqliteMetadataStore store = SqliteMetadataStore.open(file)) {
            for (int i = 1; i <= 3; i++) {
                ArtifactVersionRecord reserved = store.reserveArtifactVersion(newVersion("model"));
                store.commitArtifactVersion(new CommittedArtifact(reserved.id(), artifactUri("model", reserved.version()), List.of()));
            }
            var page = store.queryArtifactVersions(List.of(ArtifactFilter.name("model"), ArtifactFilter.limit(2)));
            assertThat(page.versions()).hasSize(2).extracting(ArtifactVersionRecord::name).containsOnly("model");
            assertThat(page.nextCursor()).isPresent();
        }
        ArtifactQueryRepository queries = new ArtifactQueryRepository(new ArtifactVersionRepository(SqliteDialect.INSTANCE, new ColumnCodec()),
                new ColumnCodec());
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            for (List<ArtifactFilter> filters : List.of(List.of(ArtifactFilter.name("model")),
                    List.of(ArtifactFilter.name("model"), ArtifactFilter.after("1_00000000-0000-0000-0000-000000000000")))) {
                ArtifactQueryRepository.Query query = queries.build(filters);
                List<String> plan = QueryPlans.plan(connection, query);
                assertThat(plan).as(filters + ": " + plan).anyMatch(line -> line.contains("artifact_versions_by_name_creation"))
                        .noneMatch(line -> line.contains("TEMP B-TREE"));
            }
        }
    }
}
