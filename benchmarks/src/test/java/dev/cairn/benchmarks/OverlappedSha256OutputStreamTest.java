package dev.cairn.benchmarks;

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

class OverlappedSha256OutputStreamTest {
    @TempDir
    Path directory;

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void theHashOfMixedSmallAndOverlappedLargeWritesEqualsTheSha256OfTheFile() throws Exception {
        SplittableRandom random = new SplittableRandom(11);
        byte[] buffer = new byte[3 << 20];
        Path file = directory.resolve("data.bin");
        OverlappedSha256OutputStream out = new OverlappedSha256OutputStream(Files.newOutputStream(file));
        try (out) {
            out.write(7);
            for (int round = 0; round < 12; round++) {
                random.nextBytes(buffer);
                int length = switch (round % 4) {
                    case 0 -> 1 + random.nextInt(OverlappedSha256OutputStream.OVERLAP_MIN_BYTES - 1); // in line
                    case 1 -> OverlappedSha256OutputStream.OVERLAP_MIN_BYTES; // the smallest overlapped write
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
        assertThat(Thread.getAllStackTraces().keySet()).as("the helper thread ends with its stream")
                .noneMatch(thread -> thread.getName().startsWith("benchmark-hash-"));
        byte[] written = Files.readAllBytes(file);
        assertThat(out.size()).isEqualTo(written.length).isGreaterThan(3L << 20);
        assertThat(out.sha256()).isEqualTo(sha256(written)).isEqualTo(out.sha256());
    }

    @Test
    void aFailedLargeWriteReportsTheUnderlyingErrorAfterTheHelperIsDone() throws Exception {
        byte[] large = new byte[1 << 20];
        Arrays.fill(large, (byte) 3);
        OverlappedSha256OutputStream failing = new OverlappedSha256OutputStream(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("disk full");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("disk full after " + len + " bytes");
            }
        });
        try (failing) {
            assertThatThrownBy(() -> failing.write(large, 0, large.length)).isInstanceOf(IOException.class).hasMessage("disk full after 1048576 bytes");
            assertThat(failing.size()).isZero();
        }
        assertThat(Thread.getAllStackTraces().keySet()).as("the helper thread ends with its stream")
                .noneMatch(thread -> thread.getName().startsWith("benchmark-hash-"));
    }
}
