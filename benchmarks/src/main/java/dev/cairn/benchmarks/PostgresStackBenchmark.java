package dev.cairn.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import dev.cairn.api.Cairn;
import dev.cairn.api.metadata.MetadataStore;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunOptions;
import dev.cairn.api.run.RunStatus;
import dev.cairn.engine.metadata.postgres.PostgresLocation;
import dev.cairn.engine.metadata.postgres.PostgresMetadataStore;
import dev.cairn.engine.metadata.sqlite.SqliteMetadataStore;
import dev.cairn.testkit.postgres.ThrowAwayPostgres;

/**
 * Issue 14's figures, each on PostgreSQL and on the embedded SQLite store (the baseline) in the same run:
 * <ol>
 *   <li>per-step overhead: a chain and a fan-out of {@code steps} no-op steps (default 10,000), median and p90 of the step
 *       durations the scheduler reports, and the total per step;</li>
 *   <li>version-creation throughput with 1, 4 and 16 processes (child JVMs, {@link VersionWriterMain}), all on one name
 *       and each on its own name, {@code perProcess} versions each (reserve + commit), started together;</li>
 *   <li>the first page of a listing of {@code versions} versions (default 1,000,000, bulk-loaded with one SQL statement)
 *       and lookups by name:version, medians over repeated calls.</li>
 * </ol>
 * Arguments: three empty PostgreSQL databases (URIs) for the three parts, then optionally steps, perProcess, versions
 * ({@code 0}: no listing part; {@code perProcess} 0: no throughput part); without URIs a throw-away server is started (the numbers may follow alone).
 * With {@code -Dcairn.bench.chainOnly=true} the per-step part measures the chain only (no fan-out).
 */
public final class PostgresStackBenchmark {
    private PostgresStackBenchmark() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || !args[0].contains("://")) {
            // no server given: a throw-away one from the Debian binaries, as the tests start it
            java.util.Optional<Path> bin = ThrowAwayPostgres.binaries();
            if (bin.isEmpty()) {
                System.out.println("# PostgresStackBenchmark skipped: no PostgreSQL URIs given and no server binaries (install the Debian"
                        + " package 'postgresql' or set CAIRN_TEST_PG_BIN)");
                return;
            }
            try (ThrowAwayPostgres server = ThrowAwayPostgres.start(bin.get(), "cairn-bench-pg-")) {
                System.out.println("# a throw-away PostgreSQL started by this benchmark on this machine (fsync=off, synchronous_commit=off)");
                List<String> full = new ArrayList<>(List.of(server.newDatabase("bench_steps", java.util.Optional.empty()).toString(), server.newDatabase("bench_versions", java.util.Optional.empty()).toString(),
                        server.newDatabase("bench_listing", java.util.Optional.empty()).toString()));
                full.addAll(Arrays.asList(args));
                run(full.toArray(String[]::new));
            }
            return;
        }
        run(args);
    }

    /** Arguments: three empty PostgreSQL databases, then optionally steps, perProcess, versions (0 skips that part). */
    private static void run(String[] args) throws Exception {
        URI stepsDatabase = URI.create(args[0]);
        URI versionsDatabase = URI.create(args[1]);
        URI listingDatabase = URI.create(args[2]);
        int steps = args.length > 3 ? Integer.parseInt(args[3]) : 10_000;
        int perProcess = args.length > 4 ? Integer.parseInt(args[4]) : 100;
        int versions = args.length > 5 ? Integer.parseInt(args[5]) : 1_000_000;
        Path work = Files.createTempDirectory("cairn-pg-bench-");
        System.out.printf(Locale.ROOT, "cores=%d java=%s load=%.1f work=%s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), work);
        stepOverhead(work, stepsDatabase, steps);
        if (perProcess > 0) { // 0: per-step overhead (and listing) only
            versionThroughput(work, versionsDatabase, perProcess);
        }
        if (versions > 0) { // MetadataScaleBenchmark measures listing at scale in more detail
            listing(work, listingDatabase, versions);
        }
    }

    // --- 1. per-step overhead ---

    private static void stepOverhead(Path work, URI postgres, int steps) {
        System.out.println();
        System.out.printf(Locale.ROOT, "| per-step overhead, %,d no-op steps | SQLite median | SQLite p90 | SQLite total/step | PostgreSQL median | PostgreSQL p90 | PostgreSQL total/step | ratio (median) |%n", steps);
        System.out.println("|---|---|---|---|---|---|---|---|");
        try (Cairn sqlite = Cairn.builder().home(work.resolve("sqlite-home")).build();
                Cairn pg = Cairn.builder().home(work.resolve("pg-home")).metadata(postgres).artifactStore(work.resolve("pg-store").toUri()).build()) {
            for (Cairn cairn : List.of(sqlite, pg)) { // warm-up: JIT, connections, caches
                cairn.run(StepOverheadBenchmark.chain(300));
            }
            // -Dcairn.bench.chainOnly=true: the figure (the chain) alone, to fit more repetitions in a benchmark window
            boolean[] shapes = Boolean.getBoolean("cairn.bench.chainOnly") ? new boolean[] {true} : new boolean[] {true, false};
            for (boolean chain : shapes) {
                double[] s = stepRun(sqlite, steps, chain);
                double[] p = stepRun(pg, steps, chain);
                System.out.printf(Locale.ROOT, "| %s | %.3f ms | %.3f ms | %.3f ms | %.3f ms | %.3f ms | %.3f ms | %.1f |%n", chain ? "chain" : "fan-out",
                        s[0], s[1], s[2], p[0], p[1], p[2], p[0] / s[0]);
            }
        }
    }

    private static double[] stepRun(Cairn cairn, int steps, boolean chain) {
        Pipeline pipeline = chain ? StepOverheadBenchmark.chain(steps) : StepOverheadBenchmark.fanOut(steps);
        StepOverheadBenchmark.Timings timings = new StepOverheadBenchmark.Timings();
        long start = System.nanoTime();
        PipelineRun run = cairn.run(pipeline, RunOptions.withListener(timings));
        long total = System.nanoTime() - start;
        if (run.status() != RunStatus.COMPLETED) {
            throw new IllegalStateException("run failed: " + run.error().orElse(""));
        }
        return new double[] {timings.median() / 1e6, timings.percentile(0.9) / 1e6, total / 1e6 / steps};
    }

    // --- 2. version throughput across processes ---

    private static void versionThroughput(Path work, URI postgres, int perProcess) throws Exception {
        URI sqlite = URI.create("sqlite:" + work.resolve("versions.db"));
        try (SqliteMetadataStore store = SqliteMetadataStore.open(work.resolve("versions.db"))) {
            store.listArtifactNames(); // create the schema before the children race to
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "| versions/s, %d per process (reserve + commit) | processes | SQLite | PostgreSQL | ratio |%n", perProcess);
        System.out.println("|---|---|---|---|---|");
        for (boolean oneName : new boolean[] {true, false}) {
            for (int processes : new int[] {1, 4, 16}) {
                double s = throughput(sqlite, processes, perProcess, oneName);
                double p = throughput(postgres, processes, perProcess, oneName);
                System.out.printf(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.2f |%n", oneName ? "one name" : "distinct names", processes, s, p, p / s);
            }
        }
    }

    private static double throughput(URI store, int processes, int perProcess, boolean oneName) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<Process> children = new ArrayList<>();
        List<BufferedReader> outputs = new ArrayList<>();
        for (int i = 0; i < processes; i++) {
            Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                    VersionWriterMain.class.getName(), store.toString(), oneName ? "race-" + run : "race-" + run + "-" + i, Integer.toString(perProcess))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            children.add(child);
            BufferedReader output = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            outputs.add(output);
        }
        for (BufferedReader output : outputs) {
            String line = output.readLine();
            if (!"ready".equals(line)) {
                throw new IllegalStateException("a writer did not start: " + line);
            }
        }
        for (Process child : children) { // go
            PrintWriter input = new PrintWriter(child.getOutputStream(), true, StandardCharsets.UTF_8);
            input.println("go");
        }
        long slowest = 0;
        for (int i = 0; i < processes; i++) {
            slowest = Math.max(slowest, Long.parseLong(outputs.get(i).readLine().strip()));
            children.get(i).waitFor();
        }
        return processes * (double) perProcess / (slowest / 1e9);
    }

    // --- 3. listing and lookup at scale ---

    private static void listing(Path work, URI postgres, int versions) throws Exception {
        Path sqliteFile = work.resolve("listing.db");
        try (SqliteMetadataStore store = SqliteMetadataStore.open(sqliteFile)) {
            store.listArtifactNames();
        }
        try (PostgresMetadataStore store = PostgresMetadataStore.open(postgres)) {
            store.listArtifactNames();
        }
        long sqliteLoad = bulkLoad(DriverManager.getConnection("jdbc:sqlite:" + sqliteFile), versions, false);
        PostgresLocation location = PostgresLocation.parse(postgres, System::getenv);
        long pgLoad = bulkLoad(DriverManager.getConnection(location.jdbcUrl(), location.user().orElse(null), location.password().orElse("")), versions, true);
        System.out.println();
        System.out.printf(Locale.ROOT, "bulk load of %,d versions: SQLite %.1f s, PostgreSQL %.1f s%n", versions, sqliteLoad / 1e9, pgLoad / 1e9);
        System.out.printf(Locale.ROOT, "| %,d versions | SQLite median | SQLite p90 | PostgreSQL median | PostgreSQL p90 | ratio (median) |%n", versions);
        System.out.println("|---|---|---|---|---|---|");
        double[] sqliteFigures;
        try (SqliteMetadataStore store = SqliteMetadataStore.open(sqliteFile)) {
            sqliteFigures = listingFigures(store, versions);
        }
        double[] pgFigures;
        try (PostgresMetadataStore store = PostgresMetadataStore.open(postgres)) {
            pgFigures = listingFigures(store, versions);
        }
        System.out.printf(Locale.ROOT, "| first page (newest, default limit, all names) | %.3f ms | %.3f ms | %.3f ms | %.3f ms | %.1f |%n", sqliteFigures[0], sqliteFigures[1],
                pgFigures[0], pgFigures[1], pgFigures[0] / sqliteFigures[0]);
        System.out.printf(Locale.ROOT, "| lookup by name:version | %.3f ms | %.3f ms | %.3f ms | %.3f ms | %.1f |%n", sqliteFigures[2], sqliteFigures[3],
                pgFigures[2], pgFigures[3], pgFigures[2] / sqliteFigures[2]);
    }

    /** {@code versions} READY versions of 1,000 names in one statement; returns nanoseconds. */
    private static long bulkLoad(Connection connection, int versions, boolean postgres) throws Exception {
        String id = postgres ? "lpad(to_hex(g), 8, '0') || '-0000-4000-8000-' || lpad(to_hex(g), 12, '0')"
                : "printf('%08x-0000-4000-8000-%012x', g, g)";
        String select = "SELECT " + id + ", 'bulk-' || (g % 1000), CAST(g / 1000 + 1 AS TEXT), g / 1000 + 1, 'file:///tmp/bulk/' || g,"
                + " 'file:///tmp/bulk/', 'java.lang.String', 'cairn.string', '1', 'DATA', 'sha256:0', 1, '{}', NULL, 1700000000000000000 + g * 1000,"
                + " 'READY', 0";
        String columns = "INSERT INTO artifact_versions (id, name, version, version_number, uri, store_uri, data_type, materializer_id,"
                + " materializer_version, artifact_type, content_hash, size, metadata, producer_step_run_id, created_at, state, registered) ";
        String sql = postgres ? columns + select + " FROM generate_series(1, " + versions + ") AS g"
                : columns + "WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < " + versions + ") " + select + " FROM s";
        long start = System.nanoTime();
        try (connection; Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.execute(sql);
            if (postgres) {
                statement.execute("INSERT INTO artifact_names (name) SELECT DISTINCT name FROM artifact_versions ON CONFLICT DO NOTHING");
                statement.execute("ANALYZE artifact_versions");
            } else {
                statement.execute("ANALYZE");
            }
            connection.commit();
        }
        return System.nanoTime() - start;
    }

    private static double[] listingFigures(MetadataStore store, int versions) {
        for (int i = 0; i < 5; i++) {
            store.queryArtifactVersions(List.of());
        }
        long[] pages = new long[51];
        for (int i = 0; i < pages.length; i++) {
            long start = System.nanoTime();
            int size = store.queryArtifactVersions(List.of()).versions().size();
            pages[i] = System.nanoTime() - start;
            if (size == 0) {
                throw new IllegalStateException("an empty first page");
            }
        }
        int perName = versions / 1000;
        long[] lookups = new long[2001];
        for (int i = 0; i < lookups.length; i++) {
            int name = ThreadLocalRandom.current().nextInt(1000);
            int version = ThreadLocalRandom.current().nextInt(Math.max(1, perName)) + 1;
            long start = System.nanoTime();
            store.findArtifactVersion("bulk-" + name, Integer.toString(version));
            lookups[i] = System.nanoTime() - start;
        }
        return new double[] {percentile(pages, 0.5), percentile(pages, 0.9), percentile(lookups, 0.5), percentile(lookups, 0.9)};
    }

    private static double percentile(long[] nanos, double p) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))] / 1e6;
    }
}
