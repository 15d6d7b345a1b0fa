package dev.cairn.api;

import java.util.List;
import java.util.UUID;

import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.run.PipelineRun;
import org.apiguardian.api.API;

/** Reads what the engine recorded: runs, steps and artifact versions. Thread-safe. */
@API(status = API.Status.STABLE, since = "0.1")
public interface Client {
    /** @throws CairnException {@code RUN_NOT_FOUND} */
    PipelineRun getPipelineRun(UUID runId);

    /** Accepts a full UUID or a unique prefix of one. @throws CairnException {@code RUN_NOT_FOUND} */
    PipelineRun getPipelineRun(String runId);

    /** Runs of a pipeline, newest first. */
    List<PipelineRun> listRuns(String pipelineName);

    /** All runs, newest first. */
    List<PipelineRun> listRuns();

    /** The latest version of {@code name}. @throws CairnException {@code ARTIFACT_NOT_FOUND} */
    ArtifactVersion getArtifactVersion(String name);

    /** Version {@code version} of {@code name}. @throws CairnException {@code ARTIFACT_NOT_FOUND} */
    ArtifactVersion getArtifactVersion(String name, String version);

    /** The artifact version with this id. @throws CairnException {@code ARTIFACT_NOT_FOUND} */
    ArtifactVersion getArtifactVersion(UUID id);

    /** All versions of {@code name}, oldest first; empty if none. */
    List<ArtifactVersion> listArtifactVersions(String name);

    /** Every artifact version, newest first. */
    List<ArtifactVersion> listArtifactVersions();

    /** Distinct artifact names, sorted. */
    List<String> listArtifactNames();

    /**
     * The lineage of an artifact version: the step run and pipeline run that produced it, the artifacts it was
     * derived from (transitively) with their producers, and the step runs that consumed it and what they derived
     * from it (transitively), including loads made through the client inside steps.
     */
    dev.cairn.api.lineage.Lineage lineage(ArtifactVersion artifactVersion);

    /** The DAG of a run's step runs (edges between steps, statuses on the nodes). */
    dev.cairn.api.lineage.Lineage runGraph(UUID runId);
}
