package dev.cairn.materializers.arrow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.testkit.TestingArtifactReader;
import dev.cairn.testkit.TestingArtifactWriter;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #12, scenario 13: an Arrow IPC footer that claims a record batch of a terabyte is refused against the file's
 * size before anything is allocated, as INTEGRITY_VIOLATION naming the artifact (not an OutOfMemoryError).
 */
class TamperedIpcFooterTest {
    record Reading(long id, double value) {}

    private static final Type READINGS = new TypeLiteral<List<Reading>>() {}.type();

    @TempDir
    Path directory;

    private RootAllocator allocator;
    private ArrowMaterializer materializer;

    @BeforeEach
    void open() {
        allocator = TestingAllocator.create();
        materializer = new ArrowMaterializer(allocator);
    }

    @AfterEach
    void noLeaks() {
        TestingAllocator.closeAndAssertNoLeaks(allocator);
    }

    @Test
    void aFooterClaimingATerabyteBatchIsRefusedBeforeAllocating() throws IOException {
        List<Reading> rows = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            rows.add(new Reading(i, i * 0.5));
        }
        materializer.save(rows, new TestingArtifactWriter(directory, READINGS, Map.of("format", "ipc")));
        Path file = directory.resolve(IpcFormat.FILE_NAME);
        ArrowBlock block;
        try (FileChannel channel = FileChannel.open(file); ArrowFileReader reader = new ArrowFileReader(channel, allocator)) {
            reader.getVectorSchemaRoot();
            block = reader.getRecordBlocks().get(0);
        }
        claimBodyLength(file, block, 1L << 40);

        assertThatThrownBy(() -> materializer.load(READINGS, new TestingArtifactReader(directory, "test_table:1")))
                .isInstanceOfSatisfying(CairnException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.INTEGRITY_VIOLATION);
                    assertThat(e.getMessage()).contains("artifact 'test_table:1'").contains("1099511627776 body bytes")
                            .contains("beyond the end of the");
                });
    }

    /** Rewrites the footer's Block struct of {@code block} (offset, metadata length, padding, body length) in place. */
    private static void claimBodyLength(Path file, ArrowBlock block, long claimed) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer pattern = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        pattern.putLong(block.getOffset()).putInt(block.getMetadataLength()).putInt(0).putLong(block.getBodyLength());
        byte[] wanted = pattern.array();
        int found = -1;
        for (int i = bytes.length - wanted.length; i >= 0 && found < 0; i--) {
            boolean match = true;
            for (int j = 0; j < wanted.length && match; j++) {
                match = bytes[i + j] == wanted[j];
            }
            if (match) {
                found = i;
            }
        }
        assertThat(found).as("the footer's block struct").isPositive();
        ByteBuffer replacement = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(claimed);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(replacement.flip(), found + 16);
        }
    }
}
