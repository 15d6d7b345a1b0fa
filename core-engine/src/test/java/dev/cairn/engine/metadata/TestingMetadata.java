package dev.cairn.engine.metadata;

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
        return new StepRunRecord(UUID.randomUUID(), run.id(), stepName, position, List.of(upstream), StepStatus.PENDING,
                Optional.empty(), Optional.empty(), Map.of(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    static NewArtifactVersion newVersion(String name) {
        return newVersion(name, Optional.empty());
    }

    static NewArtifactVersion newVersion(String name, String explicitVersion) {
        return newVersion(name, Optional.of(explicitVersion));
    }

    static NewArtifactVersion newVersion(String name, Optional<String> explicitVersion) {
        return new NewArtifactVersion(UUID.randomUUID(), name, explicitVersion, STORE_URI, "java.lang.String", "cairn.string", "1",
                ArtifactType.DATA, "sha256:abc", 3, Map.of(), Optional.empty(), T0, false);
    }

    static URI artifactUri(String name, String version) {
        return URI.create(STORE_URI + "/artifacts/" + name + "/" + version);
    }
}
