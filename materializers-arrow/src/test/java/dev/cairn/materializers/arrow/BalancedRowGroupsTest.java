package dev.cairn.materializers.arrow;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import dev.cairn.testkit.TestingArtifactWriter;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A save whose row count is known cuts the rows into row groups of equal rows, their number a multiple of 4, so two
 * (or four) workers finish together instead of one encoding the last row group alone; the same file for any number of
 * workers.
 */
class BalancedRowGroupsTest {
    @TempDir
    Path directory;

    @RegisterExtension
    final TestingAllocator.PerTest arrow = new TestingAllocator.PerTest();
    private ArrowMaterializer materializer;

    @BeforeEach
    void open() {
        materializer = new ArrowMaterializer(arrow.get());
    }

    @AfterEach
    void close() {
        ParallelParquetWriter.settingsForTests = null;
    }

    @Test
    void rowsOfAboutFiveChunksAreWrittenAsEightEqualRowGroupsWhateverTheWorkers() throws Exception {
        byte[] first = null;
        for (int threads : new int[] {1, 2, 3}) {
            // 100,000 longs: 812,500 Arrow bytes = 4.96 chunks of 160 KiB, i.e. 5 row groups cut by bytes alone
            ParallelParquetWriter.settingsForTests = new ParallelParquetWriter.Settings(160 * 1024, threads, threads + 1);
            Path dir = directory.resolve("threads" + threads);
            try (VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(List.of(new Field("id", FieldType.nullable(new ArrowType.Int(64, true)), null))),
                    arrow.get())) {
                BigIntVector ids = (BigIntVector) root.getVector(0);
                for (int i = 0; i < 100_000; i++) {
                    ids.setSafe(i, i * 31L);
                }
                root.setRowCount(100_000);
                materializer.save(root, new TestingArtifactWriter(java.nio.file.Files.createDirectories(dir), VectorSchemaRoot.class));
            }
            List<BlockMetaData> groups = ParallelParquetWriterTest.rowGroups(dir.resolve(ParquetFormat.FILE_NAME));
            assertThat(groups).extracting(BlockMetaData::getRowCount).containsOnly(12_500L).hasSize(8);
            byte[] bytes = java.nio.file.Files.readAllBytes(dir.resolve(ParquetFormat.FILE_NAME));
            if (first == null) {
                first = bytes;
            } else {
                assertThat(bytes).isEqualTo(first);
            }
        }
    }

    @Test
    void theRowsPerChunkAreEqualSharesOfAMultipleOfFourChunks() {
        assertThat(ParallelParquetWriter.rowsPerChunk(1000, 8, 8000)).isEqualTo(Long.MAX_VALUE); // one chunk: not cut
        assertThat(ParallelParquetWriter.rowsPerChunk(1001, 8, 8000)).isEqualTo(251); // 2 chunks by bytes -> 4
        assertThat(ParallelParquetWriter.rowsPerChunk(10_000_000, 57, 32L << 20)).isEqualTo(500_000); // 17 chunks -> 20
        assertThat(ParallelParquetWriter.rowsPerChunk(Long.MAX_VALUE / 2, 1000, 32L << 20)).isPositive();
    }
}
