package dev.cairn.engine.metadata.sqlite;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.metadata.MetadataStore;
import dev.cairn.api.spi.MetadataStoreProvider;
import dev.cairn.api.spi.StoreContext;
import org.apiguardian.api.API;

/**
 * Opens the embedded SQLite metadata store for {@code sqlite:} URIs: {@code sqlite:/abs/path/metadata.db},
 * {@code sqlite:///abs/path/metadata.db}, or {@code sqlite:relative/metadata.db} resolved against the Cairn home.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class SqliteMetadataStoreProvider implements MetadataStoreProvider {
    public static final String SCHEME = "sqlite";

    @Override
    public Set<String> schemes() {
        return Set.of(SCHEME);
    }

    @Override
    public MetadataStore open(URI uri, StoreContext context) {
        return SqliteMetadataStore.open(databaseFile(uri, context.cairnHome()));
    }

    /**
     * The database file named by {@code uri}; a relative path resolves against {@code home}.
     *
     * @throws CairnException {@code CONFIGURATION} naming the URI when it is not a {@code sqlite:} URI with a path, or
     *     is relative without a home
     */
    public static Path databaseFile(URI uri, Optional<Path> home) {
        requireNonNull(uri, "uri is null");
        requireNonNull(home, "home is null");
        if (uri.getScheme() == null || !SCHEME.equals(uri.getScheme().toLowerCase(Locale.ROOT))) {
            throw invalid(uri, "its scheme is not 'sqlite'");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || (uri.getAuthority() != null && !uri.getAuthority().isEmpty())) {
            throw invalid(uri, "it has a host, query or fragment; SQLite metadata is a local file");
        }
        String path = uri.isOpaque() ? uri.getSchemeSpecificPart() : uri.getPath();
        if (path == null || path.isBlank()) {
            throw invalid(uri, "it names no database file");
        }
        Path file;
        try {
            file = Path.of(path);
        } catch (InvalidPathException e) {
            throw invalid(uri, "'" + path + "' is not a valid path (" + e.getReason() + ")");
        }
        if (file.isAbsolute()) {
            return file.normalize();
        }
        return home.map(h -> h.resolve(file).toAbsolutePath().normalize())
                .orElseThrow(() -> invalid(uri, "the path is relative and there is no Cairn home to resolve it against"));
    }

    private static CairnException invalid(URI uri, String why) {
        return new CairnException(ErrorCode.CONFIGURATION, "Metadata URI '" + uri + "' is not usable: " + why
                + ". Use sqlite:/absolute/path/metadata.db or sqlite:path/relative/to/home/metadata.db");
    }
}
