package dev.cairn.api.lifecycle;

import static java.util.Objects.requireNonNull;

import java.util.List;

import org.apiguardian.api.API;

/**
 * What a prune deleted (or, for a dry run, would delete).
 *
 * @param dryRun true when nothing was deleted
 * @param versions the unused artifact versions deleted (or that would be), in deletion order
 * @param bytes total data bytes of {@code versions}
 * @param pendingVersions reserved ({@code PENDING}) versions older than the threshold that were removed
 * @param abandonedDrafts staging drafts removed from the stores
 * @param resumedDeletions deletions left unfinished by an earlier prune that this one finished
 * @param errors files that could not be deleted (only with {@code ignoreErrors}); each stays queued for the next prune
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2")
public record PruneReport(
        boolean dryRun,
        List<PrunedVersion> versions,
        long bytes,
        int pendingVersions,
        int abandonedDrafts,
        int resumedDeletions,
        List<String> errors) {
    public PruneReport {
        versions = List.copyOf(requireNonNull(versions, "versions is null"));
        errors = List.copyOf(requireNonNull(errors, "errors is null"));
    }

    /** One pruned artifact version. */
    @API(status = API.Status.EXPERIMENTAL, since = "0.2")
    public record PrunedVersion(java.util.UUID id, String name, String version, java.net.URI uri, long size, boolean registered) {
        public PrunedVersion {
            requireNonNull(id, "id is null");
            requireNonNull(name, "name is null");
            requireNonNull(version, "version is null");
            requireNonNull(uri, "uri is null");
        }
    }
}
