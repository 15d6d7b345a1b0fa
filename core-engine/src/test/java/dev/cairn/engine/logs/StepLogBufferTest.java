package dev.cairn.engine.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class StepLogBufferTest {
    private static void write(StepLogBuffer buffer, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        buffer.append(bytes, 0, bytes.length);
    }

    private static String text(StepLogBuffer buffer) {
        return new String(buffer.contents(), StandardCharsets.UTF_8);
    }

    @Test
    void underTheLimitEverythingIsKeptInOrder() {
        StepLogBuffer buffer = new StepLogBuffer(20);
        assertThat(buffer.isEmpty()).isTrue();
        write(buffer, "abc");
        write(buffer, "defghij");
        write(buffer, "klmnopqrst");
        assertThat(text(buffer)).isEqualTo("abcdefghijklmnopqrst");
        assertThat(buffer.written()).isEqualTo(20);
    }

    @Test
    void overTheLimitTheHeadAndTheTailAreKeptInSmallAndLargeWrites() {
        StepLogBuffer small = new StepLogBuffer(10);
        for (char c = 'a'; c <= 'z'; c++) {
            write(small, String.valueOf(c));
        }
        assertThat(text(small)).isEqualTo("abcde\n[... 16 bytes omitted ...]\nvwxyz");

        StepLogBuffer mixed = new StepLogBuffer(10);
        write(mixed, "abcdefg");
        write(mixed, "hij");
        write(mixed, "klmnopqrstuvwxyz0123");
        write(mixed, "45");
        assertThat(text(mixed)).isEqualTo("abcde\n[... 22 bytes omitted ...]\n12345");
        assertThat(mixed.written()).isEqualTo(32);
    }

    @Test
    void aCutInsideAUtf8CharacterDropsItsPieces() {
        StepLogBuffer buffer = new StepLogBuffer(8);
        write(buffer, "abc✓"); // ✓ is 3 bytes: the head (4 bytes) ends inside it
        write(buffer, "0123456789");
        write(buffer, "x✓"); // the tail (4 bytes) is exactly "x✓"
        assertThat(text(buffer)).startsWith("abc\n[... ").endsWith(" bytes omitted ...]\nx✓");
        StepLogBuffer cut = new StepLogBuffer(8);
        write(cut, "abcd0123456789✓yz"); // the tail is the last 4 bytes: two of ✓'s three, then "yz"
        assertThat(text(cut)).isEqualTo("abcd\n[... 13 bytes omitted ...]\nyz");
    }
}
