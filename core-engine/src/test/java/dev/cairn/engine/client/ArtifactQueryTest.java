package dev.cairn.engine.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.ArtifactFilter;
import dev.cairn.api.artifact.ArtifactPage;
import dev.cairn.api.artifact.ArtifactType;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.artifact.SaveOptions;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Step;
import dev.cairn.engine.metadata.jdbc.ArtifactQueryRepository;
import dev.cairn.engine.metadata.jdbc.ArtifactVersionRepository;
import dev.cairn.engine.metadata.jdbc.ColumnCodec;
import dev.cairn.engine.metadata.sqlite.QueryPlans;
import dev.cairn.engine.metadata.sqlite.SqliteDialect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactQueryTest {
    @TempDir
    Path home;

    private Cairn cairn;

    @BeforeEach
    void open() {
        cairn = Cairn.open(home);
    }

    @AfterEach
    void close() {
        cairn.close();
    }

    private static List<String> versions(ArtifactPage page) {
        return page.versions().stream().map(v -> v.name() + ":" + v.version()).toList();
    }

    public static final class Steps {
        @Step
        public static String train() {
            return "weights";
        }
    }

    @Test
    void filtersCombineOnNameTagTypeProducerTimeAndMetadata() {
        for (int i = 1; i <= 4; i++) {
            cairn.client().save("model-" + i, SaveOptions.named("model").withMetadata("accuracy", 0.8 + i * 0.03).withMetadata("framework", "xgboost-" + i));
        }
        cairn.client().save("rows", SaveOptions.named("dataset").withArtifactType(ArtifactType.DATA).withMetadata("accuracy", 0.99));
        cairn.client().tagVersion("model", "3", "production");
        cairn.client().tagArtifact("dataset", "production");
        cairn.client().logMetadata("model", "4", Map.of("accuracy", 0.5)); // the latest value wins
        Instant middle = cairn.client().getArtifactVersion("model", "2").createdAt();
        cairn.run(Pipeline.define("trainer", p -> p.call(Steps::train)));

        assertThat(versions(cairn.client().listArtifactVersions(ArtifactFilter.name("model"))))
                .containsExactly("model:4", "model:3", "model:2", "model:1");
        assertThat(versions(cairn.client().listArtifactVersions(ArtifactFilter.name("model"), ArtifactFilter.metadata("accuracy").gt(0.85))))
                .containsExactly("model:3", "model:2");
        assertThat(versions(cairn.client().listArtifactVersions(ArtifactFilter.metadata("accuracy").ge(0.89))))
                .containsExactly("dataset:1", "model:3");
        assertThat(versions(cairn.client().listArtifactVersions(ArtifactFilter.metadata("accuracy").lt(0.6)))).containsExactly("model:4");
        assertThat(versions(cairn.client().listArtifactVersions(ArtifactFilter.metadata("framework").eq("xgboost-2")))).containsExactly("model:2");
        assertThat(versions(cairn.client().listArtifactVersions(ArtifactFilter.metadata("framework").contains("boost-"))))
                .containsExactly("model:4", "model:3", "model:2", "model:1");
        assertThat(versions(cairn.client().listArtifactVersions(ArtifactFilter.tag("production")))).containsExactly("dataset:1", "model:3");
        assertThat(versions(cairn.client().listArtifactVersions(ArtifactFilter.tag("production"), ArtifactFilter.name("model"))))
                .containsExactly("model:3");
        assertThat(versions(cairn.client().listArtifactVersions(ArtifactFilter.dataType("java.lang.String"), ArtifactFilter.createdBefore(middle))))
                .containsExactly("model:1");
        assertThat(versions(cairn.client().listArtifactVersions(ArtifactFilter.name("model"), ArtifactFilter.createdAfter(middle))))
                .containsExactly("model:4", "model:3");
        assertThat(versions(cairn.client().listArtifactVersions(ArtifactFilter.producedBy("trainer", "train"))))
                .containsExactly("trainer::train::output:1");
        assertThat(versions(cairn.client().listArtifactVersions(ArtifactFilter.producedBy("trainer", "other")))).isEmpty();
        assertThat(versions(cairn.client().listArtifactVersions(ArtifactFilter.artifactType(ArtifactType.MODEL)))).isEmpty();
        assertThatThrownBy(() -> new ArtifactFilter.MetadataPredicate("k", ArtifactFilter.Comparison.GT, new dev.cairn.api.artifact.MetadataValue.StringValue("x")))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }

    @Test
    void pagesFollowCursorsWithoutGapsOrRepeats() {
        for (int i = 0; i < 25; i++) {
            cairn.client().save(i, "counter");
        }
        List<String> seen = new ArrayList<>();
        Optional<String> cursor = Optional.empty();
        int pages = 0;
        do {
            ArtifactPage page = cursor.isPresent()
                    ? cairn.client().listArtifactVersions(ArtifactFilter.limit(10), ArtifactFilter.after(cursor.get()))
                    : cairn.client().listArtifactVersions(ArtifactFilter.limit(10));
            assertThat(page.versions()).hasSizeLessThanOrEqualTo(10);
            page.versions().forEach(v -> seen.add(v.version()));
            cursor = page.nextCursor();
            pages++;
        } while (cursor.isPresent());

        assertThat(pages).isEqualTo(3);
        Set<String> distinct = new HashSet<>(seen);
        assertThat(seen).hasSize(25);
        assertThat(distinct).hasSize(25);
        assertThat(seen.get(0)).isEqualTo("25");
        assertThat(seen.get(24)).isEqualTo("1");
        assertThatThrownBy(() -> cairn.client().listArtifactVersions(ArtifactFilter.after("not-a-cursor")))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        assertThatThrownBy(() -> ArtifactFilter.limit(0))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }

    /** How the indexes were checked: SQLite's plan for the queries names indexes and never a full scan or a sort. */
    @Test
    void queriesUseIndexesNotScansOrSorts() throws Exception {
        cairn.client().save("x", SaveOptions.named("model").withMetadata("accuracy", 0.9));
        ArtifactQueryRepository queries = new ArtifactQueryRepository(new ArtifactVersionRepository(SqliteDialect.INSTANCE, new ColumnCodec()), new ColumnCodec());
        List<List<ArtifactFilter>> cases = List.of(
                List.of(ArtifactFilter.limit(50)),
                List.of(ArtifactFilter.metadata("accuracy").gt(0.85), ArtifactFilter.limit(20)),
                List.of(ArtifactFilter.tag("production")),
                List.of(ArtifactFilter.name("model"), ArtifactFilter.after("1_00000000-0000-0000-0000-000000000000")));
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("metadata.db"))) {
            for (List<ArtifactFilter> filters : cases) {
                ArtifactQueryRepository.Query query = queries.build(filters);
                List<String> plan = QueryPlans.plan(connection, query);
                // a table is only ever searched through an index, or walked in the order of the creation index; "SCAN m" walks
                // a metadata predicate's window (CO-ROUTINE m: the key's newest rows, searched in logged_metadata_by_key_creation)
                assertThat(plan).as(filters + ": " + plan).filteredOn(line -> line.startsWith("SCAN"))
                        .allMatch(line -> line.contains("USING INDEX artifact_versions_by_creation") || line.contains("COVERING INDEX")
                                || line.equals("SCAN m") && plan.contains("CO-ROUTINE m"));
                assertThat(String.join("\n", plan)).as(filters.toString()).contains("INDEX");
            }
            // without a selective filter, the newest-first order comes from the index: no sort of all versions
            List<String> plan = QueryPlans.plan(connection, queries.build(List.of(ArtifactFilter.limit(50))));
            assertThat(plan).as(plan.toString()).noneMatch(line -> line.contains("TEMP B-TREE")).anyMatch(line -> line.contains("artifact_versions_by_creation"));
        }
    }
}
