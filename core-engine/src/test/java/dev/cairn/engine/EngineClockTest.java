package dev.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnConfiguration;
import dev.cairn.api.artifact.ArtifactType;
import dev.cairn.api.lifecycle.PruneOptions;
import dev.cairn.api.metadata.NewArtifactVersion;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.engine.metadata.sqlite.SqliteMetadataStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine takes its time from the injected clock, not from the system clock. */
class EngineClockTest {
    public static final class Steps {
        @Step
        public static String upper(String text) {
            return text.toUpperCase(java.util.Locale.ROOT);
        }
    }

    @TempDir
    Path home;

    @Test
    void runsArtifactsAndPruneCutOffsFollowTheEngineClock() {
        Clock threeDaysAhead = Clock.offset(Clock.systemUTC(), Duration.ofDays(3));
        CairnConfiguration configuration = Cairn.builder().home(home).configuration();
        UUID reservedNow = UUID.randomUUID();
        try (SqliteMetadataStore other = SqliteMetadataStore.open(home.resolve("metadata.db"))) {
            // another process reserved a version a moment ago (by the real clock) and is still writing it
            other.reserveArtifactVersion(NewArtifactVersion.builder().id(reservedNow).name("writing").storeUri(home.resolve("store").toUri())
                    .dataType("java.lang.String").materializerId("cairn.json").materializerVersion("1").artifactType(ArtifactType.DATA)
                    .contentHash("0".repeat(64)).createdAt(Instant.now()).build());
        }

        try (Cairn cairn = new CairnEngineProvider().open(configuration, threeDaysAhead)) {
            PipelineRun run = cairn.run(Pipeline.define("clocked", p -> p.call(Steps::upper, Param.of("a"))));

            Instant twoDaysAhead = Instant.now().plus(Duration.ofDays(2));
            assertThat(run.startedAt()).isAfter(twoDaysAhead);
            assertThat(run.step("upper").output("output").createdAt()).isAfter(twoDaysAhead);
            // by the engine's clock the reservation is three days old, past the default 24 h
            assertThat(cairn.client().prune(PruneOptions.defaults()).pendingVersions()).isEqualTo(1);
        }
    }

    @Test
    void theDefaultEngineUsesTheSystemClock() {
        try (Cairn cairn = Cairn.builder().home(home).build()) {
            Instant before = Instant.now();
            PipelineRun run = cairn.run(Pipeline.define("clocked", p -> p.call(Steps::upper, Param.of("a"))));

            assertThat(run.startedAt()).isBetween(before, Instant.now());
        }
    }
}
