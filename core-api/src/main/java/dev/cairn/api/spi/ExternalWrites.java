package dev.cairn.api.spi;

import java.io.IOException;
import java.net.URI;
import java.util.List;

import org.apiguardian.api.API;

import dev.cairn.api.artifact.ArtifactFile;

/**
 * An optional capability of a draft: other processes (Spark executors, a Hadoop job) write files straight into the
 * draft's staging directory, and {@link #adopt} then makes them files of the draft, committed with it atomically.
 * {@link ArtifactDraft#externalWrites()} offers it at the store level, {@link ArtifactWriter#externalWrites()} at the
 * materializer level (where adopted files also enter the manifest and the content hash). A store that cannot offer a
 * directory such writers can reach returns {@link java.util.Optional#empty()}, and a materializer that needs it refuses
 * with {@code CONFIGURATION}, naming the store.
 *
 * <p>What callers may rely on: {@link #stagingDirectory()} exists when it is returned, and lives exactly as long as
 * the draft: {@link ArtifactDraft#commit} moves it into place with everything in it, and closing an uncommitted draft
 * deletes it with everything external writers put there (files of failed or duplicate task attempts included). Files
 * written there but never adopted are not part of the artifact (not in its manifest, not hashed): the writer deletes
 * them before the commit. Not thread-safe, like the draft.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public interface ExternalWrites {
    /**
     * The draft's staging directory as an absolute, hierarchical URI ending with {@code /} that Hadoop's
     * {@code FileSystem} can create files under ({@code file:}, {@code hdfs:}, {@code s3a:}, …) with the store's
     * configuration; never {@code null}. External writers create files at {@link RelativePaths} paths below it, never
     * under {@code .cairn/}.
     */
    URI stagingDirectory();

    /**
     * Makes {@code files} (paths relative to {@link #stagingDirectory()}, their sizes and SHA-256s as the writers
     * computed them) files of the draft. The store checks that each one is a regular file of exactly that size and
     * refuses with {@code INTEGRITY_VIOLATION} naming the file otherwise; a path that breaks {@link RelativePaths} or
     * lies under {@code .cairn/} is {@code PATH_OUTSIDE_STORE}; a path adopted or created twice, or a committed or
     * closed draft, is {@code INVALID_ARGUMENT}. Nothing is adopted when it fails.
     */
    void adopt(List<ArtifactFile> files) throws IOException;
}
