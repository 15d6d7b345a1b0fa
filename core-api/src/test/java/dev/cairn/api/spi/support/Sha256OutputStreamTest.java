package dev.cairn.api.spi.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Sha256OutputStreamTest {
    @TempDir
    Path directory;

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static void assertNoHelperThread() {
        assertThat(Thread.getAllStackTraces().keySet()).as("the helper thread ends with its stream")
                .noneMatch(thread -> thread.getName().startsWith("cairn-hash-"));
    }

    /** Small (in line) and large (overlapped) writes, the caller reusing its array at once; returns the file. */
    private Path writeMixed(Sha256OutputStream out, Path file) throws IOException {
        SplittableRandom random = new SplittableRandom(11);
        byte[] buffer = new byte[3 << 20];
        try (out) {
            out.write(7);
            for (int round = 0; round < 12; round++) {
                random.nextBytes(buffer);
                int length = switch (round % 4) {
                    case 0 -> 1 + random.nextInt(Sha256OutputStream.OVERLAP_MIN_BYTES - 1); // in line
                    case 1 -> Sha256OutputStream.OVERLAP_MIN_BYTES; // the smallest overlapped write
                    case 2 -> buffer.length - 5; // large, from an offset
                    default -> (1 << 20) + random.nextInt(1 << 20);
                };
                int offset = round % 4 == 2 ? 5 : 0;
                out.write(buffer, offset, length);
                // the caller reuses its array as soon as write returns: the hash must not see the new bytes
                Arrays.fill(buffer, (byte) round);
                out.write(round);
            }
        }
        return file;
    }

    @Test
    void theHashOfMixedSmallAndOverlappedLargeWritesEqualsTheSha256OfTheFileAndTheInLineHash() throws Exception {
        Path overlappedFile = directory.resolve("overlapped.bin");
        Sha256OutputStream overlapped = Sha256OutputStream.overlapping(Files.newOutputStream(overlappedFile), "file 'overlapped.bin'");
        writeMixed(overlapped, overlappedFile);
        assertNoHelperThread();
        Path inLineFile = directory.resolve("in-line.bin");
        Sha256OutputStream inLine = new Sha256OutputStream(Files.newOutputStream(inLineFile));
        writeMixed(inLine, inLineFile);

        byte[] written = Files.readAllBytes(overlappedFile);
        assertThat(overlapped.size()).isEqualTo(written.length).isGreaterThan(3L << 20);
        assertThat(overlapped.sha256()).isEqualTo(sha256(written)).isEqualTo(overlapped.sha256()).isEqualTo(inLine.sha256());
        assertThat(Files.readAllBytes(inLineFile)).isEqualTo(written);
    }

    @Test
    void aFailedLargeWriteReportsTheUnderlyingErrorAfterTheHelperIsDone() throws Exception {
        byte[] large = new byte[1 << 20];
        Arrays.fill(large, (byte) 3);
        Sha256OutputStream failing = Sha256OutputStream.overlapping(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("disk full");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("disk full after " + len + " bytes");
            }
        }, "file 'x.bin'");
        try (failing) {
            assertThatThrownBy(() -> failing.write(large, 0, large.length)).isInstanceOf(IOException.class).hasMessage("disk full after 1048576 bytes");
            assertThat(failing.size()).isZero();
        }
        assertNoHelperThread();
    }

    @Test
    void aFailureOnTheHelperThreadSurfacesAsAnIOExceptionNamingTheFileAndTheThreadEnds() throws Exception {
        MessageDigest broken = new MessageDigest("SHA-256") {
            @Override
            protected void engineUpdate(byte input) {}

            @Override
            protected void engineUpdate(byte[] input, int offset, int len) {
                throw new IllegalStateException("digest broke");
            }

            @Override
            protected byte[] engineDigest() {
                return new byte[32];
            }

            @Override
            protected void engineReset() {}
        };
        Path file = directory.resolve("model.bin");
        Sha256OutputStream out = new Sha256OutputStream(Files.newOutputStream(file), broken, true, "file 'model.bin' of artifact 'model'");
        try (out) {
            assertThatThrownBy(() -> out.write(new byte[1 << 20], 0, 1 << 20)).isInstanceOf(IOException.class)
                    .hasMessageContaining("Hashing file 'model.bin' of artifact 'model' failed on the helper thread")
                    .hasMessageContaining("digest broke")
                    .hasRootCauseInstanceOf(IllegalStateException.class);
        }
        assertNoHelperThread();
    }
}
