package dev.cairn.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import dev.cairn.testkit.postgres.ThrowAwayPostgres;

/**
 * {@code benchmarks/run-all --only=metadata} at a small size: {@code MetadataScaleBenchmark} runs in a child JVM with the
 * arguments it accepts and its {@code RESULT|…} lines become rows of the one table, for SQLite, and for PostgreSQL when
 * the server binaries are there ({@code CAIRN_TEST_PG_BIN} or the Debian package). Times are not asserted.
 */
class RunAllMetadataTest {
    @TempDir
    Path work;

    @Test
    void theMetadataSectionPrintsItsRowsInTheTable() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setOut(out);
            RunAll.main(new String[] {"--quick", "--metadata-versions=3000", "--only=metadata", work.toString()});
        } finally {
            System.setOut(original);
        }
        String output = captured.toString(StandardCharsets.UTF_8);
        original.print(output);
        List<String> table = output.lines().dropWhile(line -> !line.equals("| what | Cairn | baseline | ratio | goal | met? |")).toList();
        assertThat(table).as(output).isNotEmpty();

        List<String> dialects = ThrowAwayPostgres.binaries().isPresent() ? List.of("SQLite", "PostgreSQL") : List.of("SQLite");
        for (String dialect : dialects) {
            String prefix = "| metadata, 3,000 versions, " + dialect + ": ";
            assertThat(table).as(output)
                    .anySatisfy(row -> assertThat(row).startsWith(prefix + "first page of all versions (newest first, limit 100) | ").contains("| ≤ 100 ms |"))
                    .anySatisfy(row -> assertThat(row).startsWith(prefix + "first page of one name's versions (300 versions) | ").contains("| ≤ 100 ms |"))
                    .anySatisfy(row -> assertThat(row).startsWith(prefix + "first page of versions with a tag (3 tagged) | ").contains("| ≤ 100 ms |"))
                    .anySatisfy(row -> assertThat(row).startsWith(prefix + "first page of versions with logged metadata accuracy > 0.9 | "))
                    .anySatisfy(row -> assertThat(row).startsWith(prefix + "first page of versions with logged metadata accuracy < 0.5 | ").contains("| ≤ 100 ms |"))
                    .anySatisfy(row -> assertThat(row).startsWith(prefix + "lookup by name:version (random) | ").contains("| ≤ 1 ms |"))
                    .anySatisfy(row -> assertThat(row).startsWith(prefix + "latest version of 'scale-hot' (300 versions) | ").contains("| ≤ 1 ms |"))
                    .anySatisfy(row -> assertThat(row).startsWith(prefix + "open a Cairn home (engine) and close it | ").contains("ms empty home")
                            .contains("| ≤ 200 ms |"));
        }
        assertThat(table).filteredOn(row -> row.startsWith("| metadata, ")).hasSize(10 * dialects.size())
                .allSatisfy(row -> assertThat(row).matches(".*\\| (met|NOT met) \\|$"));
    }
}
