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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.function.IntConsumer;
import java.util.stream.Stream;

import dev.cairn.api.Cairn;
import dev.cairn.api.artifact.ArtifactFilter;
import dev.cairn.api.metadata.ArtifactVersionRecord;
import dev.cairn.api.metadata.MetadataStore;
import dev.cairn.engine.metadata.postgres.PostgresLocation;
import dev.cairn.engine.metadata.postgres.PostgresMetadataStore;
import dev.cairn.engine.metadata.sqlite.SqliteMetadataStore;
import dev.cairn.testkit.postgres.ThrowAwayPostgres;

/**
 * Issue 14's metadata figures at scale, on the embedded SQLite store (the baseline) and on PostgreSQL in the same run:
 * both stores get the same {@code versions} {@code READY} versions (default 1,000,000: every tenth belongs to one hot name,
 * the rest to 1,000 names), loaded with one {@code INSERT … SELECT} per dialect (the fast setup path: no engine, no
 * artifact files), then each measurement alternates between the two stores:
 * <ul>
 *   <li>the first page of all versions (newest first, default limit) — the goal is ≤ 100 ms;</li>
 *   <li>the first page of the hot name's versions;</li>
 *   <li>the first page of the versions carrying a tag (1% of them), and of those whose logged metadata {@code accuracy}
 *       (a number on 10% of them) is above 0.9 (8% of those) and at least 0.99 (1%);</li>
 *   <li>a lookup by name:version of a random version — goal ≤ 1 ms;</li>
 *   <li>the latest version of the hot name, and of a name with few versions;</li>
 *   <li>the list of artifact names;</li>
 *   <li>opening the metadata store, and opening a Cairn home (the engine) on it, empty and with every version.</li>
 * </ul>
 * Prints one table row per measurement: medians and p90 in milliseconds, the PostgreSQL/SQLite ratio of the medians, and
 * the goal when the issue sets one; then, for every row with a goal (first pages, lookup, latest, opening a home with
 * every version), {@code RESULT|what|cairn|baseline|ratio|goal|met} lines that {@code benchmarks/run-all} puts in its
 * table (PostgreSQL's baseline is SQLite's median of the same run; the home open's is the empty home's).
 *
 * <p>Arguments (all optional): {@code --versions N}; {@code --postgres URI} of an empty database (else a throw-away server
 * is started from the Debian binaries, and PostgreSQL is skipped, saying so, when they are missing); {@code --work DIR}
 * (else a temp directory, deleted at the end).
 */
public final class MetadataScaleBenchmark {
    private static final int NAMES = 1000;
    private static final String HOT = "scale-hot";

    private MetadataScaleBenchmark() {}

    public static void main(String[] args) throws Exception {
        int versions = 1_000_000;
        Optional<URI> postgres = Optional.empty();
        Optional<Path> workArg = Optional.empty();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--versions" -> versions = Integer.parseInt(args[++i].replace("_", "").replace(",", ""));
                case "--postgres" -> postgres = Optional.of(URI.create(args[++i]));
                case "--work" -> workArg = Optional.of(Path.of(args[++i]));
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; usage: MetadataScaleBenchmark [--versions N] [--postgres postgresql://host:port/emptydb?user=…] [--work DIR]");
            }
        }
        Path work = workArg.isPresent() ? Files.createDirectories(workArg.get()) : Files.createTempDirectory("cairn-scale-");
        ThrowAwayPostgres server = null;
        try {
            if (postgres.isEmpty()) {
                Optional<Path> bin = ThrowAwayPostgres.binaries();
                if (bin.isPresent()) {
                    server = ThrowAwayPostgres.start(bin.get(), "cairn-bench-pg-");
                    postgres = Optional.of(server.newDatabase("scale", java.util.Optional.empty()));
                }
            }
            run(work, versions, postgres, server != null);
        } finally {
            if (server != null) {
                server.close();
            }
            if (workArg.isEmpty()) {
                deleteTree(work);
            }
        }
    }

    private static void run(Path work, int versions, Optional<URI> postgres, boolean throwAwayServer) throws Exception {
        System.out.printf(Locale.ROOT, "# MetadataScaleBenchmark: %,d READY versions (%,d of '%s', the rest over %,d names); cores=%d, java %s,"
                + " load average %.1f at start%n", versions, hotCount(versions), HOT, NAMES, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), load());
        Path sqliteHome = Files.createDirectories(work.resolve("sqlite-home"));
        Path sqliteFile = sqliteHome.resolve("metadata.db");
        Path emptySqliteHome = Files.createDirectories(work.resolve("sqlite-empty-home"));
        SqliteMetadataStore.open(sqliteFile).close(); // the schema, as the engine creates it
        SqliteMetadataStore.open(emptySqliteHome.resolve("metadata.db")).close();
        long sqliteLoad = bulkLoad(DriverManager.getConnection("jdbc:sqlite:" + sqliteFile), versions, false);

        Optional<URI> emptyPostgres = Optional.empty();
        long postgresLoad = 0;
        if (postgres.isPresent()) {
            PostgresMetadataStore.open(postgres.get()).close();
            PostgresLocation location = PostgresLocation.parse(postgres.get(), System::getenv);
            try (Connection connection = connect(location); Statement statement = connection.createStatement();
                    ResultSet row = statement.executeQuery("SHOW server_version")) {
                row.next();
                System.out.printf(Locale.ROOT, "# PostgreSQL %s at %s%s%n", row.getString(1), location.display(), throwAwayServer
                        ? " (a throw-away server started by this benchmark on this machine: fsync=off, synchronous_commit=off, full_page_writes=off)"
                        : "");
                statement.execute("CREATE DATABASE " + location.database() + "_empty");
                emptyPostgres = Optional.of(URI.create(postgres.get().toString().replace("/" + location.database() + "?", "/" + location.database() + "_empty?")));
            } catch (SQLException e) {
                System.out.println("# (no empty PostgreSQL database for the empty rows: " + e.getMessage() + ")");
            }
            postgresLoad = bulkLoad(connect(location), versions, true);
        } else {
            System.out.println("# PostgreSQL skipped: no --postgres URI and no server binaries (install the Debian package 'postgresql'"
                    + " or set CAIRN_TEST_PG_BIN)");
        }

        System.out.println("| measurement | SQLite median ms | SQLite p90 ms | PostgreSQL median ms | PostgreSQL p90 ms | PostgreSQL/SQLite (median) | goal |");
        System.out.println("|---|---|---|---|---|---|---|");
        System.out.printf(Locale.ROOT, "| setup: bulk load of %,d versions (one INSERT … SELECT, then ANALYZE) | %,.0f | | %s | | %s | |%n", versions,
                sqliteLoad / 1e6, postgres.isPresent() ? String.format(Locale.ROOT, "%,.0f", postgresLoad / 1e6) : "skipped",
                postgres.isPresent() ? String.format(Locale.ROOT, "%.2f", (double) postgresLoad / sqliteLoad) : "");

        scaleLabel = String.format(Locale.ROOT, "metadata, %,d versions", versions);
        Random random = new Random(14);
        int hot = hotCount(versions);
        int perName = (versions - hot + NAMES - 1) / NAMES;
        try (SqliteMetadataStore sqlite = SqliteMetadataStore.open(sqliteFile);
                PostgresMetadataStore pg = postgres.map(PostgresMetadataStore::open).orElse(null)) {
            Optional<MetadataStore> pgStore = Optional.ofNullable(pg);
            row("first page of all versions (newest first, limit " + ArtifactFilter.DEFAULT_LIMIT + ")", "≤ 100 ms", 10, 101, sqlite, pgStore,
                    store -> i -> expectSize(store.queryArtifactVersions(List.of()).versions().size(), ArtifactFilter.DEFAULT_LIMIT));
            row("first page of one name's versions (" + String.format(Locale.ROOT, "%,d", hot) + " versions)", "≤ 100 ms", 10, 101, sqlite, pgStore,
                    store -> i -> expectSize(store.queryArtifactVersions(List.of(new ArtifactFilter.Name(HOT))).versions().size(),
                            Math.min(hot, ArtifactFilter.DEFAULT_LIMIT)));
            // filtered first pages (issue 13: "fast at 1M versions, indexes not scans"): a version tag on 1% of the versions,
            // and a logged number on 10% of them, of which 8% are above 0.9 and 1% at or above 0.99
            row("first page of versions with a tag (" + String.format(Locale.ROOT, "%,d", tagged(versions)) + " tagged)", "≤ 100 ms", 3, 31, sqlite, pgStore,
                    store -> i -> expectSize(store.queryArtifactVersions(List.of(ArtifactFilter.tag(TAG))).versions().size(),
                            Math.min(tagged(versions), ArtifactFilter.DEFAULT_LIMIT)));
            row("first page of versions with logged metadata accuracy > 0.9", "≤ 100 ms", 3, 31, sqlite, pgStore,
                    store -> i -> store.queryArtifactVersions(List.of(ArtifactFilter.metadata("accuracy").gt(0.9))).versions().size());
            row("first page of versions with logged metadata accuracy ≥ 0.99", "≤ 100 ms", 3, 31, sqlite, pgStore,
                    store -> i -> store.queryArtifactVersions(List.of(ArtifactFilter.metadata("accuracy").ge(0.99))).versions().size());
            // a predicate most of the numbers match (every number below 0.5): before V14 the page read and sorted every match
            row("first page of versions with logged metadata accuracy < 0.5", "≤ 100 ms", 3, 31, sqlite, pgStore,
                    store -> i -> store.queryArtifactVersions(List.of(ArtifactFilter.metadata("accuracy").lt(0.5))).versions().size());
            int[] lookupNames = new int[2001];
            int[] lookupVersions = new int[lookupNames.length];
            for (int i = 0; i < lookupNames.length; i++) {
                lookupNames[i] = random.nextInt(10) == 0 ? -1 : random.nextInt(NAMES);
                lookupVersions[i] = 1 + random.nextInt(lookupNames[i] < 0 ? hot : Math.max(1, perName - 1));
            }
            row("lookup by name:version (random)", "≤ 1 ms", 200, lookupNames.length, sqlite, pgStore,
                    store -> i -> store.findArtifactVersion(lookupNames[i] < 0 ? HOT : "scale-" + lookupNames[i], Integer.toString(lookupVersions[i]))
                            .orElseThrow(() -> new IllegalStateException("version " + lookupVersions[i] + " of name " + lookupNames[i] + " not found")));
            row("latest version of '" + HOT + "' (" + String.format(Locale.ROOT, "%,d", hot) + " versions)", "≤ 1 ms", 50, 501, sqlite, pgStore,
                    store -> i -> expectVersion(store.findLatestArtifactVersion(HOT), hot));
            row("latest version of a name with " + String.format(Locale.ROOT, "%,d", perName) + " versions", "≤ 1 ms", 50, 501, sqlite, pgStore,
                    store -> i -> store.findLatestArtifactVersion("scale-" + random.nextInt(NAMES)).orElseThrow());
            row("list artifact names (" + (NAMES + 1) + " names)", "", 2, 11, sqlite, pgStore,
                    store -> i -> expectSize(store.listArtifactNames().size(), NAMES + 1));
        }
        Optional<URI> pgUri = postgres;
        row("open the metadata store (+ one lookup), empty", "", 2, 11, emptySqliteHome.resolve("metadata.db"), emptyPostgres, false);
        row("open the metadata store (+ one lookup), every version", "", 2, 11, sqliteFile, pgUri, false);
        double[] emptyOpen = row("open a Cairn home (engine) and close it, empty", "", 2, 11, emptySqliteHome.resolve("metadata.db"), emptyPostgres, true);
        double[] fullOpen = row("open a Cairn home (engine) and close it, every version", "≤ 200 ms", 2, 11, sqliteFile, pgUri, true);
        // the engine open's RESULT lines carry the empty home of the same run as their baseline (what the versions add)
        result(String.format(Locale.ROOT, "metadata, %,d versions, SQLite: open a Cairn home (engine) and close it", versions), fullOpen[0], fullOpen[1],
                String.format(Locale.ROOT, "%.1f ms empty home", emptyOpen[0]), ratio(fullOpen[0], emptyOpen[0]), "≤ 200 ms");
        if (pgUri.isPresent()) {
            result(String.format(Locale.ROOT, "metadata, %,d versions, PostgreSQL: open a Cairn home (engine) and close it", versions), fullOpen[2],
                    fullOpen[3], emptyPostgres.isPresent() ? String.format(Locale.ROOT, "%.1f ms empty home", emptyOpen[2]) : "—",
                    emptyPostgres.isPresent() ? ratio(fullOpen[2], emptyOpen[2]) : "—", "≤ 200 ms");
        }
        for (String line : RESULTS) {
            System.out.println(line);
        }
        System.out.printf(Locale.ROOT, "# load average %.1f at the end (2-core machine shared with other builds: figures are upper bounds)%n", load());
    }

    private static final String TAG = "scale-tagged";

    /** Versions carrying {@link #TAG}: those whose version number is a multiple of 100. */
    private static int tagged(int versions) {
        int hot = hotCount(versions);
        int others = versions - hot;
        int perName = others / NAMES;
        int rest = others % NAMES;
        return hot / 100 + (NAMES - rest) * (perName / 100) + rest * ((perName + 1) / 100);
    }

    private static int hotCount(int versions) {
        return versions / 10;
    }

    private static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static Connection connect(PostgresLocation location) throws SQLException {
        return DriverManager.getConnection(location.jdbcUrl(), location.user().orElse(null), location.password().orElse(""));
    }

    private interface Call {
        IntConsumer on(MetadataStore store);
    }

    /**
     * Runs {@code warmUp} then {@code samples} calls on each store in turn, and prints their row; a row with a goal also
     * gets {@code RESULT|…} lines (printed at the end, for {@code RunAll}'s table): SQLite's, and PostgreSQL's with SQLite's
     * median of the same run as its baseline.
     */
    private static void row(String what, String goal, int warmUp, int samples, MetadataStore sqlite, Optional<MetadataStore> postgres, Call call) {
        long[] s = new long[samples];
        long[] p = new long[samples];
        IntConsumer onSqlite = call.on(sqlite);
        Optional<IntConsumer> onPostgres = postgres.map(call::on);
        for (int i = 0; i < warmUp; i++) {
            onSqlite.accept(i % samples);
            onPostgres.ifPresent(c -> c.accept(0));
        }
        for (int i = 0; i < samples; i++) { // alternate, so a burst of load on the machine hits both alike
            long start = System.nanoTime();
            onSqlite.accept(i);
            s[i] = System.nanoTime() - start;
            if (onPostgres.isPresent()) {
                start = System.nanoTime();
                onPostgres.get().accept(i);
                p[i] = System.nanoTime() - start;
            }
        }
        double[] medians = print(what, goal, s, onPostgres.isPresent() ? Optional.of(p) : Optional.empty());
        if (!goal.isEmpty()) {
            result(scaleLabel + ", SQLite: " + what, medians[0], medians[1], "—", "—", goal);
            if (onPostgres.isPresent()) {
                result(scaleLabel + ", PostgreSQL: " + what, medians[2], medians[3], String.format(Locale.ROOT, "%.3f ms SQLite", medians[0]),
                        ratio(medians[2], medians[0]), goal);
            }
        }
    }

    /** Opening a store, or an engine on it, {@code warmUp + samples} times per dialect, alternating. */
    private static double[] row(String what, String goal, int warmUp, int samples, Path sqliteFile, Optional<URI> postgres, boolean engine) {
        long[] s = new long[samples];
        long[] p = new long[samples];
        for (int i = 0; i < warmUp + samples; i++) {
            long start = System.nanoTime();
            open(sqliteFile.getParent(), Optional.empty(), sqliteFile, engine);
            long sqliteNanos = System.nanoTime() - start;
            long postgresNanos = 0;
            if (postgres.isPresent()) {
                start = System.nanoTime();
                open(sqliteFile.getParent().resolveSibling("pg-home-" + sqliteFile.getParent().getFileName()), postgres, sqliteFile, engine);
                postgresNanos = System.nanoTime() - start;
            }
            if (i >= warmUp) {
                s[i - warmUp] = sqliteNanos;
                p[i - warmUp] = postgresNanos;
            }
        }
        return print(what, goal, s, postgres.isPresent() ? Optional.of(p) : Optional.empty());
    }

    private static void open(Path home, Optional<URI> postgres, Path sqliteFile, boolean engine) {
        if (engine) {
            dev.cairn.api.CairnConfiguration.Builder builder = Cairn.builder().home(home);
            postgres.ifPresent(uri -> builder.metadata(uri).artifactStore(home.resolve("store").toUri()));
            try (Cairn cairn = builder.build()) {
                cairn.client().listRuns(); // the engine answers
            }
            return;
        }
        try (MetadataStore store = postgres.isPresent() ? PostgresMetadataStore.open(postgres.get()) : SqliteMetadataStore.open(sqliteFile)) {
            store.findLatestArtifactVersion(HOT);
        }
    }

    /** Prints a row; returns SQLite's median and p90 and PostgreSQL's (NaN when not measured), in ms. */
    private static double[] print(String what, String goal, long[] sqlite, Optional<long[]> postgres) {
        double sm = percentile(sqlite, 0.5);
        double sp = percentile(sqlite, 0.9);
        String pg = postgres.map(p -> String.format(Locale.ROOT, "%.3f | %.3f | %.2f", percentile(p, 0.5), percentile(p, 0.9), percentile(p, 0.5) / sm))
                .orElse("skipped | skipped | ");
        String verdict = goal.isEmpty() ? "" : goal + verdict(goal, sm, postgres.map(p -> percentile(p, 0.5)));
        System.out.printf(Locale.ROOT, "| %s | %.3f | %.3f | %s | %s |%n", what, sm, sp, pg, verdict);
        return new double[] {sm, sp, postgres.map(q -> percentile(q, 0.5)).orElse(Double.NaN), postgres.map(q -> percentile(q, 0.9)).orElse(Double.NaN)};
    }

    /** {@code RESULT|what|cairn|baseline|ratio|goal|met} lines, printed after the table; {@code RunAll} turns them into rows of its table. */
    private static final List<String> RESULTS = new ArrayList<>();
    private static String scaleLabel = "metadata";

    private static void result(String what, double median, double p90, String baseline, String ratio, String goal) {
        double bound = Double.parseDouble(goal.replaceAll("[^0-9.]", ""));
        RESULTS.add(String.join("|", "RESULT", what, String.format(Locale.ROOT, "%.3f ms (p90 %.3f)", median, p90), baseline, ratio, goal,
                median <= bound ? "met" : "NOT met"));
    }

    private static String ratio(double value, double baseline) {
        return String.format(Locale.ROOT, "%.2f×", value / baseline);
    }

    private static String verdict(String goal, double sqliteMedian, Optional<Double> postgresMedian) {
        double bound = Double.parseDouble(goal.replaceAll("[^0-9.]", ""));
        String s = sqliteMedian <= bound ? "SQLite met" : "SQLite NOT met";
        String p = postgresMedian.map(m -> m <= bound ? "PostgreSQL met" : "PostgreSQL NOT met").orElse("PostgreSQL not measured");
        return " (medians: " + s + ", " + p + ")";
    }

    private static double percentile(long[] nanos, double p) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))] / 1e6;
    }

    private static void expectSize(int actual, int expected) {
        if (actual != expected) {
            throw new IllegalStateException("expected " + expected + " rows, got " + actual);
        }
    }

    private static void expectVersion(Optional<ArtifactVersionRecord> latest, int number) {
        String version = latest.map(ArtifactVersionRecord::version).orElse("none");
        if (!version.equals(Integer.toString(number))) {
            throw new IllegalStateException("expected the latest version to be " + number + ", got " + version);
        }
    }

    /**
     * {@code versions} READY versions in one {@code INSERT … SELECT}: row {@code g} (1-based) belongs to the hot name when
     * {@code g} is a multiple of 10 (version {@code g / 10}), else to name {@code (j - 1) % 1000} with version
     * {@code (j - 1) / 1000 + 1}, where {@code j = g - g / 10} numbers the other rows; creation times increase with
     * {@code g}. Returns the nanoseconds of the load, including ANALYZE.
     */
    static long bulkLoad(Connection connection, int versions, boolean postgres) throws SQLException {
        String j = "(g - g / 10)";
        String name = "CASE WHEN g % 10 = 0 THEN '" + HOT + "' ELSE 'scale-' || ((" + j + " - 1) % " + NAMES + ") END";
        String number = "CASE WHEN g % 10 = 0 THEN g / 10 ELSE (" + j + " - 1) / " + NAMES + " + 1 END";
        String id = postgres ? "lpad(to_hex(g), 8, '0') || '-0000-4000-8000-' || lpad(to_hex(g), 12, '0')" : "printf('%08x-0000-4000-8000-%012x', g, g)";
        String select = "SELECT " + id + ", " + name + ", CAST(" + number + " AS TEXT), " + number + ", 'file:///tmp/scale/' || g, 'file:///tmp/scale/',"
                + " 'java.lang.String', 'cairn.string', '1', 'DATA', 'sha256:0', 1, '{}', NULL, 1700000000000000000 + g * 1000, 'READY', 0";
        String columns = "INSERT INTO artifact_versions (id, name, version, version_number, uri, store_uri, data_type, materializer_id,"
                + " materializer_version, artifact_type, content_hash, size, metadata, producer_step_run_id, created_at, state, registered) ";
        String sql = postgres ? columns + select + " FROM generate_series(1, " + versions + ") AS g"
                : columns + "WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < " + versions + ") " + select + " FROM s";
        long start = System.nanoTime();
        try (connection; Statement statement = connection.createStatement()) {
            if (!postgres) {
                statement.execute("PRAGMA cache_size = -262144"); // 256 MiB of page cache for the index inserts of this load
            }
            connection.setAutoCommit(false);
            statement.execute(sql);
            if (postgres) {
                statement.execute("INSERT INTO artifact_names (name) SELECT DISTINCT name FROM artifact_versions ON CONFLICT DO NOTHING");
            }
            // a version tag on every version whose number is a multiple of 100; logged metadata accuracy = (number % 1000) / 1000
            // on every version whose number is a multiple of 10
            // schema V14 and later: the version's creation time on its tag and metadata rows, as the write paths fill it
            boolean v13 = hasColumn(connection, "version_tags", "created_at");
            statement.execute("INSERT INTO version_tags (artifact_id, name, tag" + (v13 ? ", created_at" : "") + ") SELECT id, name, '" + TAG + "'"
                    + (v13 ? ", created_at" : "") + " FROM artifact_versions WHERE version_number % 100 = 0");
            String accuracy = "(CAST(version_number % 1000 AS " + (postgres ? "DOUBLE PRECISION" : "REAL") + ") / 1000)";
            statement.execute("INSERT INTO logged_metadata (target_kind, target_id, key, type, value, number_value, logged_at"
                    + (v13 ? ", version_created_at" : "") + ")"
                    + " SELECT 'ARTIFACT_VERSION', id, 'accuracy', 'number', '{\"v\":' || CAST(" + accuracy + " AS TEXT) || '}', " + accuracy
                    + ", created_at" + (v13 ? ", created_at" : "") + " FROM artifact_versions WHERE version_number % 10 = 0");
            connection.commit();
            connection.setAutoCommit(true);
            // what autovacuum / the next analysis would have done to a store that grew over months
            statement.execute(postgres ? "VACUUM ANALYZE" : "ANALYZE");
            if (!postgres) {
                statement.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            }
        }
        return System.nanoTime() - start;
    }

    /** Whether {@code table} has {@code column} (the same benchmark runs against schemas before and after V14). */
    private static boolean hasColumn(Connection connection, String table, String column) throws SQLException {
        try (java.sql.ResultSet columns = connection.getMetaData().getColumns(null, null, table, column)) {
            return columns.next();
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            List<Path> all = new ArrayList<>(files.sorted(Comparator.reverseOrder()).toList());
            for (Path file : all) {
                Files.deleteIfExists(file);
            }
        } catch (Exception e) {
            System.err.println("could not delete " + dir + ": " + e);
        }
    }
}
