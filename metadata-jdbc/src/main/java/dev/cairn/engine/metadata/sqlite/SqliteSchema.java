package dev.cairn.engine.metadata.sqlite;

import java.util.List;

import dev.cairn.engine.metadata.jdbc.SchemaMigration;

/**
 * The SQLite metadata schema as an ordered list of migrations; {@link #MIGRATIONS} ends at the version this code writes.
 *
 * <p>Conventions: ids are lower-case UUID text; instants are INTEGER nanoseconds since the epoch (exact for
 * any {@link java.time.Instant} between 1677 and 2262); enums are stored by name; maps and lists are canonical
 * JSON text; booleans are 0 or 1.
 *
 * <p>Every lookup the store makes has an index, and an index exists only for a lookup, because each one costs
 * a page write per insert. Two references therefore have no foreign key: {@code step_runs.cached_from}, because
 * SQLite rewrites every index entry of a row when an update sets a self-referencing foreign key column, which
 * would triple the pages written by each step-status update; and {@code step_outputs.artifact_id}, because
 * deleting an abandoned {@code PENDING} version (which no output names) would then look it up in {@code step_outputs}.
 * The store itself only records an output whose artifact version is {@code READY}; {@code PENDING} versions are
 * deleted when abandoned, and a prune deletes a {@code READY} version together with the step-output rows that name it
 * (through V12's index on {@code step_outputs.artifact_id}), so no output refers to a missing version.
 */
final class SqliteSchema {
    private SqliteSchema() {}

    static final SchemaMigration V1 = new SchemaMigration(1, "pipelines, runs, step runs, artifact versions, visualizations, lineage", List.of(
            """
            CREATE TABLE pipelines (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                created_at INTEGER NOT NULL
            )""",
            """
            CREATE TABLE pipeline_runs (
                id TEXT PRIMARY KEY,
                pipeline_id INTEGER NOT NULL REFERENCES pipelines (id),
                status TEXT NOT NULL,
                started_at INTEGER NOT NULL,
                ended_at INTEGER,
                parameters TEXT NOT NULL,
                error TEXT
            )""",
            "CREATE INDEX pipeline_runs_by_start ON pipeline_runs (started_at)",
            "CREATE INDEX pipeline_runs_by_pipeline ON pipeline_runs (pipeline_id, started_at)",
            """
            CREATE TABLE step_runs (
                id TEXT PRIMARY KEY,
                run_id TEXT NOT NULL REFERENCES pipeline_runs (id),
                step_name TEXT NOT NULL,
                position INTEGER NOT NULL,
                upstream_steps TEXT NOT NULL,
                status TEXT NOT NULL,
                started_at INTEGER,
                ended_at INTEGER,
                parameters TEXT NOT NULL,
                error TEXT,
                cache_key TEXT,
                cached_from TEXT,
                cache_note TEXT
            )""",
            "CREATE INDEX step_runs_by_run ON step_runs (run_id, position)",
            "CREATE INDEX step_runs_by_cache_key ON step_runs (cache_key) WHERE cache_key IS NOT NULL",
            """
            CREATE TABLE artifact_versions (
                seq INTEGER PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                name TEXT NOT NULL,
                version TEXT NOT NULL,
                version_number INTEGER,
                uri TEXT,
                store_uri TEXT NOT NULL,
                data_type TEXT NOT NULL,
                materializer_id TEXT NOT NULL,
                materializer_version TEXT NOT NULL,
                artifact_type TEXT NOT NULL,
                content_hash TEXT NOT NULL,
                size INTEGER NOT NULL,
                metadata TEXT NOT NULL,
                producer_step_run_id TEXT REFERENCES step_runs (id),
                created_at INTEGER NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('PENDING', 'READY')),
                registered INTEGER NOT NULL CHECK (registered IN (0, 1)),
                CHECK ((state = 'PENDING') = (uri IS NULL)),
                UNIQUE (name, version)
            )""",
            "CREATE INDEX artifact_versions_by_number ON artifact_versions (name, version_number)",
            "CREATE INDEX artifact_versions_ready ON artifact_versions (name, seq) WHERE state = 'READY'",
            """
            CREATE TABLE visualizations (
                artifact_id TEXT NOT NULL REFERENCES artifact_versions (id) ON DELETE CASCADE,
                position INTEGER NOT NULL,
                name TEXT NOT NULL,
                type TEXT NOT NULL,
                content BLOB NOT NULL,
                PRIMARY KEY (artifact_id, position)
            ) WITHOUT ROWID""",
            """
            CREATE TABLE step_inputs (
                step_run_id TEXT NOT NULL REFERENCES step_runs (id),
                name TEXT NOT NULL,
                artifact_id TEXT NOT NULL REFERENCES artifact_versions (id),
                kind TEXT NOT NULL,
                PRIMARY KEY (step_run_id, name, artifact_id)
            ) WITHOUT ROWID""",
            "CREATE INDEX step_inputs_by_artifact ON step_inputs (artifact_id)",
            """
            CREATE TABLE step_outputs (
                step_run_id TEXT NOT NULL REFERENCES step_runs (id),
                name TEXT NOT NULL,
                artifact_id TEXT NOT NULL,
                PRIMARY KEY (step_run_id, name)
            ) WITHOUT ROWID"""));

    static final SchemaMigration V2 = new SchemaMigration(2, "cache leases", List.of(
            """
            CREATE TABLE cache_leases (
                cache_key TEXT PRIMARY KEY,
                holder TEXT NOT NULL,
                expires_at INTEGER NOT NULL
            ) WITHOUT ROWID"""));

    /**
     * Prune tombstones and registered data. {@code artifact_deletions} holds a row per artifact version whose
     * metadata a prune deleted and whose files it has not deleted yet (the next prune finishes them). The unique
     * index refuses a second registration of one URI, atomically across processes, and serves the lookup by URI.
     */
    static final SchemaMigration V3 = new SchemaMigration(3, "prune tombstones, unique registered URIs", List.of(
            """
            CREATE TABLE artifact_deletions (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                version TEXT NOT NULL,
                uri TEXT,
                store_uri TEXT NOT NULL,
                size INTEGER NOT NULL,
                registered INTEGER NOT NULL CHECK (registered IN (0, 1)),
                deleted_at INTEGER NOT NULL
            ) WITHOUT ROWID""",
            "CREATE UNIQUE INDEX artifact_versions_registered_uri ON artifact_versions (uri) WHERE registered = 1"));

    /**
     * Cache lookups search only the step runs that computed a result. The V1 index also held every {@code CACHED}
     * step run (they carry the key for provenance), so each re-run from cache made the next lookup of that key
     * longer and needed a sort; this one holds only {@code COMPLETED} runs, in the order the lookup reads them.
     */
    static final SchemaMigration V4 = new SchemaMigration(4, "cache lookups over completed step runs only", List.of(
            "DROP INDEX step_runs_by_cache_key",
            "CREATE INDEX step_runs_completed_by_cache_key ON step_runs (cache_key, ended_at)"
                    + " WHERE status = 'COMPLETED' AND cache_key IS NOT NULL"));

    /** Every migration, in order; the last one's version is the schema version this code reads and writes. */
    static final SchemaMigration V5 = new SchemaMigration(5, "liveness of running runs", List.of(
            "ALTER TABLE pipeline_runs ADD COLUMN alive_until INTEGER",
            "CREATE INDEX pipeline_runs_running ON pipeline_runs (alive_until) WHERE status = 'RUNNING' AND alive_until IS NOT NULL"));

    /**
     * Tags and aliases. {@code artifact_tags} tags a name (all its versions); {@code version_tags} tags one version, with
     * an index by tag for {@code artifacts list --tag}; {@code artifact_aliases} holds where each alias of a name points
     * now (one row, replaced atomically), and {@code artifact_alias_moves} every move, in order, for the history.
     */
    static final SchemaMigration V6 = new SchemaMigration(6, "artifact and version tags, aliases with history", List.of(
            """
            CREATE TABLE artifact_tags (
                name TEXT NOT NULL,
                tag TEXT NOT NULL,
                PRIMARY KEY (name, tag)
            ) WITHOUT ROWID""",
            "CREATE INDEX artifact_tags_by_tag ON artifact_tags (tag, name)",
            """
            CREATE TABLE version_tags (
                artifact_id TEXT NOT NULL REFERENCES artifact_versions (id),
                name TEXT NOT NULL,
                tag TEXT NOT NULL,
                PRIMARY KEY (artifact_id, tag)
            ) WITHOUT ROWID""",
            "CREATE INDEX version_tags_by_tag ON version_tags (tag, name)",
            """
            CREATE TABLE artifact_aliases (
                name TEXT NOT NULL,
                alias TEXT NOT NULL,
                artifact_id TEXT NOT NULL REFERENCES artifact_versions (id),
                moved_at INTEGER NOT NULL,
                PRIMARY KEY (name, alias)
            ) WITHOUT ROWID""",
            "CREATE INDEX artifact_aliases_by_artifact ON artifact_aliases (artifact_id)",
            """
            CREATE TABLE artifact_alias_moves (
                seq INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                alias TEXT NOT NULL,
                artifact_id TEXT,
                version TEXT,
                previous_artifact_id TEXT,
                moved_at INTEGER NOT NULL
            )""",
            "CREATE INDEX artifact_alias_moves_by_alias ON artifact_alias_moves (name, alias, seq)"));

    /**
     * Typed metadata logged onto versions and runs: one row per logged key and value (the latest row of a key wins),
     * with the value's type, its JSON, and its number when it has one, so that {@code accuracy > 0.85} is an index range.
     */
    static final SchemaMigration V7 = new SchemaMigration(7, "typed metadata logged onto versions and runs", List.of(
            """
            CREATE TABLE logged_metadata (
                seq INTEGER PRIMARY KEY,
                target_kind TEXT NOT NULL,
                target_id TEXT NOT NULL,
                key TEXT NOT NULL,
                type TEXT NOT NULL,
                value TEXT NOT NULL,
                number_value REAL,
                logged_at INTEGER NOT NULL
            )""",
            "CREATE INDEX logged_metadata_by_target ON logged_metadata (target_kind, target_id, key, seq)",
            "CREATE INDEX logged_metadata_by_number ON logged_metadata (key, number_value) WHERE number_value IS NOT NULL"));

    /** Queries page through {@code READY} versions newest first; this index gives that order without a sort. */
    static final SchemaMigration V8 = new SchemaMigration(8, "artifact versions by creation time", List.of(
            "CREATE INDEX artifact_versions_by_creation ON artifact_versions (created_at, id) WHERE state = 'READY'"));

    /**
     * A failed step run's error as data (issue 13): its error code, exception class and message, beside the error text
     * (message and stack trace) kept in {@code error}. NULL for other statuses and for failures recorded before.
     */
    static final SchemaMigration V9 = new SchemaMigration(9, "structured step failures", List.of(
            "ALTER TABLE step_runs ADD COLUMN error_code TEXT",
            "ALTER TABLE step_runs ADD COLUMN error_class TEXT",
            "ALTER TABLE step_runs ADD COLUMN error_message TEXT"));

    /**
     * Data safety across prune and paused processes. {@code retired_artifact_versions} remembers every {@code READY}
     * version a prune deleted, so that numbering continues above it and an explicit version never names other content
     * again; {@code run_input_leases} holds the existing versions a run will read, taken when the run is recorded and
     * honoured by prune while the run is {@code RUNNING}; the owner columns say which process (host, pid, start time)
     * runs a run, so that only a run whose process is provably gone is recorded as abandoned; a tombstone keeps the
     * content hash of the version it was made for, so a replay deletes only files that still belong to it.
     */
    static final SchemaMigration V10 = new SchemaMigration(10, "retired versions, run input leases, run owners, tombstone hashes", List.of(
            """
            CREATE TABLE retired_artifact_versions (
                name TEXT NOT NULL,
                version TEXT NOT NULL,
                version_number INTEGER,
                retired_at INTEGER NOT NULL,
                PRIMARY KEY (name, version)
            ) WITHOUT ROWID""",
            "CREATE INDEX retired_artifact_versions_by_number ON retired_artifact_versions (name, version_number)",
            """
            CREATE TABLE run_input_leases (
                run_id TEXT NOT NULL REFERENCES pipeline_runs (id),
                artifact_id TEXT NOT NULL,
                PRIMARY KEY (run_id, artifact_id)
            ) WITHOUT ROWID""",
            "CREATE INDEX run_input_leases_by_artifact ON run_input_leases (artifact_id)",
            "ALTER TABLE pipeline_runs ADD COLUMN owner_host TEXT",
            "ALTER TABLE pipeline_runs ADD COLUMN owner_pid INTEGER",
            "ALTER TABLE pipeline_runs ADD COLUMN owner_started_at INTEGER",
            "ALTER TABLE artifact_deletions ADD COLUMN content_hash TEXT"));

    /**
     * The first page of one name's versions, newest first, read in index order instead of sorting all of the name's
     * versions: with 100,000 versions of one name in a 1,000,000-version store, SQLite sorted them for 1.9 s per page
     * ({@code MetadataScaleBenchmark}).
     */
    static final SchemaMigration V11 = new SchemaMigration(11, "artifact versions of a name by creation time", List.of(
            "CREATE INDEX artifact_versions_by_name_creation ON artifact_versions (name, created_at, id) WHERE state = 'READY'"));

    /**
     * The outputs that name a version, for prune's unused rule ({@code DeletionRepository}) and for deleting a pruned
     * version's output rows. Without it the rule read every output ever recorded, joined to its step run and run, on
     * each prune: 1.7 s at 21,000 runs ({@code EmbeddedSoakBenchmark}), linear in the run history. The price is one
     * more index page written per recorded output (cached re-runs record theirs too).
     */
    static final SchemaMigration V12 = new SchemaMigration(12, "step outputs by artifact version", List.of(
            "CREATE INDEX step_outputs_by_artifact ON step_outputs (artifact_id)"));

    /** Where a step's captured output is stored in its run's artifact store, and its size in bytes. */
    static final SchemaMigration V13 = new SchemaMigration(13, "step logs", List.of(
            "ALTER TABLE step_runs ADD COLUMN log_uri TEXT",
            "ALTER TABLE step_runs ADD COLUMN log_size INTEGER"));

    /**
     * Tag and metadata-predicate queries read in creation order with no sort (issue 13): each version tag and each
     * metadata row logged onto a version carries the version's {@code created_at} (immutable; filled by the write paths,
     * back-filled here), and the indexes below give a tag's versions, or the versions carrying a key, newest first, so
     * that a page reads about one page of index entries instead of every match and a sort.
     */
    static final SchemaMigration V14 = new SchemaMigration(14, "tag and metadata rows in creation order", List.of(
            "ALTER TABLE version_tags ADD COLUMN created_at INTEGER",
            "UPDATE version_tags SET created_at = (SELECT a.created_at FROM artifact_versions a WHERE a.id = version_tags.artifact_id)",
            "CREATE INDEX version_tags_by_tag_creation ON version_tags (tag, created_at, artifact_id)",
            "ALTER TABLE logged_metadata ADD COLUMN version_created_at INTEGER",
            "UPDATE logged_metadata SET version_created_at = (SELECT a.created_at FROM artifact_versions a WHERE a.id = logged_metadata.target_id)"
                    + " WHERE target_kind = 'ARTIFACT_VERSION'",
            "CREATE INDEX logged_metadata_by_key_creation ON logged_metadata (key, version_created_at, target_id, number_value)"
                    + " WHERE version_created_at IS NOT NULL"));

    /**
     * PostgreSQL's V15 creates the functions its server runs the checks of a step's completion with; SQLite runs each
     * statement and checks it at once, so its V15 changes nothing and only keeps the two schemas numbered alike
     * ({@code MetadataCopy} requires equal versions).
     */
    static final SchemaMigration V15 = new SchemaMigration(15, "checks run by the server", List.of());

    /**
     * PostgreSQL's V16 drops two foreign keys whose checks a step's completion already makes (each a trigger and a query
     * on its server per step); SQLite checks foreign keys in-process, so its V16 changes nothing and only keeps the two
     * schemas numbered alike.
     */
    static final SchemaMigration V16 = new SchemaMigration(16, "no foreign-key checks that the completion's checks make", List.of());

    static final List<SchemaMigration> MIGRATIONS = List.of(V1, V2, V3, V4, V5, V6, V7, V8, V9, V10, V11, V12, V13, V14, V15, V16);
}
