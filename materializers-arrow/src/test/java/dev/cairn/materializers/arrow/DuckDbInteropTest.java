package dev.cairn.materializers.arrow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.table.Table;
import org.duckdb.DuckDBConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import dev.cairn.testkit.TestingArtifactWriter;
import dev.cairn.testkit.TestingArtifactReader;

/**
 * Readers nobody here wrote: DuckDB reads every kind of Parquet artifact with the same rows and types, and reads an
 * Arrow IPC artifact through Arrow's C data interface.
 */
class DuckDbInteropTest {
    @TempDir
    Path directory;

    private RootAllocator allocator;
    private ArrowMaterializer materializer;
    private Connection duckdb;

    @BeforeEach
    void open() throws SQLException {
        allocator = TestingAllocator.create();
        materializer = new ArrowMaterializer(allocator);
        duckdb = DriverManager.getConnection("jdbc:duckdb:");
    }

    @AfterEach
    void close() throws SQLException {
        duckdb.close();
        TestingAllocator.closeAndAssertNoLeaks(allocator);
    }

    private Map<String, String> types(String relation) throws SQLException {
        Map<String, String> types = new LinkedHashMap<>();
        try (Statement statement = duckdb.createStatement(); ResultSet rs = statement.executeQuery("DESCRIBE SELECT * FROM " + relation)) {
            while (rs.next()) {
                types.put(rs.getString("column_name"), rs.getString("column_type"));
            }
        }
        return types;
    }

    private List<List<String>> rows(String sql) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (Statement statement = duckdb.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private String parquet(Path dir) {
        return "read_parquet('" + dir.resolve(ParquetFormat.FILE_NAME).toString().replace("'", "''") + "')";
    }

    @Test
    void duckDbReadsRecordsOfEveryComponentTypeFromParquet() throws Exception {
        List<ArrowMaterializerTest.Rich> rows = ArrowMaterializerTest.richRows();
        materializer.save(rows, new TestingArtifactWriter(directory, ArrowMaterializerTest.RICH_LIST));
        String relation = parquet(directory);

        assertThat(types(relation)).containsExactly(
                Map.entry("flag", "BOOLEAN"), Map.entry("tiny", "TINYINT"), Map.entry("small", "SMALLINT"), Map.entry("count", "INTEGER"),
                Map.entry("big", "BIGINT"), Map.entry("ratio", "FLOAT"), Map.entry("score", "DOUBLE"),
                Map.entry("maybeFlag", "BOOLEAN"), Map.entry("maybeCount", "INTEGER"), Map.entry("maybeBig", "BIGINT"),
                Map.entry("maybeScore", "DOUBLE"), Map.entry("name", "VARCHAR"), Map.entry("price", "DECIMAL(38,2)"),
                Map.entry("day", "DATE"), Map.entry("at", "TIMESTAMPTZ_NS"), Map.entry("color", "VARCHAR"),
                Map.entry("payload", "BLOB"), Map.entry("address", "STRUCT(city VARCHAR, zip INTEGER)"), Map.entry("tags", "VARCHAR[]"),
                Map.entry("history", "STRUCT(city VARCHAR, zip INTEGER)[]"), Map.entry("matrix", "INTEGER[][]"));

        List<List<String>> read = rows("SELECT flag, tiny, small, count, big, score, maybeCount, name, price, day, "
                + "epoch_ns(\"at\"), color, hex(payload), address.city, address.zip, len(tags), tags[1], history[1].city, matrix[1][2] FROM "
                + relation);
        assertThat(read).hasSize(3);
        assertThat(read.get(0)).containsExactly("true", "-8", "300", "42", Long.toString(1L << 40), "2.25", "7", "héllo, \"world\"",
                "12.34", "2024-02-29", "1700000000123456789", "GREEN", "010203", "Lyon", "69000", "2", "a", "Paris", "2");
        assertThat(read.get(1)).containsExactly("false", "-128", "32767", "-1", Long.toString(Long.MIN_VALUE), "-0.0", null, null,
                null, null, null, null, null, null, null, null, null, null, null);
        assertThat(read.get(2).subList(7, 13)).containsExactly("", "-99999999.99", "1900-01-01", "-999999999", "RED", "");
        assertThat(rows("SELECT count(*) FROM " + relation + " WHERE isnan(ratio)")).containsExactly(List.of("1"));
        assertThat(rows("SELECT tags[2] IS NULL, matrix[1] IS NULL FROM " + relation + " WHERE count = 0")).containsExactly(List.of("true", "true"));
    }

    @Test
    void duckDbReadsATableArtifactAndAManyRowGroupArtifact() throws Exception {
        List<ArrowMaterializerTest.Row> rows = ArrowMaterializerTest.rows(300_000);
        materializer.save(rows, new TestingArtifactWriter(directory, ArrowMaterializerTest.ROW_LIST));
        try (Table table = (Table) materializer.load(Table.class, new TestingArtifactReader(directory, "test_table:1"))) {
            Path tableDir = directory.resolve("table");
            materializer.save(table, new TestingArtifactWriter(tableDir, Table.class));
            for (Path dir : List.of(directory, tableDir)) {
                String relation = parquet(dir);
                assertThat(types(relation)).containsExactly(Map.entry("feature1", "INTEGER"), Map.entry("feature2", "INTEGER"),
                        Map.entry("target", "INTEGER"));
                assertThat(rows("SELECT count(*), sum(feature1), sum(feature2), sum(target), min(feature1), max(feature2) FROM " + relation))
                        .containsExactly(List.of("300000", "44999850000", "89999700000", Long.toString(rows.stream().mapToLong(ArrowMaterializerTest.Row::target).sum()), "0", "599998"));
                assertThat(rows("SELECT * FROM " + relation + " WHERE feature1 = 123456"))
                        .containsExactly(List.of("123456", "246912", Integer.toString(123456 % 7)));
            }
        }
    }

    @Test
    void duckDbReadsAnIpcArtifactThroughTheArrowCDataInterface() throws Exception {
        List<ArrowMaterializerTest.Rich> rows = ArrowMaterializerTest.richRows();
        List<ArrowMaterializerTest.Rich> many = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            many.addAll(rows);
        }
        materializer.save(many, new TestingArtifactWriter(directory, ArrowMaterializerTest.RICH_LIST, Map.of("format", "ipc")));
        try (FileChannel channel = FileChannel.open(directory.resolve(IpcFormat.FILE_NAME), StandardOpenOption.READ);
                ArrowFileReader reader = new ArrowFileReader(channel, allocator);
                ArrowArrayStream stream = ArrowArrayStream.allocateNew(allocator)) {
            Data.exportArrayStream(allocator, reader, stream);
            duckdb.unwrap(DuckDBConnection.class).registerArrowStream("ipc_artifact", stream);
            List<List<String>> read = rows("SELECT count(*), sum(count), count(name), sum(price), min(day), max(epoch_ns(\"at\")), "
                    + "count(*) FILTER (WHERE color = 'GREEN'), sum(len(tags)), sum(address.zip) FROM ipc_artifact");
            assertThat(read).containsExactly(List.of("150000", Integer.toString(41 * 50_000), "100000",
                    new BigDecimal("12.34").add(new BigDecimal("-99999999.99")).multiply(BigDecimal.valueOf(50_000)).toPlainString(),
                    "1900-01-01", "1700000000123456789", "50000", Integer.toString(4 * 50_000), Long.toString(69001L * 50_000)));
        }
    }
}
