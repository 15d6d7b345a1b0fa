package dev.cairn.engine.metadata.jdbc;

import static dev.cairn.engine.metadata.jdbc.ColumnCodec.instant;
import static dev.cairn.engine.metadata.jdbc.ColumnCodec.optionalText;
import static dev.cairn.engine.metadata.jdbc.ColumnCodec.optionalUuid;
import static dev.cairn.engine.metadata.jdbc.ColumnCodec.setUuid;
import static dev.cairn.engine.metadata.jdbc.ColumnCodec.uuid;
import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.ArtifactType;
import dev.cairn.api.artifact.Visualization;
import dev.cairn.api.artifact.VisualizationType;
import dev.cairn.api.metadata.ArtifactState;
import dev.cairn.api.metadata.ArtifactVersionRecord;
import dev.cairn.api.metadata.MetadataStore.CommittedArtifact;
import dev.cairn.api.metadata.NewArtifactVersion;
import org.apiguardian.api.API;

/**
 * The artifact-version aggregate: the {@code artifact_versions} table (reservation with version numbering, commit,
 * abandonment, lookups) and the {@code visualizations} of each version. Every method runs inside the caller's
 * {@link SqlSession}. Thread-safe.
 *
 * <p>Version numbering: within one write transaction, {@link SqlDialect#lockArtifactName} serializes writers of the
 * name, then the next number is {@code max(version_number) + 1} over the name's versions and its retired (pruned)
 * ones, so numbers are monotonic per name forever. {@code UNIQUE (name, version)} is the backstop against a writer that
 * did not take the lock: a numbered reservation whose number is taken tries the next one (up to
 * {@link #NUMBERING_ATTEMPTS} times), and a unique violation on an explicit version is reported as
 * {@code DUPLICATE_VERSION}, as is an explicit version that a pruned version had.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class ArtifactVersionRepository {
    /** The columns {@link #map} reads, in order, unqualified. */
    public static final String COLUMNS = "id, name, version, uri, store_uri, data_type, materializer_id, materializer_version,"
            + " artifact_type, content_hash, size, metadata, producer_step_run_id, created_at, state, registered";
    /** How many columns {@link #COLUMNS} names. */
    public static final int COLUMN_COUNT = 16;
    /** Longest version string read as a number: 18 digits always fit in a {@code long}. */
    private static final int MAX_NUMBER_DIGITS = 18;
    private static final String SELECT = "SELECT " + COLUMNS + " FROM artifact_versions";
    private static final String READY = " state = 'READY'";
    /** Inserts a reserved ({@code PENDING}) version. */
    private static final String INSERT = "INSERT INTO artifact_versions (id, name, version, version_number,"
            + " uri, store_uri, data_type, materializer_id, materializer_version, artifact_type, content_hash, size,"
            + " metadata, producer_step_run_id, created_at, state, registered)"
            + " VALUES (?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'PENDING', ?)";
    /**
     * {@link #INSERT} numbered by the server: {@code max + 1} over the name's versions and retired versions, computed in
     * the insert (after the name's lock, which the statement before it takes), the number returned. Parameters as
     * {@link #INSERT}'s without version and number, then the name twice.
     */
    private static final String INSERT_NEXT_NUMBER = "INSERT INTO artifact_versions (id, name, version, version_number,"
            + " uri, store_uri, data_type, materializer_id, materializer_version, artifact_type, content_hash, size,"
            + " metadata, producer_step_run_id, created_at, state, registered)"
            + " SELECT ?, ?, CAST(next.number AS TEXT), next.number, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'PENDING', ?"
            + " FROM (SELECT greatest(coalesce((SELECT max(version_number) FROM artifact_versions WHERE name = ?), 0),"
            + " coalesce((SELECT max(version_number) FROM retired_artifact_versions WHERE name = ?), 0)) + 1 AS number) AS next"
            + " RETURNING version";
    /** How many numbers a reservation without an explicit version tries before it gives up. */
    static final int NUMBERING_ATTEMPTS = 10;

    private final SqlDialect dialect;
    private final ColumnCodec codec;
    private final StoredLocations locations;
    /** {@link #INSERT} that does nothing when the name already has the version: a numbered reservation then tries the next number. */
    private final String insertNumbered;

    public ArtifactVersionRepository(SqlDialect dialect, ColumnCodec codec) {
        this(dialect, codec, StoredLocations.ABSOLUTE);
    }

    public ArtifactVersionRepository(SqlDialect dialect, ColumnCodec codec, StoredLocations locations) {
        this.dialect = requireNonNull(dialect, "dialect is null");
        this.codec = requireNonNull(codec, "codec is null");
        this.locations = requireNonNull(locations, "locations is null");
        this.insertNumbered = dialect.insertIgnoringConflict(INSERT, "name, version");
    }

    /** How this repository's URIs are stored. */
    public StoredLocations locations() {
        return locations;
    }

    /** {@link #COLUMNS} qualified with {@code alias} ({@code a.id, a.name, …}). */
    public static String columns(String alias) {
        return alias + "." + COLUMNS.replace(", ", ", " + alias + ".");
    }

    /**
     * Inserts {@code request} as a {@code PENDING} row; {@code metadata} is its metadata as JSON. Returns the version
     * assigned to it, to be read once the transaction has ended: on a session that sends statements together, a numbered
     * version is only known when the held-back insert has gone to the server (with the commit).
     *
     * @throws CairnException {@code DUPLICATE_VERSION} if its explicit version exists for the name
     */
    public Supplier<String> reserve(SqlSession session, NewArtifactVersion request, String metadata, long createdAt) throws SQLException {
        String name = request.name();
        Optional<String> explicit = request.explicitVersion();
        dialect.lockArtifactName(session, name);
        if (explicit.isEmpty() && session.sendsStatementsTogether()) {
            // a server database: the name's lock, the insert numbered by the server (max + 1 under the lock) and the commit
            // go as one round trip, and the number comes back from the insert. It is a plain insert: a number taken anyway
            // by a writer that skipped the name's lock fails it with a unique violation on (name, version), which makes the
            // server skip the commit, so nothing is recorded and the database runs the whole reservation again
            // (SqlDialect#isVersionNumberTaken), numbering after the number now taken
            AtomicReference<String> assigned = new AtomicReference<>();
            session.readLater(INSERT_NEXT_NUMBER, statement -> bindNextNumber(statement, request, metadata, createdAt), row -> row.getString(1),
                    row -> assigned.set(row.orElseThrow(() -> new IllegalStateException("the numbered insert of a version of artifact '" + name
                            + "' returned no row"))));
            return () -> {
                String version = assigned.get();
                if (version == null) {
                    throw new IllegalStateException("the version of artifact '" + name + "' is read before its reservation was sent");
                }
                return version;
            };
        }
        if (explicit.isEmpty()) {
            // the name's lock makes max + 1 free; if a writer that did not take the lock (another tool, a copy) holds the
            // number anyway, the insert does nothing and the next number is tried, a bounded number of times
            long tried = 0;
            for (int attempt = 1; attempt <= NUMBERING_ATTEMPTS; attempt++) {
                long number = Math.max(highestVersionNumber(session, name), tried) + 1;
                if (insert(session, insertNumbered, request, Long.toString(number), number, metadata, createdAt) > 0) {
                    String version = Long.toString(number);
                    return () -> version;
                }
                tried = number;
            }
            throw new CairnException(ErrorCode.METADATA_FAILURE, "Artifact '" + name + "': could not number a new version: "
                    + NUMBERING_ATTEMPTS + " numbers up to " + tried + " were taken by other writers while this one numbered it."
                    + " Nothing was recorded; save it again, or give an explicit version");
        }
        String assigned = explicit.get();
        long number = versionNumber(assigned);
        boolean taken = session.first("SELECT 1 FROM artifact_versions WHERE name = ? AND version = ?", statement -> {
            statement.setString(1, name);
            statement.setString(2, assigned);
        }, row -> Boolean.TRUE).isPresent();
        if (taken) {
            throw duplicate(session, name, assigned);
        }
        boolean retired = session.first("SELECT 1 FROM retired_artifact_versions WHERE name = ? AND version = ?", statement -> {
            statement.setString(1, name);
            statement.setString(2, assigned);
        }, row -> Boolean.TRUE).isPresent();
        if (retired) {
            throw new CairnException(ErrorCode.DUPLICATE_VERSION, "Artifact '" + name + "' had a version '" + assigned
                    + "' that a prune deleted; a name and version never name other content again. Pick another version, or omit"
                    + " the version to get the next number (" + (highestVersionNumber(session, name) + 1) + ")");
        }
        try {
            insert(session, INSERT, request, assigned, number, metadata, createdAt);
        } catch (SQLException e) {
            if (dialect.isUniqueViolation(e)) {
                // the backstop: another writer inserted the version after the check above without taking the name's
                // lock; the transaction may be unusable now (PostgreSQL), so no further query
                throw new CairnException(ErrorCode.DUPLICATE_VERSION, "Artifact '" + name + "' already has version '" + assigned
                        + "' (saved by another writer at the same time). Pick another version, or omit the version to get the next number", e);
            }
            throw e;
        }
        return () -> assigned;
    }

    /** Binds {@link #INSERT_NEXT_NUMBER}: {@link #bindInsert}'s values without version and number, then the name twice. */
    private void bindNextNumber(java.sql.PreparedStatement insert, NewArtifactVersion request, String metadata, long createdAt) throws SQLException {
        insert.setString(1, request.id().toString());
        insert.setString(2, request.name());
        bindDescription(insert, 3, request, metadata, createdAt);
        insert.setString(14, request.name());
        insert.setString(15, request.name());
    }

    /** Inserts {@code request} as a {@code PENDING} row with {@code sql} ({@link #INSERT} or a variant); returns the rows inserted. */
    private int insert(SqlSession session, String sql, NewArtifactVersion request, String version, long number, String metadata, long createdAt)
            throws SQLException {
        return session.update(sql, insert -> bindInsert(insert, request, version, number, metadata, createdAt));
    }

    private void bindInsert(java.sql.PreparedStatement insert, NewArtifactVersion request, String version, long number, String metadata,
            long createdAt) throws SQLException {
        insert.setString(1, request.id().toString());
        insert.setString(2, request.name());
        insert.setString(3, version);
        if (number > 0) {
            insert.setLong(4, number);
        } else {
            insert.setNull(4, Types.INTEGER);
        }
        bindDescription(insert, 5, request, metadata, createdAt);
    }

    /** Binds the 11 columns from {@code store_uri} to {@code registered}, the first at parameter {@code first}. */
    private void bindDescription(java.sql.PreparedStatement insert, int first, NewArtifactVersion request, String metadata, long createdAt)
            throws SQLException {
        insert.setString(first, locations.store(request.storeUri()));
        insert.setString(first + 1, request.dataType());
        insert.setString(first + 2, request.materializerId());
        insert.setString(first + 3, request.materializerVersion());
        insert.setString(first + 4, request.artifactType().name());
        insert.setString(first + 5, request.contentHash());
        insert.setLong(first + 6, request.size());
        insert.setString(first + 7, metadata);
        setUuid(insert, first + 8, request.producerStepRunId());
        insert.setLong(first + 9, createdAt);
        insert.setInt(first + 10, request.registered() ? 1 : 0);
    }

    private CairnException duplicate(SqlSession session, String name, String version) throws SQLException {
        return new CairnException(ErrorCode.DUPLICATE_VERSION, "Artifact '" + name + "' already has version '"
                + version + "'. Pick another version, or omit the version to get the next number ("
                + (highestVersionNumber(session, name) + 1) + ")");
    }

    /** The highest number any version of {@code name} has or had: numbers of pruned versions are never given again. */
    private static long highestVersionNumber(SqlSession session, String name) throws SQLException {
        // one round trip for both tables
        return session.first("SELECT (SELECT max(version_number) FROM artifact_versions WHERE name = ?),"
                + " (SELECT max(version_number) FROM retired_artifact_versions WHERE name = ?)", statement -> {
                    statement.setString(1, name);
                    statement.setString(2, name);
                }, row -> Math.max(row.getLong(1), row.getLong(2))).orElse(0L);
    }

    /** The version as a positive number when it is all digits ("7", "007"), else 0. */
    public static long versionNumber(String version) {
        if (version.isEmpty() || version.length() > MAX_NUMBER_DIGITS) {
            return 0;
        }
        for (int i = 0; i < version.length(); i++) {
            char c = version.charAt(i);
            if (c < '0' || c > '9') {
                return 0;
            }
        }
        return Long.parseLong(version);
    }

    /**
     * Marks a reserved version {@code READY} at its URI and records its visualizations.
     *
     * @throws WriteRejected if it is not a reserved ({@code PENDING}) version (at once, or when the session sends its
     *     held-back statements: {@link SqlSession#updateLaterRequiringRow})
     */
    public void commit(SqlSession session, CommittedArtifact committed) throws SQLException {
        String id = committed.artifactId().toString();
        session.updateLaterRequiringRow("UPDATE artifact_versions SET state = 'READY', uri = ? WHERE id = ? AND state = 'PENDING'", update -> {
            update.setString(1, locations.store(committed.uri()));
            update.setString(2, id);
        }, () -> new WriteRejected("artifact version " + id
                + " is not a reserved (PENDING) version: it was never reserved, was abandoned, or is already committed"));
        List<Visualization> visualizations = committed.visualizations();
        session.executeRowsLater("INSERT INTO visualizations (artifact_id, position, name, type, content) VALUES (?, ?, ?, ?, ?)",
                visualizations.size(), (insert, i) -> {
                    Visualization visualization = visualizations.get(i);
                    insert.setString(1, id);
                    insert.setInt(2, i);
                    insert.setString(3, visualization.name());
                    insert.setString(4, visualization.type().name());
                    insert.setBytes(5, visualization.content());
                });
    }

    /**
     * Deletes a reserved version; nothing happens when no version has the id.
     *
     * @throws WriteRejected if the version is already committed
     */
    public void abandon(SqlSession session, UUID artifactId) throws SQLException {
        int deleted = session.update("DELETE FROM artifact_versions WHERE id = ? AND state = 'PENDING'",
                statement -> statement.setString(1, artifactId.toString()));
        if (deleted == 0) {
            Optional<String> committed = session.first("SELECT name, version FROM artifact_versions WHERE id = ?",
                    statement -> statement.setString(1, artifactId.toString()),
                    row -> "it is version '" + row.getString(2) + "' of artifact '" + row.getString(1) + "'");
            if (committed.isPresent()) {
                throw new WriteRejected(committed.get() + " and already committed (READY); only a reserved (PENDING) version can be abandoned");
            }
        }
    }

    /** Deletes versions (any state) with their visualizations; the caller has removed what refers to them. */
    public void deleteAll(SqlSession session, List<UUID> artifactIds) throws SQLException {
        String ids = dialect.idListSubquery();
        session.update("DELETE FROM visualizations WHERE artifact_id IN " + ids, statement -> dialect.bindIdList(statement, 1, artifactIds));
        session.update("DELETE FROM artifact_versions WHERE id IN " + ids, statement -> dialect.bindIdList(statement, 1, artifactIds));
    }

    /** A {@code READY} version by id. */
    public Optional<ArtifactVersionRecord> findReady(SqlSession session, UUID artifactId) throws SQLException {
        return session.first(SELECT + " WHERE id = ? AND" + READY, statement -> statement.setString(1, artifactId.toString()), this::map);
    }

    /** The {@code READY} versions among {@code artifactIds} (one query; missing ids are left out). */
    public List<ArtifactVersionRecord> findAllReady(SqlSession session, List<UUID> artifactIds) throws SQLException {
        if (artifactIds.isEmpty()) {
            return List.of();
        }
        return session.list(SELECT + " WHERE id IN " + dialect.idListSubquery() + " AND" + READY,
                statement -> dialect.bindIdList(statement, 1, artifactIds), this::map);
    }

    /** A {@code READY} version by name and version. */
    public Optional<ArtifactVersionRecord> findReady(SqlSession session, String name, String version) throws SQLException {
        return session.first(SELECT + " WHERE name = ? AND version = ? AND" + READY, statement -> {
            statement.setString(1, name);
            statement.setString(2, version);
        }, this::map);
    }

    /** The most recently created {@code READY} version of {@code name}. */
    public Optional<ArtifactVersionRecord> findLatestReady(SqlSession session, String name) throws SQLException {
        return session.first(SELECT + " WHERE name = ? AND" + READY + " ORDER BY seq DESC LIMIT 1", statement -> statement.setString(1, name), this::map);
    }

    /** {@code READY} versions of {@code name}, oldest first. */
    public List<ArtifactVersionRecord> listReady(SqlSession session, String name) throws SQLException {
        return session.list(SELECT + " WHERE name = ? AND" + READY + " ORDER BY seq", statement -> statement.setString(1, name), this::map);
    }

    /** All {@code READY} versions, newest first. */
    public List<ArtifactVersionRecord> listReady(SqlSession session) throws SQLException {
        return session.list(SELECT + " WHERE" + READY + " ORDER BY seq DESC", this::map);
    }

    /** Names with a {@code READY} version, sorted. */
    public List<String> listNames(SqlSession session) throws SQLException {
        return session.list("SELECT DISTINCT name FROM artifact_versions WHERE" + READY + " ORDER BY name", row -> row.getString(1));
    }

    /** The {@code READY} registered version at exactly {@code uri}. */
    public Optional<ArtifactVersionRecord> findRegisteredByUri(SqlSession session, URI uri) throws SQLException {
        return session.first(SELECT + " WHERE uri = ? AND registered = 1 AND" + READY, statement -> statement.setString(1, locations.store(uri)), this::map);
    }

    /**
     * {@code PENDING} versions created before {@code createdBefore} (epoch nanoseconds) and not produced by a step of a
     * {@code RUNNING} run, oldest first.
     */
    public List<ArtifactVersionRecord> listPending(SqlSession session, long createdBefore) throws SQLException {
        return session.list("SELECT " + columns("a") + " FROM artifact_versions a WHERE " + DeletionRepository.PENDING_OF_NO_RUNNING_RUN
                + " AND a.created_at < ? ORDER BY a.seq", statement -> statement.setLong(1, createdBefore), this::map);
    }

    public List<Visualization> listVisualizations(SqlSession session, UUID artifactId) throws SQLException {
        return session.list("SELECT name, type, content FROM visualizations WHERE artifact_id = ? ORDER BY position",
                statement -> statement.setString(1, artifactId.toString()),
                row -> Visualization.binary(row.getString(1), VisualizationType.valueOf(row.getString(2)), row.getBytes(3)));
    }

    /** A version from the {@link #COLUMNS}, which start at column 1. */
    public ArtifactVersionRecord map(ResultSet row) throws SQLException {
        return map(row, 0);
    }

    /** A version from the {@link #COLUMNS}, which start after column {@code offset}. */
    public ArtifactVersionRecord map(ResultSet row, int offset) throws SQLException {
        return ArtifactVersionRecord.builder()
                .id(uuid(row, offset + 1))
                .name(row.getString(offset + 2))
                .version(row.getString(offset + 3))
                .uri(optionalText(row, offset + 4).map(locations::load))
                .storeUri(locations.load(row.getString(offset + 5)))
                .dataType(row.getString(offset + 6))
                .materializerId(row.getString(offset + 7))
                .materializerVersion(row.getString(offset + 8))
                .artifactType(ArtifactType.valueOf(row.getString(offset + 9)))
                .contentHash(row.getString(offset + 10))
                .size(row.getLong(offset + 11))
                .metadata(codec.map(row.getString(offset + 12)))
                .producerStepRunId(optionalUuid(row, offset + 13))
                .createdAt(instant(row.getLong(offset + 14)))
                .state(ArtifactState.valueOf(row.getString(offset + 15)))
                .registered(row.getInt(offset + 16) == 1)
                .build();
    }
}
