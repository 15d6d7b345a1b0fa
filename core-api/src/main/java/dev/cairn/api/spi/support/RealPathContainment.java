package dev.cairn.api.spi.support;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * Checks that a local path lies inside a store root <em>as the file system resolves it</em>, symbolic links included,
 * for stores on a local file system: a lexical check ({@code ArtifactStore#checkInside}'s default) lets a link planted
 * inside the root ({@code root/link -> /etc}) lead reads, writes and deletions out of it.
 *
 * <p>The path's deepest ancestor that exists is resolved with {@link Path#toRealPath}, the names below it are appended
 * unchanged (they do not exist, so no link can hide in them), and the result is compared, name by name, with the real
 * path of the root (or of the root's deepest existing ancestor while the root does not exist yet). A dangling link on
 * the way is refused, since writing through it would create its target wherever it points. The check is a snapshot:
 * a link created after it returns is not seen, so a store that shares its root with untrusted writers must still open
 * files without following links. Stateless and thread-safe.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class RealPathContainment {
    private RealPathContainment() {}

    /**
     * {@code path} with every symbolic link on its existing part resolved; the part that does not exist yet is appended
     * as given. {@code path} is made absolute and normalised first.
     *
     * @throws IOException when an existing ancestor cannot be resolved, such as a dangling link (a
     *     {@link java.nio.file.NoSuchFileException} naming it)
     */
    public static Path resolveExisting(Path path) throws IOException {
        Path absolute = requireNonNull(path, "path is null").toAbsolutePath().normalize();
        Path existing = absolute;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return absolute; // not even the file system root exists: nothing to resolve
        }
        Path real = existing.toRealPath(); // a dangling link fails here with NoSuchFileException
        return real.resolve(existing.relativize(absolute).toString()).normalize();
    }

    /** True when {@code path}, with links resolved ({@link #resolveExisting}), is {@code root} or lies inside it, also resolved. */
    public static boolean isInside(Path root, Path path) throws IOException {
        return resolveExisting(path).startsWith(resolveExisting(requireNonNull(root, "root is null")));
    }

    /**
     * Returns {@code path} with links resolved when it is {@code root} or lies inside it; otherwise fails with
     * {@code PATH_OUTSIDE_STORE}, naming {@code uri} (the path as the caller knows it), the store's {@code storeRoot},
     * and where the path really leads.
     *
     * @param root the store's root directory (it need not exist yet)
     * @param path the local path to check, absolute or relative to the working directory
     * @param uri the same location as the store's URI, for the message
     * @param storeRoot the store's root URI, for the message
     */
    public static Path requireInside(Path root, Path path, URI uri, URI storeRoot) {
        requireNonNull(root, "root is null");
        requireNonNull(path, "path is null");
        requireNonNull(uri, "uri is null");
        requireNonNull(storeRoot, "storeRoot is null");
        Path realRoot;
        Path real;
        try {
            realRoot = resolveExisting(root);
            real = resolveExisting(path);
        } catch (IOException e) {
            throw refused(uri, storeRoot, "a symbolic link on its way cannot be resolved (" + e + ")", e);
        }
        if (!real.startsWith(realRoot)) {
            throw refused(uri, storeRoot, "with symbolic links resolved it is " + real + ", outside the root's real path " + realRoot
                    + " (a symbolic link inside the store leads out of it; remove the link)", null);
        }
        return real;
    }

    private static CairnException refused(URI uri, URI storeRoot, String reason, @Nullable Throwable cause) {
        return new CairnException(ErrorCode.PATH_OUTSIDE_STORE, "URI " + uri + " is refused by the artifact store " + storeRoot + ": " + reason, cause);
    }
}
