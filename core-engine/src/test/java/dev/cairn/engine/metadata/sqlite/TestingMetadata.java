package dev.cairn.engine.metadata.sqlite;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.cairn.api.artifact.ArtifactType;
import dev.cairn.api.metadata.NewArtifactVersion;
import dev.cairn.api.metadata.PipelineRunRecord;
import dev.cairn.api.metadata.StepRunRecord;
import dev.cairn.api.run.RunStatus;
import dev.cairn.api.run.StepStatus;

/** Records for metadata store tests, with every required field filled. */
final class TestingMetadata {
    static final URI STORE_URI = URI.create("file:///tmp/cairn-store");
    /** An instant with nanoseconds, to show that times are stored exactly. */
    static final Instant T0 = Instant.parse("2025-03-04T05:06:07.123456789Z");

    private TestingMetadata() {}

    static PipelineRunRecord run(String pipeline, Instant startedAt) {
        return new PipelineRunRecord(UUID.randomUUID(), pipeline, RunStatus.RUNNING, startedAt, Optional.empty(), Map.of(), Optional.empty());
    }

    static StepRunRecord stepRun(PipelineRunRecord run, String stepName, int position, String... upstream) {
        return StepRunRecord.builder().id(UUID.randomUUID()).runId(run.id()).stepName(stepName).position(position)
                .upstreamSteps(List.of(upstream)).status(StepStatus.PENDING).build();
    }

    static NewArtifactVersion newVersion(String name) {
        return newVersion(name, Optional.empty());
    }

    static NewArtifactVersion newVersion(String name, String explicitVersion) {
        return newVersion(name, Optional.of(explicitVersion));
    }

    static NewArtifactVersion newVersion(String name, Optional<String> explicitVersion) {
        return NewArtifactVersion.builder().id(UUID.randomUUID()).name(name).explicitVersion(explicitVersion).storeUri(STORE_URI)
                .dataType("java.lang.String").materializerId("cairn.string").materializerVersion("1").artifactType(ArtifactType.DATA)
                .contentHash("sha256:abc").size(3).createdAt(T0).build();
    }

    static URI artifactUri(String name, String version) {
        return URI.create(STORE_URI + "/artifacts/" + name + "/" + version);
    }
}
