package dev.cairn.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.cairn.api.Cairn;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.artifact.LoadOptions;
import dev.cairn.api.lifecycle.PruneOptions;
import dev.cairn.api.lifecycle.PruneReport;
import dev.cairn.api.lineage.Lineage;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunOptions;
import dev.cairn.api.run.RunStatus;
import dev.cairn.api.run.StepStatus;
import dev.cairn.materializers.arrow.ArrowMaterializer;
import dev.cairn.stores.local.LocalArtifactStore;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.table.Table;

/**
 * Runs every ratio of issue #18's table at one scale and prints one table: what, Cairn, baseline, ratio, goal, met?.
 *
 * <p>Each row measures its baseline in the same run, alternating with Cairn where the baseline can be repeated, and
 * reports medians with the spread (min–max) of the repetitions; the load average is printed at the start and the end
 * because the figures are upper bounds on a shared machine. Rows:
 * <ul>
 *   <li>Parquet save of {@code rows} × 8 numeric columns (zstd) through {@link ArrowMaterializer} into a local store
 *       draft, hashed while written, against DuckDB's {@code COPY t TO … (FORMAT parquet, COMPRESSION zstd)} from an
 *       in-memory table of the same rows;</li>
 *   <li>Parquet load of Cairn's file into an Arrow {@code Table} against DuckDB {@code read_parquet} into a table and
 *       against {@code pyarrow.parquet.read_table} in the Python of {@code CAIRN_TEST_PYTHON} (timed inside Python,
 *       interpreter start excluded; the row is skipped, saying so, when the variable is unset);</li>
 *   <li>per-step overhead of a {@code steps}-step chain of no-op steps, {@code runs} runs (median of the per-step
 *       medians, their spread, and the largest p99), against direct calls;</li>
 *   <li>the fully cached re-run of the same chain (in the process that ran it);</li>
 *   <li>lineage of the chain's run: {@code Client.runGraph} and {@code Client.lineage} of the last output (the whole
 *       upstream graph of artifacts and step runs);</li>
 *   <li>prune of {@code versions} unused versions with {@code PRUNE_THREADS} deleting threads against {@code rm -rf} of
 *       a copy of the same version directories, one copy removed just before the prune and one just after;</li>
 *   <li>metadata at a million versions: delegated to {@code MetadataScaleBenchmark} when that class is on the class
 *       path (run in a child JVM with the arguments {@code --versions N --work DIR}; it starts a throw-away PostgreSQL when
 *       {@code CAIRN_TEST_PG_BIN} or the Debian binaries are there); lines it prints of the form
 *       {@code RESULT|what|cairn|baseline|ratio|goal|met} (first page, lookup by name:version, latest, home open; SQLite,
 *       and PostgreSQL with SQLite's median as its baseline) become rows of the table. Missing class: a row says so.</li>
 * </ul>
 *
 * <p>Usage: {@link #USAGE} ({@code --help} prints it with the estimate of a full-size run); or {@code benchmarks/run-all}.
 * The argument that is not an option is the work directory (a new temporary one by default). The output ends with the
 * block to paste into BENCHMARKS.md ({@link #table}): a header with the commit, the dates and the load averages, and one
 * row per measurement with a ratio.
 */
public final class RunAll {
    private RunAll() {}

    /** One scale of every measurement. */
    record Scale(String name, int parquetRows, int parquetRuns, int steps, int stepRuns, int pruneVersions, int metadataVersions) {
        static final Scale FULL = new Scale("full", 10_000_000, 3, 10_000, 5, 100_000, 1_000_000);
        static final Scale QUICK = new Scale("quick", 500_000, 3, 2_000, 3, 5_000, 20_000);

        Scale withPruneVersions(int versions) {
            return new Scale(name + ", " + versions + " versions to prune", parquetRows, parquetRuns, steps, stepRuns, versions, metadataVersions);
        }

        Scale withParquetRows(int rows) {
            return new Scale(name + ", " + rows + " Parquet rows", rows, parquetRuns, steps, stepRuns, pruneVersions, metadataVersions);
        }

        Scale withSteps(int count) {
            return new Scale(name + ", " + count + "-step chains", parquetRows, parquetRuns, count, stepRuns, pruneVersions, metadataVersions);
        }

        Scale withMetadataVersions(int versions) {
            return new Scale(name + ", " + versions + " metadata versions", parquetRows, parquetRuns, steps, stepRuns, pruneVersions, versions);
        }
    }

    /** One row of the result table. */
    record Row(String what, String cairn, String baseline, String ratio, String goal, String met) {}

    private static final List<Row> ROWS = new ArrayList<>();
    /** CPU time of the calling thread: the lineage calls run on it, SQLite included, so it shows their cost apart from the machine's load. */
    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();
    /** Deleting threads of the measured prune ({@code cairn prune --threads}); file deletion waits on the file system, so more than the cores help. */
    private static final int PRUNE_THREADS = 4;
    /** {@code --parquet-save-only}: the Parquet section measures saves only (no loads), to fit a short benchmark window. */
    private static boolean parquetSaveOnly;

    /**
     * How long each section takes at the full size on a quiet 2-core machine, in minutes, from the session-7 runs in
     * BENCHMARKS.md ("Performance at scale", session 7: Parquet save and load 19:23–19:25, steps and lineage 19:17–19:19,
     * prune of 100,000 versions 19:04–19:09, metadata at 1,000,000 versions 19:12–19:13 plus the child JVM); printed by
     * {@code --help}.
     */
    static final List<Map.Entry<String, Integer>> FULL_SIZE_MINUTES = List.of(Map.entry("parquet", 3), Map.entry("steps,lineage", 2),
            Map.entry("prune", 5), Map.entry("metadata", 2));

    static final String USAGE = """
            Usage: benchmarks/run-all [--help] [--quick] [--parquet-save-only] [--parquet-rows=N] [--steps=N] [--prune-versions=N]
                                      [--metadata-versions=N] [--only=parquet,steps,lineage,prune,metadata] [work dir]
            Runs every row of issue #18's table, each against its baseline in the same run, and prints at the end one Markdown
            table (what, Cairn, baseline, ratio, goal, met?) headed by the commit, the date and the load average, ready to paste
            into BENCHMARKS.md. Rows of sections left out by --only are listed as not run.
              --quick                small sizes: 500,000 Parquet rows, 2,000-step chains, 5,000 versions to prune, 20,000 metadata versions
              --parquet-save-only    the Parquet section times saves only
              --parquet-rows=N, --steps=N, --prune-versions=N, --metadata-versions=N   one section's size (after --quick, if given)
            The commit in the header is -Dcairn.commit (the script sets it), else `git describe` of the working directory.""";

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        ROWS.clear();
        parquetSaveOnly = false;
        Scale scale = Scale.FULL;
        List<String> only = SECTIONS;
        Path work = null;
        for (String arg : args) {
            if (arg.equals("--help") || arg.equals("-h")) {
                System.out.println(USAGE);
                System.out.println(fullSizeEstimate());
                return;
            } else if (arg.equals("--quick")) {
                scale = Scale.QUICK;
            } else if (arg.startsWith("--prune-versions=")) {
                scale = scale.withPruneVersions(Integer.parseInt(arg.substring("--prune-versions=".length())));
            } else if (arg.startsWith("--metadata-versions=")) {
                scale = scale.withMetadataVersions(Integer.parseInt(arg.substring("--metadata-versions=".length())));
            } else if (arg.startsWith("--parquet-rows=")) {
                scale = scale.withParquetRows(Integer.parseInt(arg.substring("--parquet-rows=".length())));
            } else if (arg.startsWith("--steps=")) {
                scale = scale.withSteps(Integer.parseInt(arg.substring("--steps=".length())));
            } else if (arg.equals("--parquet-save-only")) {
                parquetSaveOnly = true;
            } else if (arg.startsWith("--only=")) {
                only = Arrays.asList(arg.substring("--only=".length()).split(","));
                for (String section : only) {
                    require(SECTIONS.contains(section), "unknown section '" + section + "' in " + arg + "; sections: " + String.join(",", SECTIONS));
                }
            } else if (arg.startsWith("--")) {
                throw new IllegalArgumentException("unknown option " + arg + "\n" + USAGE);
            } else {
                work = Path.of(arg);
            }
        }
        if (work == null) {
            work = Files.createTempDirectory("cairn-run-all");
        }
        Files.createDirectories(work);
        String startLoad = loadAverage();
        Instant started = Instant.now();
        System.out.printf(Locale.ROOT, "run-all: scale %s, %d processors, Java %s, work %s, started %s, load average %s%n", scale.name(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), work, started, startLoad);
        if (only.contains("steps") || only.contains("lineage")) {
            steps(scale, work.resolve("steps"), only.contains("steps"), only.contains("lineage"));
        }
        if (only.contains("prune")) {
            prune(scale, work.resolve("prune"));
        }
        if (only.contains("parquet")) {
            parquet(scale, work.resolve("parquet"));
        }
        if (only.contains("metadata")) {
            metadata(scale, work.resolve("metadata"));
        }
        System.out.println();
        System.out.print(table(scale, only, started, Instant.now(), startLoad, loadAverage()));
    }

    static final List<String> SECTIONS = List.of("parquet", "steps", "lineage", "prune", "metadata");

    /** The rows of issue #18's table that each section measures, for the sections a run leaves out: name and goal. */
    private static final Map<String, List<Map.Entry<String, String>>> ISSUE_ROWS = Map.of(
            "parquet", List.of(Map.entry("Parquet save, 10M rows × 8 cols, zstd (speed vs DuckDB)", "≥ 1.0×"),
                    Map.entry("Parquet load, 10M rows × 8 cols (speed vs pyarrow)", "≥ 0.8×")),
            "steps", List.of(Map.entry("per-step overhead, 10k no-op chain, median", "≤ 0.5 ms"),
                    Map.entry("per-step overhead, 10k no-op chain, p99", "≤ 2 ms"), Map.entry("fully cached re-run, 10k steps", "≤ 1 s")),
            "lineage", List.of(Map.entry("lineage of a 10k-step run (run graph and whole upstream graph)", "≤ 200 ms")),
            "prune", List.of(Map.entry("prune 100k unused versions", "≤ 2× rm -rf")),
            "metadata", List.of(Map.entry("metadata at 1M artifact versions", "page ≤ 100 ms, lookup ≤ 1 ms, latest ≤ 1 ms, open ≤ 200 ms")));

    /**
     * The Markdown block to paste into BENCHMARKS.md: a header line with the commit, the dates and the load averages,
     * then the table of every row measured, then a "not run" row for each row of the issue's table whose section was left out.
     */
    static String table(Scale scale, List<String> only, Instant started, Instant ended, String startLoad, String endLoad) {
        StringBuilder out = new StringBuilder();
        java.time.format.DateTimeFormatter minutes = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT)
                .withZone(java.time.ZoneOffset.UTC);
        out.append(String.format(Locale.ROOT, "run-all at commit `%s`, %s–%s UTC, scale %s, %d processors; load average %s at the start, %s at the end;"
                + " medians (min–max) of the repetitions%n%n", commit(), minutes.format(started), minutes.format(ended).substring(11), scale.name(),
                Runtime.getRuntime().availableProcessors(), startLoad, endLoad));
        out.append("| what | Cairn | baseline | ratio | goal | met? |\n|---|---|---|---|---|---|\n");
        for (Row row : ROWS) {
            out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", row.what(), row.cairn(), row.baseline(),
                    row.ratio().equals("—") ? goalRatio(row.cairn(), row.goal()) : row.ratio(), row.goal(), row.met()));
        }
        for (String section : SECTIONS) {
            if (!only.contains(section)) {
                for (Map.Entry<String, String> row : ISSUE_ROWS.get(section)) {
                    out.append(String.format(Locale.ROOT, "| %s | — | — | — | %s | not run (--only=%s) |%n", row.getKey(), row.getValue(),
                            String.join(",", only)));
                }
            }
        }
        return out.toString();
    }

    /**
     * For a row measured against its goal only (no baseline in the same run): the first figure of {@code cairn} over the
     * goal's bound, e.g. {@code 0.47× goal}; "—" when the goal is not one bound in the same unit.
     */
    static String goalRatio(String cairn, String goal) {
        java.util.regex.Matcher value = java.util.regex.Pattern.compile("^([0-9][0-9,]*(?:\\.[0-9]+)?) (ms|s)\\b").matcher(cairn);
        java.util.regex.Matcher bound = java.util.regex.Pattern.compile("^[≤≥] ([0-9]+(?:\\.[0-9]+)?) (ms|s)$").matcher(goal);
        if (!value.find() || !bound.find()) {
            return "—";
        }
        double measured = Double.parseDouble(value.group(1).replace(",", "")) * (value.group(2).equals("s") ? 1000 : 1);
        double limit = Double.parseDouble(bound.group(1)) * (bound.group(2).equals("s") ? 1000 : 1);
        double ratio = measured / limit;
        return String.format(Locale.ROOT, ratio < 0.1 ? "%.3f× goal" : "%.2f× goal", ratio);
    }

    /** The commit measured: {@code -Dcairn.commit}, else {@code git describe --always --dirty} here, else "unknown". */
    private static String commit() {
        String given = System.getProperty("cairn.commit", "");
        if (!given.isBlank()) {
            return given;
        }
        try {
            Process git = new ProcessBuilder("git", "describe", "--always", "--dirty", "--abbrev=7").redirectErrorStream(true).start();
            String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return git.waitFor() == 0 && !out.isEmpty() ? out : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /** The {@code --help} estimate of a full-size run: the sum of the sections' times at full size. */
    static String fullSizeEstimate() {
        int total = FULL_SIZE_MINUTES.stream().mapToInt(Map.Entry::getValue).sum();
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "A full-size run (no --quick) takes about %d minutes on a quiet 2-core machine (", total));
        for (int i = 0; i < FULL_SIZE_MINUTES.size(); i++) {
            out.append(i == 0 ? "" : ", ").append(FULL_SIZE_MINUTES.get(i).getKey()).append(" ~").append(FULL_SIZE_MINUTES.get(i).getValue()).append(" min");
        }
        return out.append(", from the session-7 runs in BENCHMARKS.md), longer under load, plus the build when the jar is missing."
                + " --quick takes a few minutes.").toString();
    }

    // ----- per-step overhead, cached re-run, lineage -----

    private static void steps(Scale scale, Path work, boolean overhead, boolean lineage) throws IOException {
        int steps = scale.steps();
        try (Cairn cairn = Cairn.builder().home(work.resolve("home")).build()) {
            Pipeline warmUp = StepOverheadBenchmark.chain(500);
            cairn.run(warmUp);
            cairn.run(warmUp);
            int runs = overhead ? scale.stepRuns() : 1; // lineage alone needs one run of the chain
            double[] medians = new double[runs];
            double[] p99s = new double[runs];
            double[] reruns = new double[runs];
            double[] direct = new double[runs];
            double[] computing = new double[runs];
            PipelineRun last = null;
            for (int i = 0; i < runs; i++) {
                Pipeline chain = StepOverheadBenchmark.chain(steps);
                StepOverheadBenchmark.Timings timings = new StepOverheadBenchmark.Timings();
                long commitsBefore = dev.cairn.engine.metadata.sqlite.SqliteMetadataStore.committedWriteTransactions();
                long runStart = System.nanoTime();
                PipelineRun run = cairn.run(chain, RunOptions.withListener(timings));
                computing[i] = (System.nanoTime() - runStart) / 1e6;
                long commits = dev.cairn.engine.metadata.sqlite.SqliteMetadataStore.committedWriteTransactions() - commitsBefore;
                require(run.status() == RunStatus.COMPLETED, "chain run failed: " + run.error().orElse(""));
                medians[i] = timings.median() / 1e6;
                p99s[i] = timings.percentile(0.99) / 1e6;
                direct[i] = StepOverheadBenchmark.direct(steps, true) / 1e6 / steps;
                long rerunCommitsBefore = dev.cairn.engine.metadata.sqlite.SqliteMetadataStore.committedWriteTransactions();
                long rerunStatementsBefore = dev.cairn.engine.metadata.sqlite.SqliteMetadataStore.executedStatements();
                long start = System.nanoTime();
                PipelineRun rerun = cairn.run(chain);
                reruns[i] = (System.nanoTime() - start) / 1e6;
                long rerunCommits = dev.cairn.engine.metadata.sqlite.SqliteMetadataStore.committedWriteTransactions() - rerunCommitsBefore;
                long rerunStatements = dev.cairn.engine.metadata.sqlite.SqliteMetadataStore.executedStatements() - rerunStatementsBefore;
                long cached = rerun.steps().stream().filter(step -> step.status() == StepStatus.CACHED).count();
                require(cached == steps, "re-run cached " + cached + " of " + steps + " steps");
                System.out.printf(Locale.ROOT, "chain run %d: per-step median %.3f ms, p99 %.3f ms; cached re-run %.0f ms;"
                        + " SQLite write transactions %d (%.2f per step), re-run %d; SQL statements of the re-run %.2f per step%n", i + 1, medians[i],
                        p99s[i], reruns[i], commits, (double) commits / steps, rerunCommits, (double) rerunStatements / steps);
                last = run;
            }
            if (overhead) {
                double median = median(medians);
                double p99 = max(p99s);
                double directMillis = median(direct);
                ROWS.add(new Row(String.format(Locale.ROOT, "per-step overhead, %,d no-op chain, median (%d runs)", steps, medians.length),
                        ms(median) + " (" + spread(medians, 3) + ")", String.format(Locale.ROOT, "%.1f ns direct call", directMillis * 1e6),
                        directMillis > 0 ? String.format(Locale.ROOT, "%,.0f×", median / directMillis) : "—", "≤ 0.5 ms", yesNo(median <= 0.5)));
                ROWS.add(new Row(String.format(Locale.ROOT, "per-step overhead, %,d no-op chain, p99 (worst of %d runs)", steps, p99s.length),
                        ms(p99) + " (" + spread(p99s, 3) + ")", ms(median) + " per-step median", ratio(p99, median), "≤ 2 ms", yesNo(p99 <= 2)));
                double rerun = median(reruns);
                ROWS.add(new Row(String.format(Locale.ROOT, "fully cached re-run, %,d steps (same process)", steps),
                        String.format(Locale.ROOT, "%.0f ms (%s)", rerun, spread(reruns, 0)),
                        String.format(Locale.ROOT, "%.0f ms (%s) computing run of the chain", median(computing), spread(computing, 0)),
                        String.format(Locale.ROOT, "%.2f×", rerun / median(computing)), "≤ 1 s", yesNo(rerun <= 1000)));
            }
            if (lineage) {
                lineage(cairn, last, steps);
            }
        }
    }

    private static void lineage(Cairn cairn, PipelineRun run, int steps) {
        ArtifactVersion lastOutput = run.steps().get(run.steps().size() - 1).outputs().values().iterator().next();
        int repetitions = 5;
        double[] graph = new double[repetitions];
        double[] upstream = new double[repetitions];
        double[] listing = new double[repetitions];
        double[] graphCpu = new double[repetitions];
        double[] upstreamCpu = new double[repetitions];
        int graphNodes = 0;
        int lineageNodes = 0;
        for (int i = -1; i < repetitions; i++) { // i = -1: warm-up
            long start = System.nanoTime();
            int listed = cairn.client().listStepRuns(run.id()).size();
            double listMillis = (System.nanoTime() - start) / 1e6;
            long cpu = THREADS.getCurrentThreadCpuTime();
            start = System.nanoTime();
            Lineage runGraph = cairn.client().runGraph(run.id());
            double graphMillis = (System.nanoTime() - start) / 1e6;
            double graphCpuMillis = (THREADS.getCurrentThreadCpuTime() - cpu) / 1e6;
            cpu = THREADS.getCurrentThreadCpuTime();
            start = System.nanoTime();
            Lineage artifactLineage = cairn.client().lineage(lastOutput);
            double lineageMillis = (System.nanoTime() - start) / 1e6;
            double lineageCpuMillis = (THREADS.getCurrentThreadCpuTime() - cpu) / 1e6;
            require(listed == steps, "run lists " + listed + " steps");
            graphNodes = runGraph.nodes().size();
            lineageNodes = artifactLineage.nodes().size();
            require(graphNodes == steps, "run graph has " + graphNodes + " nodes, expected " + steps);
            require(lineageNodes == 2 * steps, "lineage of the last output has " + lineageNodes + " nodes, expected " + 2 * steps);
            if (i >= 0) {
                graph[i] = graphMillis;
                graphCpu[i] = graphCpuMillis;
                upstream[i] = lineageMillis;
                upstreamCpu[i] = lineageCpuMillis;
                listing[i] = listMillis;
            }
        }
        ROWS.add(new Row(String.format(Locale.ROOT, "lineage of a %,d-step run: run graph (%,d nodes)", steps, graphNodes),
                String.format(Locale.ROOT, "%.1f ms (%s); CPU %.1f ms", median(graph), spread(graph, 1), median(graphCpu)),
                String.format(Locale.ROOT, "%.1f ms reading the run's step runs", median(listing)), ratio(median(graph), median(listing)), "≤ 200 ms",
                yesNo(median(graph) <= 200)));
        ROWS.add(new Row(String.format(Locale.ROOT, "lineage of a %,d-step run: whole upstream graph of its last output (%,d nodes)", steps, lineageNodes),
                String.format(Locale.ROOT, "%.1f ms (%s); CPU %.1f ms", median(upstream), spread(upstream, 1), median(upstreamCpu)),
                String.format(Locale.ROOT, "%.1f ms reading the run's step runs", median(listing)), ratio(median(upstream), median(listing)), "≤ 200 ms",
                yesNo(median(upstream) <= 200)));
    }

    // ----- prune -----

    private static void prune(Scale scale, Path work) throws Exception {
        int count = scale.pruneVersions();
        Path home = work.resolve("home");
        deleteTree(work);
        long createStart = System.nanoTime();
        PruneBenchmark.create(home, count);
        System.out.printf(Locale.ROOT, "prune: created %,d unused versions in %.1f s%n", count, (System.nanoTime() - createStart) / 1e9);
        Path artifacts = home.resolve("store/artifacts");
        // Two copies of the same version directories: rm -rf of one before the prune and of the other after it, so the
        // baseline brackets the prune in time (the disk's speed drifts on a shared machine).
        Path before = work.resolve("rm-copy-before");
        Path after = work.resolve("rm-copy-after");
        exec(List.of("cp", "-a", artifacts.toString(), before.toString()));
        exec(List.of("cp", "-a", artifacts.toString(), after.toString()));
        exec(List.of("sync"));
        long files = countFiles(before);
        double rmBefore = timeCommand(List.of("rm", "-rf", before.toString()));
        exec(List.of("sync"));
        PruneReport report;
        double pruneSeconds;
        try (Cairn cairn = Cairn.open(home)) {
            long start = System.nanoTime();
            report = cairn.client().prune(PruneOptions.builder().threads(PRUNE_THREADS).build());
            pruneSeconds = (System.nanoTime() - start) / 1e9;
            require(report.versions().size() == count, "pruned " + report.versions().size() + " of " + count + " versions");
            require(cairn.client().listArtifactVersions().isEmpty(), "versions left after the prune");
        }
        exec(List.of("sync"));
        double rmAfter = timeCommand(List.of("rm", "-rf", after.toString()));
        long left = countFiles(artifacts);
        require(left == 0, left + " files left in the store after the prune");
        double rmSeconds = (rmBefore + rmAfter) / 2;
        System.out.printf(Locale.ROOT, "prune: rm -rf of a copy (%,d files) %.2f s before, %.2f s after; prune %.2f s%n", files, rmBefore, rmAfter,
                pruneSeconds);
        ROWS.add(new Row(String.format(Locale.ROOT, "prune %,d unused versions (%,d files), %d deleting threads", count, files, PRUNE_THREADS),
                String.format(Locale.ROOT, "%.2f s", pruneSeconds),
                String.format(Locale.ROOT, "%.2f s rm -rf of a copy (mean of %.2f s before and %.2f s after)", rmSeconds, rmBefore, rmAfter),
                String.format(Locale.ROOT, "%.2f×", pruneSeconds / rmSeconds), "≤ 2× rm -rf", yesNo(pruneSeconds <= 2 * rmSeconds)));
    }

    private static double timeCommand(List<String> command) throws IOException, InterruptedException {
        long start = System.nanoTime();
        exec(command);
        return (System.nanoTime() - start) / 1e9;
    }

    // ----- Parquet -----

    private static void parquet(Scale scale, Path work) throws Exception {
        int rows = scale.parquetRows();
        deleteTree(work);
        Files.createDirectories(work);
        String python = System.getenv("CAIRN_TEST_PYTHON");
        try (RootAllocator allocator = new RootAllocator()) {
            ArrowParquetBenchmark.Arrays8 arrays = ArrowParquetBenchmark.generate(rows);
            try (Table table = ArrowParquetBenchmark.toTable(arrays, allocator)) {
                ArrowMaterializer materializer = new ArrowMaterializer(allocator);
                LocalArtifactStore store = new LocalArtifactStore(Files.createDirectories(work.resolve("store")));
                Path duckFile = work.resolve("duckdb.parquet");
                List<Double> cairnSave = new ArrayList<>();
                List<Double> duckSave = new ArrayList<>();
                List<Double> directSave = new ArrayList<>();
                List<Double> arrowSave = new ArrayList<>();
                Path directFile = work.resolve("parquet-java.parquet");
                Path arrowFile = work.resolve("pyarrow.parquet");
                List<Double> cairnLoad = new ArrayList<>();
                List<Double> duckLoad = new ArrayList<>();
                List<Double> arrowLoad = new ArrayList<>();
                URI artifact = null;
                try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:"); Statement sql = duckdb.createStatement()) {
                    for (int run = 0; run <= scale.parquetRuns(); run++) { // run 0: warm-up
                        boolean warmUp = run == 0;
                        if (artifact != null) {
                            store.delete(artifact);
                        }
                        System.gc();
                        URI[] saved = new URI[1];
                        double seconds = time(() -> saved[0] = ArrowParquetBenchmark.cairnSave(materializer, store, table, "bench-" + System.nanoTime()));
                        artifact = saved[0];
                        add(warmUp, cairnSave, seconds, "cairn save");
                        String cairnFile = Path.of(URI.create(artifact.toString().endsWith("/") ? artifact + "data.parquet" : artifact + "/data.parquet"))
                                .toString();
                        if (warmUp) {
                            sql.execute("CREATE TABLE t AS SELECT * FROM read_parquet('" + cairnFile + "')");
                        }
                        Files.deleteIfExists(duckFile);
                        long start = System.nanoTime();
                        sql.execute("COPY t TO '" + duckFile + "' (FORMAT parquet, COMPRESSION zstd)");
                        add(warmUp, duckSave, (System.nanoTime() - start) / 1e9, "duckdb COPY TO");
                        Files.deleteIfExists(directFile);
                        System.gc();
                        add(warmUp, directSave, time(() -> {
                            ArrowParquetBenchmark.directWrite(arrays, directFile);
                            return null;
                        }), "parquet-java write (1 thread, same settings)");
                        if (python != null) {
                            Files.deleteIfExists(arrowFile);
                            add(warmUp, arrowSave, pyarrowWrite(python, duckFile.toString(), arrowFile.toString(), rows), "pyarrow write_table");
                        }
                        try (ResultSet check = sql.executeQuery("SELECT count(*), sum(c4) FROM read_parquet('" + cairnFile + "')")) {
                            check.next();
                            require(check.getLong(1) == rows && check.getLong(2) == (long) rows * (rows - 1) / 2,
                                    "DuckDB read " + check.getLong(1) + " rows of Cairn's file, id sum " + check.getLong(2));
                        }
                        if (parquetSaveOnly) {
                            continue;
                        }
                        URI loadFrom = artifact;
                        System.gc();
                        start = System.nanoTime();
                        try (Table loaded = (Table) materializer.load(Table.class,
                                new ArrowParquetBenchmark.StoreReader(store, loadFrom, LoadOptions.DEFAULT))) {
                            require(loaded.getRowCount() == rows, "loaded " + loaded.getRowCount() + " rows");
                        }
                        add(warmUp, cairnLoad, (System.nanoTime() - start) / 1e9, "cairn load");
                        sql.execute("DROP TABLE IF EXISTS r");
                        start = System.nanoTime();
                        sql.execute("CREATE TABLE r AS SELECT * FROM read_parquet('" + cairnFile + "')");
                        add(warmUp, duckLoad, (System.nanoTime() - start) / 1e9, "duckdb read_parquet");
                        try (ResultSet count = sql.executeQuery("SELECT count(*) FROM r")) {
                            count.next();
                            require(count.getLong(1) == rows, "DuckDB read " + count.getLong(1) + " rows of Cairn's file");
                        }
                        sql.execute("DROP TABLE r");
                        if (python != null) {
                            add(warmUp, arrowLoad, pyarrowRead(python, cairnFile, rows), "pyarrow read_table");
                        }
                    }
                }
                long cairnBytes = Files.size(Path.of(URI.create(artifact.toString().endsWith("/") ? artifact + "data.parquet" : artifact + "/data.parquet")));
                System.out.printf(Locale.ROOT, "parquet: file sizes Cairn %.1f MiB, DuckDB %.1f MiB, parquet-java %.1f MiB%s%n", cairnBytes / 1048576.0,
                        Files.size(duckFile) / 1048576.0, Files.size(directFile) / 1048576.0,
                        python != null && Files.exists(arrowFile) ? String.format(Locale.ROOT, ", pyarrow %.1f MiB", Files.size(arrowFile) / 1048576.0) : "");
                double save = median(cairnSave);
                double duck = median(duckSave);
                ROWS.add(new Row(String.format(Locale.ROOT, "Parquet save, %,d rows × 8 cols, zstd (speed vs DuckDB)", rows), seconds(cairnSave),
                        seconds(duckSave) + " DuckDB COPY TO", String.format(Locale.ROOT, "%.2f×", duck / save), "≥ 1.0×", yesNo(duck / save >= 1.0)));
                ROWS.add(new Row(String.format(Locale.ROOT, "Parquet save, %,d rows × 8 cols, zstd (speed vs parquet-java)", rows), seconds(cairnSave),
                        seconds(directSave) + " parquet-java, 1 thread", String.format(Locale.ROOT, "%.2f×", median(directSave) / save), "report", "—"));
                if (python != null) {
                    ROWS.add(new Row(String.format(Locale.ROOT, "Parquet save, %,d rows × 8 cols, zstd (speed vs pyarrow)", rows), seconds(cairnSave),
                            seconds(arrowSave) + " pyarrow write_table", String.format(Locale.ROOT, "%.2f×", median(arrowSave) / save), "report", "—"));
                }
                if (parquetSaveOnly) {
                    store.delete(artifact);
                    return;
                }
                double load = median(cairnLoad);
                ROWS.add(new Row(String.format(Locale.ROOT, "Parquet load, %,d rows × 8 cols (speed vs DuckDB)", rows), seconds(cairnLoad),
                        seconds(duckLoad) + " DuckDB read_parquet", String.format(Locale.ROOT, "%.2f×", median(duckLoad) / load), "report", "—"));
                if (python != null) {
                    double arrow = median(arrowLoad);
                    ROWS.add(new Row(String.format(Locale.ROOT, "Parquet load, %,d rows × 8 cols (speed vs pyarrow)", rows), seconds(cairnLoad),
                            seconds(arrowLoad) + " pyarrow read_table", String.format(Locale.ROOT, "%.2f×", arrow / load), "≥ 0.8×",
                            yesNo(arrow / load >= 0.8)));
                } else {
                    ROWS.add(new Row("Parquet load vs pyarrow", "—", "not run: set CAIRN_TEST_PYTHON to a Python with pyarrow", "—", "≥ 0.8×", "not measured"));
                }
                store.delete(artifact);
            }
        }
    }

    /**
     * Times {@code pyarrow.parquet.write_table(table, target, compression="zstd")} of the rows of {@code source} (read
     * first, untimed) in a Python process; returns seconds (interpreter start and the read excluded).
     */
    private static double pyarrowWrite(String python, String source, String target, int rows) throws IOException, InterruptedException {
        String script = "import sys, time\nimport pyarrow.parquet as pq\nt = pq.read_table(sys.argv[1])\nstart = time.perf_counter()\n"
                + "pq.write_table(t, sys.argv[2], compression='zstd')\nelapsed = time.perf_counter() - start\nprint(t.num_rows, elapsed)\n";
        List<String> output = exec(List.of(python, "-c", script, source, target));
        String[] parts = output.get(output.size() - 1).trim().split(" ");
        require(Long.parseLong(parts[0]) == rows, "pyarrow wrote " + parts[0] + " rows");
        return Double.parseDouble(parts[1]);
    }

    /** Times {@code pyarrow.parquet.read_table} of {@code file} in a Python process; returns seconds (interpreter start excluded). */
    private static double pyarrowRead(String python, String file, int rows) throws IOException, InterruptedException {
        String script = "import sys, time\nimport pyarrow.parquet as pq\nstart = time.perf_counter()\nt = pq.read_table(sys.argv[1])\n"
                + "elapsed = time.perf_counter() - start\nprint(t.num_rows, elapsed)\n";
        List<String> output = exec(List.of(python, "-c", script, file));
        String[] parts = output.get(output.size() - 1).trim().split(" ");
        require(Long.parseLong(parts[0]) == rows, "pyarrow read " + parts[0] + " rows");
        return Double.parseDouble(parts[1]);
    }

    // ----- metadata at scale (MetadataScaleBenchmark, issue #14) -----

    private static void metadata(Scale scale, Path work) throws Exception {
        String className = "dev.cairn.benchmarks.MetadataScaleBenchmark";
        try {
            Class.forName(className, false, RunAll.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            ROWS.add(new Row("metadata at " + String.format(Locale.ROOT, "%,d", scale.metadataVersions()) + " versions", "—",
                    "—", "—", "page ≤ 100 ms, lookup ≤ 1 ms, latest ≤ 1 ms, open ≤ 200 ms", "not measured: " + className + " is not on this branch"));
            return;
        }
        deleteTree(work);
        Files.createDirectories(work);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens=java.base/java.nio=ALL-UNNAMED", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"), className,
                "--versions", Integer.toString(scale.metadataVersions()), "--work", work.toString()));
        int before = ROWS.size();
        for (String line : exec(command)) {
            if (line.startsWith("RESULT|")) {
                String[] cells = line.split("\\|", -1);
                if (cells.length >= 7) {
                    ROWS.add(new Row(cells[1], cells[2], cells[3], cells[4], cells[5], cells[6]));
                }
            }
        }
        if (ROWS.size() == before) {
            ROWS.add(new Row("metadata at " + String.format(Locale.ROOT, "%,d", scale.metadataVersions()) + " versions", "see " + className + " output above",
                    "—", "—", "page ≤ 100 ms, lookup ≤ 1 ms, latest ≤ 1 ms, open ≤ 200 ms", "see above"));
        }
    }

    // ----- helpers -----

    @FunctionalInterface
    private interface Timed {
        Object run() throws Exception;
    }

    private static double time(Timed timed) throws Exception {
        long start = System.nanoTime();
        timed.run();
        return (System.nanoTime() - start) / 1e9;
    }

    private static void add(boolean warmUp, List<Double> list, double seconds, String name) {
        System.out.printf(Locale.ROOT, "%s%s: %.2f s%n", warmUp ? "(warm-up) " : "", name, seconds);
        if (!warmUp) {
            list.add(seconds);
        }
    }

    /** Runs a command, echoing and returning its output lines; fails on a non-zero exit. */
    static List<String> exec(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lines.add(line);
                if (!command.get(0).equals("cp")) {
                    System.out.println("  " + line);
                }
            }
        }
        int exit = process.waitFor();
        require(exit == 0, String.join(" ", command.subList(0, Math.min(3, command.size()))) + " exited with " + exit);
        return lines;
    }

    private static long countFiles(Path root) throws IOException {
        if (!Files.exists(root)) {
            return 0;
        }
        try (var walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).count();
        }
    }

    private static void deleteTree(Path root) throws IOException, InterruptedException {
        if (Files.exists(root)) {
            exec(List.of("rm", "-rf", root.toString()));
        }
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    static double median(List<Double> values) {
        return median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static double max(double[] values) {
        return Arrays.stream(values).max().orElse(Double.NaN);
    }

    private static String spread(double[] values, int decimals) {
        String format = "%." + decimals + "f";
        return String.format(Locale.ROOT, format + "–" + format, Arrays.stream(values).min().orElse(Double.NaN), max(values));
    }

    private static String seconds(List<Double> values) {
        double[] array = values.stream().mapToDouble(Double::doubleValue).toArray();
        return String.format(Locale.ROOT, "%.2f s (%s)", median(array), spread(array, 2));
    }

    private static String ms(double millis) {
        return String.format(Locale.ROOT, "%.3f ms", millis);
    }

    private static String ratio(double cairn, double baseline) {
        return String.format(Locale.ROOT, "%.1f×", cairn / baseline);
    }

    private static String yesNo(boolean met) {
        return met ? "met" : "NOT met";
    }

}
