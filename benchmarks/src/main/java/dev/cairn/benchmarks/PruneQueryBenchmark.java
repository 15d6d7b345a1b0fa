package dev.cairn.benchmarks;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.IntStream;

import dev.cairn.api.artifact.ArtifactType;
import dev.cairn.api.metadata.ArtifactVersionRecord;
import dev.cairn.api.metadata.MetadataStore.CommittedArtifact;
import dev.cairn.api.metadata.NewArtifactVersion;
import dev.cairn.engine.metadata.jdbc.DeletionRepository;
import dev.cairn.engine.metadata.sqlite.SqliteMetadataStore;

/**
 * Prune's unused-version query on a SQLite home whose run history grows, with the query as written up to schema V11
 * ({@code NOT IN} lists, the baseline) and as written since V12 ({@code NOT EXISTS} per candidate, served by indexes)
 * timed alternately on the same database at each size, so both see the same machine load.
 *
 * <p>The home has the shape {@code EmbeddedSoakBenchmark} left after 21,000 runs (27 live versions, ~2 step runs per
 * run, outputs of cached re-runs naming the live versions), loaded the fast way: the live versions go through the
 * {@link SqliteMetadataStore} (reserve, commit), the history is inserted with JDBC in one transaction per block. 27
 * live versions: 20 cache entries (every cached re-run records an output naming one; half of them are also step inputs
 * of every run that re-used them), one kept only by an alias, one only by a version tag, and 5 unused (their producing
 * step run had caching off), which both queries must return. Per history run, by run number modulo 5: three
 * {@code COMPLETED} runs (a {@code CACHED} step with its output row, and a downstream step whose own output was pruned
 * long ago), one {@code FAILED} run (a failed step and a skipped one), one {@code CANCELLED} run (one cancelled step).
 *
 * <p>At each size it prints: the query's median time over {@code rounds} alternations (after one warm-up of each), the
 * store's own {@code listUnusedArtifactVersions(false)} (the V12 query plus mapping the rows), and the load average.
 *
 * <p>Usage: {@code java -cp ... dev.cairn.benchmarks.PruneQueryBenchmark [runs (20000)] [rounds (5)] [workDir]}
 */
public final class PruneQueryBenchmark {
    private static final int CACHE_ENTRIES = 20;
    private static final int UNUSED = 5;
    private static final URI STORE = URI.create("file:///tmp/cairn-prune-query-bench/store");

    private PruneQueryBenchmark() {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0].replace("_", "").replace(",", "")) : 20_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path work = args.length > 2 ? Files.createDirectories(Path.of(args[2])) : Files.createTempDirectory("cairn-prune-query-");
        Path db = work.resolve("metadata.db");
        if (Files.exists(db)) {
            throw new IllegalArgumentException(db + " exists; give a new work directory");
        }
        System.out.printf(Locale.ROOT, "# prune query benchmark: up to %,d runs, %d rounds, %d processors, Java %s, load average %.1f, %s%n", runs,
                rounds, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), load(), db);
        String before = DeletionRepository.listUnusedStatement(true);
        String after = DeletionRepository.listUnusedStatement(false);
        try (SqliteMetadataStore store = SqliteMetadataStore.open(db);
                Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            connection.setAutoCommit(false);
            List<String> cacheEntries = seed(store, connection);
            System.out.println("| runs | step runs | step outputs | step inputs | V11 query (NOT IN), ms | V12 query (NOT EXISTS), ms | V11/V12 |"
                    + " store.listUnusedArtifactVersions, ms | load average |");
            System.out.println("|---|---|---|---|---|---|---|---|---|");
            int done = 0;
            for (int size : IntStream.of(0, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000).filter(s -> s <= runs).toArray()) {
                addHistory(connection, cacheEntries, done, size);
                done = size;
                List<String> unusedBefore = ids(connection, before);
                List<String> unusedAfter = ids(connection, after);
                if (unusedBefore.size() != UNUSED || !unusedBefore.equals(unusedAfter)) {
                    throw new IllegalStateException("the two queries disagree at " + size + " runs: " + unusedBefore + " against " + unusedAfter);
                }
                double[] oldTimes = new double[rounds];
                double[] newTimes = new double[rounds];
                double[] storeTimes = new double[rounds];
                store.listUnusedArtifactVersions(false);
                for (int round = 0; round < rounds; round++) {
                    oldTimes[round] = millis(() -> ids(connection, before));
                    newTimes[round] = millis(() -> ids(connection, after));
                    storeTimes[round] = millis(() -> {
                        List<ArtifactVersionRecord> unused = store.listUnusedArtifactVersions(false);
                        if (unused.size() != UNUSED) {
                            throw new IllegalStateException("listUnusedArtifactVersions returned " + unused.size() + " versions");
                        }
                        return null;
                    });
                }
                double oldMedian = median(oldTimes);
                double newMedian = median(newTimes);
                System.out.printf(Locale.ROOT, "| %,d | %,d | %,d | %,d | %.2f | %.2f | %.0fx | %.2f | %.1f |%n", size, count(connection, "step_runs"),
                        count(connection, "step_outputs"), count(connection, "step_inputs"), oldMedian, newMedian, oldMedian / newMedian,
                        median(storeTimes), load());
            }
        }
    }

    /** The pipeline, the seed run whose step runs produced the 27 live versions, the versions, their outputs, alias and tag. */
    private static List<String> seed(SqliteMetadataStore store, Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO pipelines (id, name, created_at) VALUES (1, 'soak', 0)");
        }
        String seedRun = insertRun(connection, 0, "COMPLETED");
        List<String> producers = new ArrayList<>();
        int live = CACHE_ENTRIES + 2 + UNUSED;
        for (int i = 0; i < live; i++) {
            producers.add(insertStep(connection, seedRun, i, "COMPLETED", i < CACHE_ENTRIES ? "key-" + i : null));
        }
        connection.commit();
        List<String> versions = new ArrayList<>();
        for (int i = 0; i < live; i++) {
            ArtifactVersionRecord reserved = store.reserveArtifactVersion(NewArtifactVersion.builder().id(UUID.randomUUID()).name("soak_" + i)
                    .storeUri(STORE).dataType("java.lang.String").materializerId("cairn.string").materializerVersion("1")
                    .artifactType(ArtifactType.DATA).contentHash("sha256:abc").size(3).createdAt(Instant.now())
                    .producerStepRunId(UUID.fromString(producers.get(i))).build());
            store.commitArtifactVersion(new CommittedArtifact(reserved.id(), URI.create(STORE + "/artifacts/soak_" + i + "/" + reserved.version()),
                    List.of()));
            versions.add(reserved.id().toString());
        }
        try (PreparedStatement output = connection.prepareStatement("INSERT INTO step_outputs (step_run_id, name, artifact_id) VALUES (?, 'output', ?)")) {
            for (int i = 0; i < live; i++) {
                output.setString(1, producers.get(i));
                output.setString(2, versions.get(i));
                output.addBatch();
            }
            output.executeBatch();
        }
        try (PreparedStatement alias = connection.prepareStatement("INSERT INTO artifact_aliases (name, alias, artifact_id, moved_at) VALUES (?, 'prod', ?, 0)");
                PreparedStatement tag = connection.prepareStatement("INSERT INTO version_tags (artifact_id, name, tag, created_at)"
                        + " VALUES (?, ?, 'keep', (SELECT created_at FROM artifact_versions WHERE id = ?))")) {
            alias.setString(1, "soak_" + CACHE_ENTRIES);
            alias.setString(2, versions.get(CACHE_ENTRIES));
            alias.executeUpdate();
            tag.setString(1, versions.get(CACHE_ENTRIES + 1));
            tag.setString(2, "soak_" + (CACHE_ENTRIES + 1));
            tag.setString(3, versions.get(CACHE_ENTRIES + 1));
            tag.executeUpdate();
        }
        connection.commit();
        return versions.subList(0, CACHE_ENTRIES);
    }

    private static void addHistory(Connection connection, List<String> cacheEntries, int from, int to) throws SQLException {
        try (PreparedStatement output = connection.prepareStatement("INSERT INTO step_outputs (step_run_id, name, artifact_id) VALUES (?, 'output', ?)");
                PreparedStatement input = connection.prepareStatement("INSERT INTO step_inputs (step_run_id, name, artifact_id, kind) VALUES (?, 'data', ?, 'ARTIFACT')")) {
            for (int i = from + 1; i <= to; i++) {
                int entry = i % CACHE_ENTRIES;
                switch (i % 5) {
                    case 0, 1, 2 -> {
                        String run = insertRun(connection, i, "COMPLETED");
                        String cached = insertStep(connection, run, 0, "CACHED", "key-" + entry);
                        output.setString(1, cached);
                        output.setString(2, cacheEntries.get(entry));
                        output.executeUpdate();
                        String downstream = insertStep(connection, run, 1, "COMPLETED", null);
                        if (entry < CACHE_ENTRIES / 2) {
                            input.setString(1, downstream);
                            input.setString(2, cacheEntries.get(entry));
                            input.executeUpdate();
                        }
                    }
                    case 3 -> {
                        String run = insertRun(connection, i, "FAILED");
                        insertStep(connection, run, 0, "FAILED", "key-failing");
                        insertStep(connection, run, 1, "SKIPPED", null);
                    }
                    default -> insertStep(connection, insertRun(connection, i, "CANCELLED"), 0, "CANCELLED", null);
                }
            }
        }
        connection.commit();
    }

    private static String insertRun(Connection connection, int number, String status) throws SQLException {
        String id = UUID.randomUUID().toString();
        try (PreparedStatement run = connection.prepareStatement("INSERT INTO pipeline_runs (id, pipeline_id, status, started_at, ended_at, parameters)"
                + " VALUES (?, 1, ?, ?, ?, '{}')")) {
            run.setString(1, id);
            run.setString(2, status);
            run.setLong(3, number * 1_000_000L);
            run.setLong(4, number * 1_000_000L + 1);
            run.executeUpdate();
        }
        return id;
    }

    private static String insertStep(Connection connection, String run, int position, String status, String cacheKey) throws SQLException {
        String id = UUID.randomUUID().toString();
        try (PreparedStatement step = connection.prepareStatement("INSERT INTO step_runs (id, run_id, step_name, position, upstream_steps, status,"
                + " started_at, ended_at, parameters, cache_key) VALUES (?, ?, ?, ?, '[]', ?, 0, 1, '{}', ?)")) {
            step.setString(1, id);
            step.setString(2, run);
            step.setString(3, "step_" + position);
            step.setInt(4, position);
            step.setString(5, status);
            step.setString(6, cacheKey);
            step.executeUpdate();
        }
        return id;
    }

    private static List<String> ids(Connection connection, String sql) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setInt(1, 0);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getString("id"));
                }
            }
        }
        connection.commit();
        return ids;
    }

    private static long count(Connection connection, String table) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + table)) {
            rows.next();
            long count = rows.getLong(1);
            connection.commit();
            return count;
        }
    }

    private interface Timed {
        Object run() throws Exception;
    }

    private static double millis(Timed timed) throws Exception {
        long start = System.nanoTime();
        timed.run();
        return (System.nanoTime() - start) / 1e6;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    private static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
