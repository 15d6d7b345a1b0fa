package dev.cairn.engine.metadata.jdbc;

import static java.util.Objects.requireNonNull;

import java.sql.SQLException;
import java.util.List;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schema aggregate: the {@code schema_version} table and the migrations that bring a database up to the version
 * this code writes. A database with a newer schema than the code knows is refused with a message that says so.
 * Thread-safe.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class SchemaRepository {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaRepository.class);

    private final SqlDialect dialect;

    public SchemaRepository(SqlDialect dialect) {
        this.dialect = requireNonNull(dialect, "dialect is null");
    }

    /**
     * Applies those of {@code migrations} (numbered 1, 2, 3, … in order) that {@code database} lacks, each in the
     * write transaction that records it, after re-reading the version under the write lock (another process may have
     * migrated meanwhile).
     *
     * @throws CairnException {@code METADATA_FAILURE} if the database has a newer schema, or a migration fails
     * @throws IllegalArgumentException if the migrations are not numbered 1, 2, 3, … in order
     */
    public void migrate(SqlDatabase database, List<SchemaMigration> migrations) {
        requireNonNull(database, "database is null");
        checkOrder(requireNonNull(migrations, "migrations is null"));
        int latest = migrations.isEmpty() ? 0 : migrations.get(migrations.size() - 1).version();
        int found = database.read("read the schema version", this::version);
        checkNotNewer(database, found, latest);
        if (found == latest) {
            LOG.debug("Opened metadata store {} at schema version {}", database.location(), found);
            return;
        }
        int from = database.write("migrate the schema to version " + latest, session -> {
            dialect.lockSchemaMigration(session);
            session.executeOnce("CREATE TABLE IF NOT EXISTS schema_version ("
                    + "version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at INTEGER NOT NULL)");
            int current = version(session);
            checkNotNewer(database, current, latest);
            for (SchemaMigration migration : migrations) {
                if (migration.version() <= current) {
                    continue;
                }
                for (String statement : migration.statements()) {
                    session.executeOnce(statement);
                }
                session.update("INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, " + dialect.currentTimeNanos() + ")",
                        insert -> {
                            insert.setInt(1, migration.version());
                            insert.setString(2, migration.description());
                        });
            }
            return current;
        });
        if (from == 0) {
            LOG.debug("Created metadata store {} at schema version {}", database.location(), latest);
        } else if (from < latest) {
            LOG.info("Migrated metadata store {} from schema version {} to {}", database.location(), from, latest);
        }
    }

    /** The schema version of the database, 0 when it has none. */
    public int version(SqlSession session) throws SQLException {
        boolean exists = session.first(dialect.tableExistsQuery(), statement -> statement.setString(1, "schema_version"), row -> true).isPresent();
        if (!exists) {
            return 0;
        }
        return session.first("SELECT coalesce(max(version), 0) FROM schema_version", statement -> {}, row -> row.getInt(1)).orElse(0);
    }

    private static void checkNotNewer(SqlDatabase database, int found, int latest) {
        if (found > latest) {
            throw new CairnException(ErrorCode.METADATA_FAILURE, "Metadata store " + database.location() + " has schema version " + found
                    + ", but this version of Cairn knows schema versions up to " + latest
                    + "; open it with a newer Cairn, or point Cairn at another metadata database");
        }
    }

    private static void checkOrder(List<SchemaMigration> migrations) {
        for (int i = 0; i < migrations.size(); i++) {
            if (migrations.get(i).version() != i + 1) {
                throw new IllegalArgumentException("migrations must be numbered 1, 2, 3, … in order; found version "
                        + migrations.get(i).version() + " at position " + (i + 1));
            }
        }
    }
}
