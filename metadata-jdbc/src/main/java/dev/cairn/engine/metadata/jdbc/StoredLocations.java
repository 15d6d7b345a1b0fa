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
    public static final StoredLocations ABSOLUTE = new StoredLocations(List.of());

    private static final String RELATIVE_PREFIX = "./";

    /** The directory's real path (links resolved) when it exists: relative text is resolved against it. */
    private final Optional<URI> base;
    /** Every form of the directory a {@code file:} URI inside it may start with: its real path, then the path as given. */
    private final List<URI> bases;

    private StoredLocations(List<URI> bases) {
        this.base = bases.stream().findFirst();
        this.bases = List.copyOf(bases);
    }

    /**
     * Stores {@code file:} URIs inside {@code directory} relative to it. A directory reached through a symbolic link is
     * known by its real path too (the local store records its files by real path), so a home opened through a link
     * still stores its locations relative to itself; relative text is resolved against the real path.
     */
    public static StoredLocations relativeTo(Path directory) {
        Path absolute = requireNonNull(directory, "directory is null").toAbsolutePath().normalize();
        List<URI> bases = new java.util.ArrayList<>(2);
        try {
            bases.add(directoryUri(absolute.toRealPath()));
        } catch (java.io.IOException e) {
            // not there yet: only the path as given
        }
        URI given = directoryUri(absolute);
        if (!bases.contains(given)) {
            bases.add(given);
        }
        return new StoredLocations(bases);
    }

    private static URI directoryUri(Path directory) {
        URI uri = directory.toUri();
        return uri.toString().endsWith("/") ? uri : URI.create(uri + "/");
    }

    /** The text stored for {@code uri}. */
    public String store(URI uri) {
        requireNonNull(uri, "uri is null");
        if (base.isEmpty() || !"file".equalsIgnoreCase(uri.getScheme()) || uri.isOpaque() || uri.getRawPath() == null
                || uri.getRawQuery() != null || uri.getRawFragment() != null
                || (uri.getAuthority() != null && !uri.getAuthority().isEmpty())) {
            return uri.toString();
        }
        String path = uri.getRawPath();
        for (URI candidate : bases) {
            String basePath = candidate.getRawPath();
            if (path.startsWith(basePath)) {
                return RELATIVE_PREFIX + path.substring(basePath.length());
            }
        }
        return uri.toString();
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
        for (String prefix : absolutePrefixes()) {
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
        int changed = 0;
        for (String prefix : absolutePrefixes()) {
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

    /** The forms an absolute {@code file:} URI inside the directory starts with (none without a directory). */
    private List<String> absolutePrefixes() {
        List<String> prefixes = new java.util.ArrayList<>();
        for (URI candidate : bases) {
            prefixes.add("file:" + candidate.getRawPath());
            prefixes.add("file://" + candidate.getRawPath());
        }
        return prefixes;
    }
}
