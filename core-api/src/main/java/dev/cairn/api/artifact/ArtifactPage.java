package dev.cairn.api.artifact;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

import org.apiguardian.api.API;

/**
 * One page of a query: the versions, newest first, and the cursor of the next page (empty on the last page).
 *
 * @param versions the versions of this page
 * @param nextCursor pass to {@link ArtifactFilter#after(String)} for the next page
 */
@API(status = API.Status.STABLE, since = "0.1")
public record ArtifactPage(List<ArtifactVersion> versions, Optional<String> nextCursor) {
    public ArtifactPage {
        versions = List.copyOf(requireNonNull(versions, "versions is null"));
        requireNonNull(nextCursor, "nextCursor is null");
    }
}
