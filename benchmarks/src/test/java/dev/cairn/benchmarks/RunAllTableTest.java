package dev.cairn.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code benchmarks/run-all} ends with one Markdown table to paste into BENCHMARKS.md: a header with the commit, the
 * date and the load average, and every row of issue #18's table with a ratio (to its baseline of the same run, or to
 * its goal where it has none); rows of sections left out are listed as not run. {@code --help} prints the estimate of a
 * full-size run. Every section runs here, at tiny sizes; times are not asserted.
 */
class RunAllTableTest {
    private static final String HEADER = "| what | Cairn | baseline | ratio | goal | met? |";

    @TempDir
    Path work;

    @Test
    void everySectionPutsItsRowsWithARatioInTheOneTable() throws Exception {
        String output = run("--quick", "--parquet-rows=20000", "--steps=100", "--prune-versions=40", "--metadata-versions=3000", work.toString());
        List<String> lines = output.lines().toList();
        int header = lines.indexOf(HEADER);
        assertThat(header).as(output).isGreaterThan(1);
        assertThat(lines.get(header - 2)).as(output).startsWith("run-all at commit `").contains(" UTC, scale quick")
                .containsPattern("load average [0-9.]+ [0-9.]+ [0-9.]+ at the start, [0-9.]+ [0-9.]+ [0-9.]+ at the end");
        List<String> rows = lines.subList(header + 2, lines.size()).stream().takeWhile(line -> line.startsWith("| ")).toList();
        boolean pyarrow = System.getenv("CAIRN_TEST_PYTHON") != null;
        for (String what : List.of("| Parquet save, 20,000 rows × 8 cols, zstd (speed vs DuckDB) |", "| Parquet load, 20,000 rows × 8 cols (speed vs DuckDB) |",
                "| per-step overhead, 100 no-op chain, median (3 runs) |", "| per-step overhead, 100 no-op chain, p99 (worst of 3 runs) |",
                "| fully cached re-run, 100 steps (same process) |", "| lineage of a 100-step run: run graph (100 nodes) |",
                "| lineage of a 100-step run: whole upstream graph of its last output (200 nodes) |",
                "| prune 40 unused versions (", "| metadata, 3,000 versions, SQLite: lookup by name:version (random) |",
                "| metadata, 3,000 versions, SQLite: open a Cairn home (engine) and close it |")) {
            assertThat(rows).as(output).anySatisfy(row -> assertThat(row).startsWith(what));
        }
        if (pyarrow) {
            assertThat(rows).as(output).anySatisfy(row -> assertThat(row).startsWith("| Parquet load, 20,000 rows × 8 cols (speed vs pyarrow) |"));
        }
        assertThat(rows).as(output).hasSizeGreaterThan(15).allSatisfy(row -> {
            String[] cells = row.split(" \\| ");
            assertThat(cells).as(row).hasSize(6);
            if (pyarrow || !row.startsWith("| Parquet load vs pyarrow |")) {
                assertThat(cells[3]).as(row).matches("[0-9][0-9,]*\\.?[0-9]*×( goal)?");
                assertThat(cells[5]).as(row).matches("(met|NOT met|—) \\|");
            }
        });
        assertThat(rows).as(output).noneMatch(row -> row.contains("not run"));
    }

    @Test
    void sectionsLeftOutAreListedAsNotRunAndHelpEstimatesAFullRun() throws Exception {
        String output = run("--quick", "--steps=50", "--only=lineage", work.toString());
        List<String> lines = output.lines().toList();
        List<String> rows = lines.subList(lines.indexOf(HEADER) + 2, lines.size()).stream().takeWhile(line -> line.startsWith("| ")).toList();
        assertThat(rows).as(output).hasSize(2 + 2 + 3 + 1 + 1)
                .anySatisfy(row -> assertThat(row).startsWith("| lineage of a 50-step run: run graph (50 nodes) | "))
                .anySatisfy(row -> assertThat(row).isEqualTo("| prune 100k unused versions | — | — | — | ≤ 2× rm -rf | not run (--only=lineage) |"))
                .filteredOn(row -> row.endsWith("| not run (--only=lineage) |")).hasSize(7);

        String help = run("--help");
        assertThat(help).contains("Usage: benchmarks/run-all").contains("A full-size run (no --quick) takes about 12 minutes on a quiet 2-core machine")
                .doesNotContain(HEADER);
    }

    private static String run(String... args) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setOut(out);
            RunAll.main(args);
        } finally {
            System.setOut(original);
        }
        String output = captured.toString(StandardCharsets.UTF_8);
        original.print(output);
        return output;
    }
}
