package dev.cairn.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import org.junit.jupiter.api.Test;

/** The defaults of {@link ArtifactStore}, on a store that implements only the seven required methods. */
class ArtifactStoreDefaultsTest {
    /** A read-only store of fixed files, implementing only what the SPI requires. */
    static final class TestingMinimalStore implements ArtifactStore {
        final Map<String, byte[]> files;
        final AtomicInteger opens = new AtomicInteger();
        private final URI root;

        TestingMinimalStore(URI root, Map<String, byte[]> files) {
            this.root = root;
            this.files = files;
        }

        @Override
        public URI rootUri() {
            return root;
        }

        @Override
        public ArtifactDraft createDraft() {
            throw new CairnException(ErrorCode.STORE_FAILURE, "read-only");
        }

        @Override
        public InputStream openRead(URI file) throws IOException {
            opens.incrementAndGet();
            return new ByteArrayInputStream(bytes(file));
        }

        @Override
        public boolean exists(URI uri) {
            return files.containsKey(relative(uri));
        }

        @Override
        public long size(URI file) throws IOException {
            return bytes(file).length;
        }

        @Override
        public List<String> listFiles(URI directory) {
            return files.keySet().stream().sorted().toList();
        }

        @Override
        public void delete(URI uri) {
            files.remove(relative(uri));
        }

        private byte[] bytes(URI file) throws NoSuchFileException {
            byte[] bytes = files.get(relative(file));
            if (bytes == null) {
                throw new NoSuchFileException(file.toString());
            }
            return bytes;
        }

        private String relative(URI uri) {
            return checkInside(uri).getPath().substring(root.getPath().length());
        }
    }

    private final TestingMinimalStore store = new TestingMinimalStore(URI.create("mem://bucket/data/store/"),
            new java.util.HashMap<>(Map.of("a/b.bin", new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9})));

    @Test
    void resolveEncodesNamesAndStaysUnderTheRoot() {
        assertThat(store.resolve("a/b.bin")).isEqualTo(URI.create("mem://bucket/data/store/a/b.bin"));
        assertThat(store.resolve("x y/100%/ü:c")).isEqualTo(URI.create("mem://bucket/data/store/x%20y/100%25/%C3%BC:c"));
        assertThat(store.resolve("x y/100%/ü:c").getPath()).isEqualTo("/data/store/x y/100%/ü:c");
        assertThatThrownBy(() -> store.resolve("../evil")).isInstanceOfSatisfying(CairnException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.PATH_OUTSIDE_STORE)).hasMessageContaining("'..'");
    }

    @Test
    void checkInsideComparesNamesSchemeAndAuthority() {
        assertThat(store.checkInside(URI.create("MEM://BUCKET/data/store/a/./c/../b.bin")))
                .isEqualTo(URI.create("mem://bucket/data/store/a/b.bin"));
        assertThat(store.checkInside(URI.create("mem://bucket/data/store"))).isEqualTo(store.rootUri());
        for (String outside : List.of("mem://bucket/data/store_evil/a", "mem://other/data/store/a", "file:///data/store/a",
                "mem://bucket/data/store/../x", "mem://bucket/data/store/a?q", "relative/a", "mem:opaque")) {
            assertThatThrownBy(() -> store.checkInside(URI.create(outside))).as(outside)
                    .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.PATH_OUTSIDE_STORE))
                    .hasMessageContaining(outside).hasMessageContaining(store.rootUri().toString());
        }
    }

    @Test
    void openRandomAccessReadsAtAnyPositionThroughOpenRead() throws IOException {
        try (SeekableByteChannel channel = store.openRandomAccess(store.resolve("a/b.bin"))) {
            assertThat(channel.size()).isEqualTo(10);
            assertThat(read(channel.position(6), 3)).containsExactly(6, 7, 8);
            assertThat(read(channel.position(2), 2)).containsExactly(2, 3);
            assertThat(read(channel.position(9), 5)).containsExactly(9);
            assertThat(channel.read(ByteBuffer.allocate(1))).isEqualTo(-1);
            assertThatThrownBy(() -> channel.write(ByteBuffer.allocate(1))).isInstanceOf(NonWritableChannelException.class);
        }
        assertThat(store.opens).as("one stream, then one more to move backwards").hasValue(2);
        assertThatThrownBy(() -> store.openRandomAccess(store.resolve("a/missing.bin")))
                .isInstanceOfSatisfying(NoSuchFileException.class, e -> assertThat(e.getFile()).endsWith("/a/missing.bin"));
    }

    @Test
    void deleteAbandonedDraftsAndCloseDefaultToNothing() throws IOException {
        assertThat(store.deleteAbandonedDrafts(Duration.ZERO)).isZero();
        assertThatThrownBy(() -> store.deleteAbandonedDrafts(Duration.ofSeconds(-1))).isInstanceOfSatisfying(CairnException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        store.close();
        store.close();
        assertThat(store.exists(store.resolve("a/b.bin"))).isTrue();
    }

    private static byte[] read(SeekableByteChannel channel, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining() && channel.read(buffer) > 0) {
            // keep reading
        }
        return java.util.Arrays.copyOf(buffer.array(), buffer.position());
    }
}
