package dev.cairn.engine.metadata.jdbc;

import static java.util.Objects.requireNonNull;

import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

import dev.cairn.api.metadata.ArtifactVersionRecord;
import org.apiguardian.api.API;

/**
 * Tags of artifacts ({@code artifact_tags}, by name) and of versions ({@code version_tags}, by artifact id, with the
 * name copied so that an exclusive tag is moved by one indexed delete). Every method runs inside the caller's
 * {@link SqlSession}. Thread-safe.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class TagRepository {
    private final SqlDialect dialect;
    private final ArtifactVersionRepository artifacts;

    public TagRepository(SqlDialect dialect, ArtifactVersionRepository artifacts) {
        this.dialect = requireNonNull(dialect, "dialect is null");
        this.artifacts = requireNonNull(artifacts, "artifacts is null");
    }

    public void tagArtifact(SqlSession session, String name, List<String> tags) throws SQLException {
        for (String tag : tags) {
            session.update(dialect.insertIgnoringConflict("INSERT INTO artifact_tags (name, tag) VALUES (?, ?)", "name, tag"), statement -> {
                statement.setString(1, name);
                statement.setString(2, tag);
            });
        }
    }

    public void untagArtifact(SqlSession session, String name, List<String> tags) throws SQLException {
        for (String tag : tags) {
            session.update("DELETE FROM artifact_tags WHERE name = ? AND tag = ?", statement -> {
                statement.setString(1, name);
                statement.setString(2, tag);
            });
        }
    }

    public List<String> listArtifactTags(SqlSession session, String name) throws SQLException {
        return session.list("SELECT tag FROM artifact_tags WHERE name = ? ORDER BY tag", statement -> statement.setString(1, name), row -> row.getString(1));
    }

    /** Tags the version {@code version}; when {@code exclusive}, first removes each tag from the other versions of its name. */
    public void tagVersion(SqlSession session, ArtifactVersionRecord version, List<String> tags, boolean exclusive) throws SQLException {
        for (String tag : tags) {
            if (exclusive) {
                session.update("DELETE FROM version_tags WHERE tag = ? AND name = ? AND artifact_id <> ?", statement -> {
                    statement.setString(1, tag);
                    statement.setString(2, version.name());
                    statement.setString(3, version.id().toString());
                });
            }
            // created_at: the version's (immutable) creation time, for ArtifactQueryRepository's ordered scan of a tag
            session.update(dialect.insertIgnoringConflict("INSERT INTO version_tags (artifact_id, name, tag, created_at)"
                    + " VALUES (?, ?, ?, (SELECT a.created_at FROM artifact_versions a WHERE a.id = ?))", "artifact_id, tag"),
                    statement -> {
                        statement.setString(1, version.id().toString());
                        statement.setString(2, version.name());
                        statement.setString(3, tag);
                        statement.setString(4, version.id().toString());
                    });
        }
    }

    public void untagVersion(SqlSession session, UUID artifactId, List<String> tags) throws SQLException {
        for (String tag : tags) {
            session.update("DELETE FROM version_tags WHERE artifact_id = ? AND tag = ?", statement -> {
                statement.setString(1, artifactId.toString());
                statement.setString(2, tag);
            });
        }
    }

    public List<String> listVersionTags(SqlSession session, UUID artifactId) throws SQLException {
        return session.list("SELECT tag FROM version_tags WHERE artifact_id = ? ORDER BY tag",
                statement -> statement.setString(1, artifactId.toString()), row -> row.getString(1));
    }

    /** {@code READY} versions tagged {@code tag} themselves or through their name, newest first (both lookups by the tag indexes). */
    public List<ArtifactVersionRecord> listWithTag(SqlSession session, String tag) throws SQLException {
        String columns = ArtifactVersionRepository.columns("a");
        return session.list("SELECT " + columns + " FROM artifact_versions a WHERE a.state = 'READY' AND ("
                + " a.id IN (SELECT artifact_id FROM version_tags WHERE tag = ?)"
                + " OR a.name IN (SELECT name FROM artifact_tags WHERE tag = ?))"
                + " ORDER BY a.created_at DESC, a.id DESC", statement -> {
                    statement.setString(1, tag);
                    statement.setString(2, tag);
                }, row -> artifacts.map(row));
    }

    /** Removes the tags of versions that are being deleted. */
    public void deleteOfVersions(SqlSession session, List<UUID> artifactIds) throws SQLException {
        session.update("DELETE FROM version_tags WHERE artifact_id IN " + dialect.idListSubquery(),
                statement -> dialect.bindIdList(statement, 1, artifactIds));
    }
}
