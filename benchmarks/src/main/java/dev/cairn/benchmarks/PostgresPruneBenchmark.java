package dev.cairn.benchmarks;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

import dev.cairn.api.metadata.ArtifactDeletion;
import dev.cairn.api.metadata.ArtifactVersionRecord;
import dev.cairn.api.metadata.MetadataStore;
import dev.cairn.engine.metadata.postgres.PostgresLocation;
import dev.cairn.engine.metadata.postgres.PostgresMetadataStore;
import dev.cairn.engine.metadata.sqlite.SqliteMetadataStore;
import dev.cairn.testkit.postgres.ThrowAwayPostgres;

/**
 * Prune's candidate query and the metadata side of a prune at a long run history, on PostgreSQL and on the embedded
 * SQLite store (the baseline) in the same run (issue 18, gap 5: the PostgreSQL candidate query's plan is pinned by
 * {@code PostgresPruneQueryPlanTest} but was never timed).
 *
 * <p>Each database gets the shape {@link PruneQueryBenchmark} uses, loaded the fast way (one set-based {@code INSERT …
 * SELECT} per table, then {@code ANALYZE}): {@code runs} history runs (by run number modulo 5: three {@code COMPLETED}
 * runs with a {@code CACHED} step whose output names one of 20 cache entries and a downstream step that reads it for
 * half of the entries, one {@code FAILED} run with a failed and a skipped step, one {@code CANCELLED} run with one step),
 * and a seed run whose step runs produced the live versions: 20 cache entries, one kept by an alias, one by a version
 * tag, and {@code unused} versions whose producing step had caching off, which are the prune's candidates.
 *
 * <p>It prints, per dialect: the candidate query through the store ({@code listUnusedArtifactVersions(false)}, which
 * must return exactly the {@code unused} versions), median and spread over {@code rounds} calls alternated between the
 * two stores after one warm-up each; then the metadata side of pruning them all once (under the store's prune lock,
 * {@code deleteArtifactVersions} in batches of 1,000 as {@code Pruner} does, with tombstones, then clearing the
 * tombstones: what a prune does besides deleting files), and the load average.
 *
 * <p>Usage: {@code java -cp ... dev.cairn.benchmarks.PostgresPruneBenchmark [runs (100000)] [unused (10000)] [rounds (5)]
 * [postgresql://… empty database]}; without a URI a throw-away server is started from the Debian binaries.
 */
public final class PostgresPruneBenchmark {
    private static final int CACHE_ENTRIES = 20;
    /** Live versions kept by something other than a cache entry: one by an alias, one by a tag. */
    private static final int KEPT = 2;
    private static final int BATCH = 1000;

    private PostgresPruneBenchmark() {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0].replace("_", "").replace(",", "")) : 100_000;
        int unused = args.length > 1 ? Integer.parseInt(args[1].replace("_", "").replace(",", "")) : 10_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        if (args.length > 3) {
            run(runs, unused, rounds, URI.create(args[3]));
            return;
        }
        Optional<Path> bin = ThrowAwayPostgres.binaries();
        if (bin.isEmpty()) {
            System.out.println("# PostgresPruneBenchmark skipped: no PostgreSQL URI given and no server binaries (install the Debian"
                    + " package 'postgresql' or set CAIRN_TEST_PG_BIN)");
            return;
        }
        try (ThrowAwayPostgres server = ThrowAwayPostgres.start(bin.get(), "cairn-bench-prune-pg-")) {
            System.out.println("# a throw-away PostgreSQL started by this benchmark on this machine (fsync=off, synchronous_commit=off)");
            run(runs, unused, rounds, server.newDatabase("bench_prune", Optional.empty()));
        }
    }

    private static void run(int runs, int unused, int rounds, URI postgres) throws Exception {
        Path work = Files.createTempDirectory("cairn-prune-pg-bench-");
        Path sqliteFile = work.resolve("metadata.db");
        System.out.printf(Locale.ROOT, "# prune at %,d runs, %,d unused versions, %d rounds, %d processors, Java %s, load average %.2f, %s%n", runs,
                unused, rounds, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), load(), work);
        try (SqliteMetadataStore sqlite = SqliteMetadataStore.open(sqliteFile); PostgresMetadataStore pg = PostgresMetadataStore.open(postgres)) {
            long sqliteLoad = load(DriverManager.getConnection("jdbc:sqlite:" + sqliteFile), false, runs, unused);
            PostgresLocation location = PostgresLocation.parse(postgres, System::getenv);
            long pgLoad = load(DriverManager.getConnection(location.jdbcUrl(), location.user().orElse(null), location.password().orElse("")), true,
                    runs, unused);
            System.out.printf(Locale.ROOT, "# set-based load: SQLite %.1f s, PostgreSQL %.1f s; load average %.2f%n", sqliteLoad / 1e9, pgLoad / 1e9, load());

            List<MetadataStore> stores = List.of(sqlite, pg);
            for (MetadataStore store : stores) { // warm-up: statements prepared, pages cached
                candidates(store, unused);
            }
            double[][] query = new double[2][rounds];
            for (int round = 0; round < rounds; round++) {
                for (int i = 0; i < 2; i++) {
                    int s = round % 2 == 0 ? i : 1 - i; // alternate which store goes first
                    long start = System.nanoTime();
                    candidates(stores.get(s), unused);
                    query[s][round] = (System.nanoTime() - start) / 1e6;
                }
            }
            double[] prune = new double[2];
            for (int s = 0; s < 2; s++) {
                prune[s] = prune(stores.get(s), unused);
            }
            System.out.println();
            System.out.printf(Locale.ROOT, "| %,d runs, %,d unused versions | SQLite | PostgreSQL | ratio PostgreSQL/SQLite |%n", runs, unused);
            System.out.println("|---|---|---|---|");
            System.out.printf(Locale.ROOT, "| candidate query (listUnusedArtifactVersions), median of %d (min–max) | %.1f ms (%.1f–%.1f) | %.1f ms (%.1f–%.1f) | %.2f |%n",
                    rounds, median(query[0]), min(query[0]), max(query[0]), median(query[1]), min(query[1]), max(query[1]),
                    median(query[1]) / median(query[0]));
            System.out.printf(Locale.ROOT, "| metadata side of pruning them (query, %d deletes of %,d with tombstones, clear), once | %.1f ms | %.1f ms | %.2f |%n",
                    (unused + BATCH - 1) / BATCH, BATCH, prune[0], prune[1], prune[1] / prune[0]);
            System.out.printf(Locale.ROOT, "# load average at the end %.2f%n", load());
        }
    }

    /** The candidate query; fails unless it returns exactly the {@code unused} versions. */
    private static List<ArtifactVersionRecord> candidates(MetadataStore store, int unused) {
        List<ArtifactVersionRecord> candidates = store.listUnusedArtifactVersions(false);
        if (candidates.size() != unused) {
            throw new IllegalStateException(store + ": the candidate query returned " + candidates.size() + " versions, expected " + unused);
        }
        return candidates;
    }

    /** Prunes every candidate's metadata as {@code Pruner} does (no files here); returns milliseconds. */
    private static double prune(MetadataStore store, int unused) {
        long start = System.nanoTime();
        int deleted = 0;
        try (MetadataStore.PruneLock lock = store.lockForPrune()) {
            List<UUID> ids = candidates(store, unused).stream().map(ArtifactVersionRecord::id).toList();
            for (int from = 0; from < ids.size(); from += BATCH) {
                List<ArtifactDeletion> batch = store.deleteArtifactVersions(ids.subList(from, Math.min(ids.size(), from + BATCH)), false, Instant.EPOCH, true);
                store.clearArtifactDeletions(batch.stream().map(ArtifactDeletion::id).toList());
                deleted += batch.size();
            }
        }
        double millis = (System.nanoTime() - start) / 1e6;
        if (deleted != unused || !store.listUnusedArtifactVersions(false).isEmpty() || !store.listArtifactDeletions().isEmpty()) {
            throw new IllegalStateException(store + ": the prune deleted " + deleted + " of " + unused + " versions or left some behind");
        }
        return millis;
    }

    /** Loads the history and the versions with one statement per table; returns nanoseconds. */
    private static long load(Connection connection, boolean postgres, int runs, int unused) throws SQLException {
        Sql sql = new Sql(postgres);
        int live = CACHE_ENTRIES + KEPT + unused;
        long start = System.nanoTime();
        try (connection; Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            List<String> statements = new ArrayList<>();
            statements.add("INSERT INTO pipelines (id, name, created_at) VALUES (1, 'prune-bench', 0)");
            statements.add(sql.insert("pipeline_runs (id, pipeline_id, status, started_at, ended_at, parameters)",
                    sql.id(1, "g") + ", 1, CASE g % 5 WHEN 3 THEN 'FAILED' WHEN 4 THEN 'CANCELLED' ELSE 'COMPLETED' END, g * CAST(1000000 AS BIGINT), g * CAST(1000000 AS BIGINT) + 1, '{}'",
                    0, runs, ""));
            String steps = "step_runs (id, run_id, step_name, position, upstream_steps, status, started_at, ended_at, parameters, cache_key)";
            statements.add(sql.insert(steps, sql.id(2, "g") + ", " + sql.id(1, "g") + ", 'step_0', 0, '[]',"
                    + " CASE g % 5 WHEN 3 THEN 'FAILED' WHEN 4 THEN 'CANCELLED' ELSE 'CACHED' END, 0, 1, '{}',"
                    + " CASE g % 5 WHEN 3 THEN 'key-failing' WHEN 4 THEN NULL ELSE 'key-' || (g % " + CACHE_ENTRIES + ") END", 1, runs, ""));
            statements.add(sql.insert(steps, sql.id(3, "g") + ", " + sql.id(1, "g") + ", 'step_1', 1, '[]',"
                    + " CASE g % 5 WHEN 3 THEN 'SKIPPED' ELSE 'COMPLETED' END, 0, 1, '{}', NULL", 1, runs, " WHERE g % 5 <> 4"));
            statements.add(sql.insert(steps, sql.id(4, "g") + ", " + sql.id(1, "0") + ", 'seed_' || g, g, '[]', 'COMPLETED', 0, 1, '{}',"
                    + " CASE WHEN g < " + CACHE_ENTRIES + " THEN 'key-' || g ELSE NULL END", 0, live - 1, ""));
            statements.add(sql.insert("artifact_versions (id, name, version, version_number, uri, store_uri, data_type, materializer_id,"
                    + " materializer_version, artifact_type, content_hash, size, metadata, producer_step_run_id, created_at, state, registered)",
                    sql.id(5, "g") + ", CASE WHEN g < " + (CACHE_ENTRIES + KEPT) + " THEN 'soak_' || g ELSE 'unused_' || (g % 100) END,"
                            + " CAST(g + 1 AS TEXT), g + 1, 'file:///tmp/cairn-prune-bench/store/artifacts/' || g, 'file:///tmp/cairn-prune-bench/store/',"
                            + " 'java.lang.String', 'cairn.string', '1', 'DATA', 'sha256:0', 1, '{}', " + sql.id(4, "g") + ", 1700000000000000000 + g * 1000,"
                            + " 'READY', 0", 0, live - 1, ""));
            String outputs = "step_outputs (step_run_id, name, artifact_id)";
            statements.add(sql.insert(outputs, sql.id(2, "g") + ", 'output', " + sql.id(5, "g % " + CACHE_ENTRIES), 1, runs, " WHERE g % 5 < 3"));
            statements.add(sql.insert(outputs, sql.id(4, "g") + ", 'output', " + sql.id(5, "g"), 0, live - 1, ""));
            statements.add(sql.insert("step_inputs (step_run_id, name, artifact_id, kind)", sql.id(3, "g") + ", 'data', " + sql.id(5, "g % " + CACHE_ENTRIES)
                    + ", 'ARTIFACT'", 1, runs, " WHERE g % 5 < 3 AND g % " + CACHE_ENTRIES + " < " + CACHE_ENTRIES / 2));
            statements.add("INSERT INTO artifact_aliases (name, alias, artifact_id, moved_at) VALUES ('soak_" + CACHE_ENTRIES + "', 'prod', '"
                    + Sql.uuid(5, CACHE_ENTRIES) + "', 0)");
            statements.add("INSERT INTO version_tags (artifact_id, name, tag, created_at) VALUES ('" + Sql.uuid(5, CACHE_ENTRIES + 1) + "', 'soak_"
                    + (CACHE_ENTRIES + 1) + "', 'keep', " + (1700000000000000000L + (CACHE_ENTRIES + 1) * 1000L) + ")");
            if (postgres) {
                statements.add("INSERT INTO artifact_names (name) SELECT DISTINCT name FROM artifact_versions ON CONFLICT DO NOTHING");
            }
            for (String sqlText : statements) {
                statement.execute(sqlText);
            }
            connection.commit();
            connection.setAutoCommit(true);
            statement.execute("ANALYZE");
            try (ResultSet rows = statement.executeQuery("SELECT (SELECT count(*) FROM step_runs), (SELECT count(*) FROM step_outputs),"
                    + " (SELECT count(*) FROM step_inputs), (SELECT count(*) FROM artifact_versions)")) {
                rows.next();
                System.out.printf(Locale.ROOT, "# %s: %,d step runs, %,d step outputs, %,d step inputs, %,d versions%n", postgres ? "PostgreSQL" : "SQLite",
                        rows.getLong(1), rows.getLong(2), rows.getLong(3), rows.getLong(4));
            }
        }
        return System.nanoTime() - start;
    }

    /** The set-based SQL of one dialect: a row per number {@code g} of a range, and ids made from numbers. */
    private record Sql(boolean postgres) {
        /** {@code INSERT INTO target SELECT columns} over {@code g} from {@code from} to {@code to}, with {@code where}. */
        String insert(String target, String columns, int from, int to, String where) {
            if (postgres) {
                return "INSERT INTO " + target + " SELECT " + columns + " FROM generate_series(" + from + ", " + to + ") AS s(g)" + where;
            }
            return "INSERT INTO " + target + " WITH RECURSIVE s(g) AS (SELECT " + from + " UNION ALL SELECT g + 1 FROM s WHERE g < " + to + ")"
                    + " SELECT " + columns + " FROM s" + where;
        }

        /** A UUID (as text) of kind {@code kind} (0–9) made from the number {@code expression}: {@link #uuid} in SQL. */
        String id(int kind, String expression) {
            if (postgres) {
                return "(lpad(to_hex(" + expression + "), 8, '0') || '-000" + kind + "-4000-8000-' || lpad(to_hex(" + expression + "), 12, '0'))";
            }
            return "printf('%08x-000" + kind + "-4000-8000-%012x', " + expression + ", " + expression + ")";
        }

        static String uuid(int kind, long number) {
            return String.format(Locale.ROOT, "%08x-000%d-4000-8000-%012x", number, kind, number);
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    private static double min(double[] values) {
        return Arrays.stream(values).min().orElse(Double.NaN);
    }

    private static double max(double[] values) {
        return Arrays.stream(values).max().orElse(Double.NaN);
    }

    private static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
