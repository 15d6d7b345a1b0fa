package dev.cairn.engine.metadata.jdbc;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import org.apiguardian.api.API;

/**
 * How artifact and store URIs are written to the metadata database: a {@code file:} URI inside the directory that holds
 * an embedded database (the Cairn home) is stored relative to it ({@code ./store/artifacts/…}) and resolved against
 * wherever that directory is now, so a copied home ({@code cp -a home backup}) refers to its own files, never to the
 * original's, and a moved home keeps working. Every other URI is stored as it is. Text that is not an absolute URI
 * never came from Cairn otherwise, so old absolute rows and new relative ones read back unambiguously. Thread-safe.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class StoredLocations {
    /** Stores every URI as it is (a server database shared by many homes). */
    public static final StoredLocations ABSOLUTE = new StoredLocations(Optional.empty());

    private static final String RELATIVE_PREFIX = "./";

    private final Optional<URI> base;

    private StoredLocations(Optional<URI> base) {
        this.base = base;
    }

    /** Stores {@code file:} URIs inside {@code directory} relative to it. */
    public static StoredLocations relativeTo(Path directory) {
        URI uri = requireNonNull(directory, "directory is null").toAbsolutePath().normalize().toUri();
        return new StoredLocations(Optional.of(uri.toString().endsWith("/") ? uri : URI.create(uri + "/")));
    }

    /** The text stored for {@code uri}. */
    public String store(URI uri) {
        requireNonNull(uri, "uri is null");
        if (base.isEmpty() || !"file".equalsIgnoreCase(uri.getScheme()) || uri.isOpaque() || uri.getRawPath() == null) {
            return uri.toString();
        }
        String basePath = base.get().getRawPath();
        String path = uri.getRawPath();
        if (!path.startsWith(basePath) || uri.getRawQuery() != null || uri.getRawFragment() != null
                || (uri.getAuthority() != null && !uri.getAuthority().isEmpty())) {
            return uri.toString();
        }
        return RELATIVE_PREFIX + path.substring(basePath.length());
    }

    /** The URI stored as {@code text}: relative text resolved against the directory where the database is now. */
    public URI load(String text) {
        requireNonNull(text, "text is null");
        URI stored = URI.create(text);
        if (stored.isAbsolute() || base.isEmpty()) {
            return stored;
        }
        return base.get().resolve(stored);
    }

    /** Whether any of {@code columns} ({@code table.column}) still holds an absolute {@code file:} URI inside the directory. */
    public boolean hasAbsoluteInside(SqlSession session, List<String> columns) throws SQLException {
        if (base.isEmpty()) {
            return false;
        }
        String path = base.get().getRawPath();
        for (String prefix : List.of("file:" + path, "file://" + path)) {
            for (String column : columns) {
                String table = column.substring(0, column.indexOf('.'));
                String name = column.substring(column.indexOf('.') + 1);
                boolean found = session.first("SELECT 1 FROM " + table + " WHERE substr(" + name + ", 1, ?) = ? LIMIT 1", statement -> {
                    statement.setInt(1, prefix.length());
                    statement.setString(2, prefix);
                }, row -> true).isPresent();
                if (found) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Rewrites the absolute {@code file:} URIs inside the directory (as an older Cairn wrote them) in the relative form,
     * in {@code columns} ({@code table.column}) — the migration of existing homes. Idempotent; nothing to do without a
     * directory. Returns the number of values changed.
     */
    public int relativizeExisting(SqlSession session, List<String> columns) throws SQLException {
        if (base.isEmpty()) {
            return 0;
        }
        String path = base.get().getRawPath();
        int changed = 0;
        for (String prefix : List.of("file:" + path, "file://" + path)) {
            for (String column : columns) {
                String table = column.substring(0, column.indexOf('.'));
                String name = column.substring(column.indexOf('.') + 1);
                // substr and length count characters on both SQLite and PostgreSQL; the prefix is ASCII (percent-encoded)
                changed += session.update("UPDATE " + table + " SET " + name + " = '" + RELATIVE_PREFIX + "' || substr(" + name + ", ?)"
                        + " WHERE substr(" + name + ", 1, ?) = ?", statement -> {
                            statement.setInt(1, prefix.length() + 1);
                            statement.setInt(2, prefix.length());
                            statement.setString(3, prefix);
                        });
            }
        }
        return changed;
    }
}
