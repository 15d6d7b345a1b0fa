package dev.cairn.materializers.arrow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

import dev.cairn.materializers.arrow.parquet.CanonicalFooterStream;
import dev.cairn.testkit.TestingArtifactReader;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.table.Table;
import org.apache.parquet.column.ParquetProperties.WriterVersion;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.Util;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CanonicalFooterStream}: a Parquet file whose footer lists encodings out of order comes out with them sorted,
 * whatever the sizes of the writes; everything else, and every file it cannot or need not change, passes unchanged.
 */
class CanonicalFooterStreamTest {
    @TempDir
    Path directory;

    private RootAllocator allocator;
    private byte[] written;

    @BeforeEach
    void writeAFile() throws IOException {
        allocator = TestingAllocator.create();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TableSource source = TableSource.of(ParquetColumnReadTest.mixedRows(3000), ParquetColumnReadTest.MIXED, allocator);
                ParquetFormat.Writer writer = new ParquetFormat.Writer(out, source.schema(), "test", 16 << 10, 4 << 10, WriterVersion.PARQUET_1_0)) {
            source.forEachBatch(writer::write);
        }
        written = out.toByteArray();
    }

    @AfterEach
    void noLeaks() {
        TestingAllocator.closeAndAssertNoLeaks(allocator);
    }

    @Test
    void encodingsListedOutOfOrderComeOutSortedWhateverTheWriteSizes() throws Exception {
        byte[] sorted = withEncodings(written, list -> list.sort(Comparator.comparingInt(Encoding::getValue)));
        byte[] reversed = withEncodings(written, CanonicalFooterStreamTest::descending);
        assertThat(rowGroups(sorted)).as("the file has several row groups").isGreaterThan(2);
        assertThat(reversed).hasSameSizeAs(sorted).isNotEqualTo(sorted);

        for (long seed = 0; seed < 5; seed++) {
            assertThat(through(reversed, CanonicalFooterStream.DEFAULT_WINDOW_BYTES, seed)).as("seed %d", seed).isEqualTo(sorted);
            assertThat(through(sorted, CanonicalFooterStream.DEFAULT_WINDOW_BYTES, seed)).as("already canonical, seed %d", seed).isEqualTo(sorted);
        }
        // the smallest window that still holds the whole footer, its length and the magic
        assertThat(through(reversed, footerLength(reversed) + 8, 7)).isEqualTo(sorted);
        assertThat(loadedRows(through(reversed, CanonicalFooterStream.DEFAULT_WINDOW_BYTES, 1))).isEqualTo(loadedRows(written));
    }

    @Test
    void bytesBetweenPassThroughAndHoldReachTheTargetAtOnceAndTheFooterAfterHoldIsStillMadeCanonical() throws Exception {
        byte[] sorted = withEncodings(written, list -> list.sort(Comparator.comparingInt(Encoding::getValue)));
        byte[] reversed = withEncodings(written, CanonicalFooterStreamTest::descending);
        int footerStart = reversed.length - 8 - footerLength(reversed);
        for (int held : new int[] {0, 4, 1000}) {
            ByteArrayOutputStream target = new ByteArrayOutputStream();
            try (CanonicalFooterStream out = new CanonicalFooterStream(target)) {
                out.write(reversed, 0, held); // held back as by default, then passed on by passThrough
                assertThat(target.size()).isZero();
                out.passThrough();
                assertThat(target.size()).isEqualTo(held);
                int position = held;
                for (int size : new int[] {1, 100, 70_000}) { // the body of the file: every byte at the target as soon as written
                    out.write(reversed, position, size);
                    position += size;
                    assertThat(target.size()).isEqualTo(position);
                }
                out.write(reversed[position++]);
                assertThat(target.size()).isEqualTo(position);
                out.write(reversed, position, footerStart - 100 - position);
                assertThat(target.size()).isEqualTo(footerStart - 100);
                out.hold(); // the last bytes before the footer, the footer, its length and the magic are held back
                out.write(reversed, footerStart - 100, reversed.length - (footerStart - 100));
                assertThat(target.size()).isEqualTo(footerStart - 100);
            }
            assertThat(target.toByteArray()).as("held %d", held).isEqualTo(sorted);
        }
    }

    @Test
    void theParallelWriterPassesItsRowGroupsThroughAndHoldsBackOnlyThePageIndexesAndTheFooter() throws Exception {
        List<Long> writeStarts = new ArrayList<>();
        ByteArrayOutputStream target = new ByteArrayOutputStream() {
            @Override
            public synchronized void write(byte[] b, int off, int len) {
                writeStarts.add((long) size());
                super.write(b, off, len);
            }
        };
        List<ParallelParquetWriterTest.Flat> rows = ParallelParquetWriterTest.flat(20_000);
        try (TableSource source = TableSource.of(rows, ParallelParquetWriterTest.FLAT_LIST, allocator);
                ParallelParquetWriter writer = new ParallelParquetWriter(new CanonicalFooterStream(target), source.schema(), "test",
                        new ParallelParquetWriter.Settings(64 * 1024, 2, 3))) {
            source.forEachOwnedBatch(writer::accept);
        }
        byte[] file = target.toByteArray();
        int footer = footerLength(file);
        FileMetaData metadata = Util.readFileMetaData(new ByteArrayInputStream(file, file.length - 8 - footer, footer));
        assertThat(metadata.getRow_groups()).hasSizeGreaterThan(10);
        long indexes = Long.MAX_VALUE;
        for (RowGroup group : metadata.getRow_groups()) {
            for (ColumnChunk chunk : group.getColumns()) {
                if (chunk.isSetColumn_index_offset()) {
                    indexes = Math.min(indexes, chunk.getColumn_index_offset());
                }
                if (chunk.isSetOffset_index_offset()) {
                    indexes = Math.min(indexes, chunk.getOffset_index_offset());
                }
                List<Encoding> encodings = chunk.getMeta_data().getEncodings();
                assertThat(encodings).isSortedAccordingTo(Comparator.comparingInt(Encoding::getValue));
            }
        }
        // the last write (at close) is the held-back tail: the page indexes and the footer, nothing of the row groups
        assertThat(writeStarts.get(writeStarts.size() - 1)).isEqualTo(indexes);
        assertThat(file.length - indexes).isLessThan(CanonicalFooterStream.DEFAULT_WINDOW_BYTES);
    }

    @Test
    void aFooterLargerThanTheWindowIsWrittenAsItWasAndTheFileStillLoads() throws Exception {
        byte[] reversed = withEncodings(written, CanonicalFooterStreamTest::descending);
        int window = footerLength(reversed) + 7; // one byte short of footer, length and magic
        byte[] out = through(reversed, window, 3);
        assertThat(out).isEqualTo(reversed);
        assertThat(loadedRows(out)).isEqualTo(loadedRows(written));
    }

    @Test
    void aFooterThatWouldNotReserializeToItsOwnBytesAndBytesThatAreNotParquetPassUnchanged() throws Exception {
        // a footer followed by bytes the metadata does not account for (as a signed plaintext footer's signature is)
        byte[] reversed = withEncodings(written, CanonicalFooterStreamTest::descending);
        int footer = footerLength(reversed);
        int start = reversed.length - 8 - footer;
        byte[] signed = new byte[reversed.length + 4];
        System.arraycopy(reversed, 0, signed, 0, start + footer);
        System.arraycopy(new byte[] {1, 2, 3, 4}, 0, signed, start + footer, 4);
        writeFooterLength(signed, footer + 4);
        System.arraycopy(reversed, reversed.length - 4, signed, signed.length - 4, 4);
        assertThat(through(signed, CanonicalFooterStream.DEFAULT_WINDOW_BYTES, 2)).isEqualTo(signed);

        byte[] noise = new byte[3 << 20];
        new Random(42).nextBytes(noise);
        assertThat(through(noise, CanonicalFooterStream.DEFAULT_WINDOW_BYTES, 4)).isEqualTo(noise);
        byte[] endsLikeParquet = Arrays.copyOf(noise, noise.length);
        System.arraycopy("PAR1".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, endsLikeParquet, endsLikeParquet.length - 4, 4);
        writeFooterLength(endsLikeParquet, 1000);
        assertThat(through(endsLikeParquet, CanonicalFooterStream.DEFAULT_WINDOW_BYTES, 5)).isEqualTo(endsLikeParquet);
        assertThat(through(new byte[0], CanonicalFooterStream.DEFAULT_WINDOW_BYTES, 6)).isEmpty();
    }

    private static void descending(List<Encoding> encodings) {
        encodings.sort(Comparator.comparingInt(Encoding::getValue).reversed());
    }

    /** {@code bytes} written through a canonical stream in writes of random sizes (single bytes among them). */
    private static byte[] through(byte[] bytes, int window, long seed) throws IOException {
        Random random = new Random(seed);
        ByteArrayOutputStream target = new ByteArrayOutputStream();
        try (CanonicalFooterStream out = new CanonicalFooterStream(target, window)) {
            int position = 0;
            while (position < bytes.length) {
                int kind = random.nextInt(4);
                if (kind == 0) {
                    out.write(bytes[position++]);
                    continue;
                }
                int size = Math.min(bytes.length - position, kind == 1 ? random.nextInt(100) : kind == 2 ? random.nextInt(70_000) : random.nextInt(3 << 20));
                out.write(bytes, position, size);
                position += size;
            }
        }
        return target.toByteArray();
    }

    /** {@code file} with each column chunk's encodings list changed by {@code change}; asserts the length is kept. */
    private static byte[] withEncodings(byte[] file, Consumer<List<Encoding>> change) throws IOException {
        int footer = footerLength(file);
        int start = file.length - 8 - footer;
        FileMetaData metadata = Util.readFileMetaData(new ByteArrayInputStream(file, start, footer));
        int changed = 0;
        for (RowGroup group : metadata.getRow_groups()) {
            for (ColumnChunk chunk : group.getColumns()) {
                List<Encoding> encodings = new ArrayList<>(chunk.getMeta_data().getEncodings());
                change.accept(encodings);
                chunk.getMeta_data().setEncodings(encodings);
                changed += encodings.size() > 1 ? 1 : 0;
            }
        }
        assertThat(changed).as("column chunks with more than one encoding").isPositive();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Util.writeFileMetaData(metadata, bytes);
        assertThat(bytes.size()).isEqualTo(footer);
        byte[] result = file.clone();
        System.arraycopy(bytes.toByteArray(), 0, result, start, footer);
        return result;
    }

    private static int rowGroups(byte[] file) throws IOException {
        int footer = footerLength(file);
        return Util.readFileMetaData(new ByteArrayInputStream(file, file.length - 8 - footer, footer)).getRow_groups().size();
    }

    private static int footerLength(byte[] file) {
        int at = file.length - 8;
        return (file[at] & 0xff) | (file[at + 1] & 0xff) << 8 | (file[at + 2] & 0xff) << 16 | (file[at + 3] & 0xff) << 24;
    }

    private static void writeFooterLength(byte[] file, int length) {
        int at = file.length - 8;
        for (int i = 0; i < 4; i++) {
            file[at + i] = (byte) (length >>> (8 * i));
        }
    }

    /** The rows of {@code file} as ArrowMaterializer loads them, rendered as text. */
    private String loadedRows(byte[] file) throws IOException {
        Path artifact = Files.createTempDirectory(directory, "artifact");
        Files.write(artifact.resolve(ParquetFormat.FILE_NAME), file);
        ArrowMaterializer materializer = new ArrowMaterializer(allocator);
        try (Table table = (Table) materializer.load(Table.class, new TestingArtifactReader(artifact, "canonical:1"))) {
            assertThat(table.getRowCount()).isEqualTo(3000);
            return table.contentToTSVString();
        }
    }
}
