package dev.cairn.engine.metadata.jdbc;

import static dev.cairn.engine.metadata.jdbc.ColumnCodec.instant;
import static dev.cairn.engine.metadata.jdbc.ColumnCodec.optionalText;
import static dev.cairn.engine.metadata.jdbc.ColumnCodec.optionalUuid;
import static java.util.Objects.requireNonNull;

import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import dev.cairn.api.artifact.AliasMove;
import dev.cairn.api.metadata.ArtifactVersionRecord;
import org.apiguardian.api.API;

/**
 * Aliases of artifact names ({@code model@champion}): {@code artifact_aliases} holds where each points now and
 * {@code artifact_alias_moves} every move. A move reads the current target, replaces the row and appends the move in
 * the caller's write transaction, after {@link SqlDialect#lockArtifactName} serialized writers of the name, so
 * concurrent moves (threads or processes) form one history in which each move's previous target is the one before.
 * Thread-safe.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class AliasRepository {
    private final SqlDialect dialect;
    private final ArtifactVersionRepository artifacts;

    public AliasRepository(SqlDialect dialect, ArtifactVersionRepository artifacts) {
        this.dialect = requireNonNull(dialect, "dialect is null");
        this.artifacts = requireNonNull(artifacts, "artifacts is null");
    }

    /** Where {@code alias} of {@code name} points now. */
    public Optional<UUID> current(SqlSession session, String name, String alias) throws SQLException {
        return session.first("SELECT artifact_id FROM artifact_aliases WHERE name = ? AND alias = ?", statement -> {
            statement.setString(1, name);
            statement.setString(2, alias);
        }, row -> UUID.fromString(row.getString(1)));
    }

    /** Moves (or, with an empty {@code target}, removes) the alias and appends the move; returns the move. */
    public AliasMove move(SqlSession session, String name, String alias, Optional<ArtifactVersionRecord> target, long at) throws SQLException {
        dialect.lockArtifactName(session, name);
        Optional<UUID> previous = current(session, name, alias);
        if (target.isPresent()) {
            ArtifactVersionRecord version = target.get();
            session.update(dialect.upsert("INSERT INTO artifact_aliases (name, alias, artifact_id, moved_at) VALUES (?, ?, ?, ?)", "name, alias",
                    "artifact_id = excluded.artifact_id, moved_at = excluded.moved_at", "1 = 1"), statement -> {
                        statement.setString(1, name);
                        statement.setString(2, alias);
                        statement.setString(3, version.id().toString());
                        statement.setLong(4, at);
                    });
        } else {
            session.update("DELETE FROM artifact_aliases WHERE name = ? AND alias = ?", statement -> {
                statement.setString(1, name);
                statement.setString(2, alias);
            });
        }
        session.update("INSERT INTO artifact_alias_moves (name, alias, artifact_id, version, previous_artifact_id, moved_at) VALUES (?, ?, ?, ?, ?, ?)",
                statement -> {
                    statement.setString(1, name);
                    statement.setString(2, alias);
                    statement.setString(3, target.map(v -> v.id().toString()).orElse(null));
                    statement.setString(4, target.map(ArtifactVersionRecord::version).orElse(null));
                    statement.setString(5, previous.map(UUID::toString).orElse(null));
                    statement.setLong(6, at);
                });
        return new AliasMove(name, alias, target.map(ArtifactVersionRecord::id), target.map(ArtifactVersionRecord::version), previous, instant(at));
    }

    /** The {@code READY} version the alias points to now. */
    public Optional<ArtifactVersionRecord> find(SqlSession session, String name, String alias) throws SQLException {
        return session.first("SELECT " + ArtifactVersionRepository.columns("a") + " FROM artifact_aliases l"
                + " JOIN artifact_versions a ON a.id = l.artifact_id WHERE l.name = ? AND l.alias = ? AND a.state = 'READY'", statement -> {
                    statement.setString(1, name);
                    statement.setString(2, alias);
                }, row -> artifacts.map(row));
    }

    public List<String> aliasesOf(SqlSession session, UUID artifactId) throws SQLException {
        return session.list("SELECT alias FROM artifact_aliases WHERE artifact_id = ? ORDER BY alias",
                statement -> statement.setString(1, artifactId.toString()), row -> row.getString(1));
    }

    public List<AliasMove> moves(SqlSession session, String name, String alias) throws SQLException {
        return session.list("SELECT name, alias, artifact_id, version, previous_artifact_id, moved_at FROM artifact_alias_moves"
                + " WHERE name = ? AND alias = ? ORDER BY seq", statement -> {
                    statement.setString(1, name);
                    statement.setString(2, alias);
                }, row -> new AliasMove(row.getString(1), row.getString(2), optionalUuid(row, 3), optionalText(row, 4), optionalUuid(row, 5),
                        instant(row.getLong(6))));
    }

    /** Removes the aliases that point to versions being deleted (their history stays). */
    public void deleteOfVersions(SqlSession session, List<UUID> artifactIds) throws SQLException {
        session.update("DELETE FROM artifact_aliases WHERE artifact_id IN " + dialect.idListSubquery(),
                statement -> dialect.bindIdList(statement, 1, artifactIds));
    }
}
