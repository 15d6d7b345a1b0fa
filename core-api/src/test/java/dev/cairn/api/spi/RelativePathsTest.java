package dev.cairn.api.spi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RelativePathsTest {
    @Test
    void acceptsPlainRelativePaths() {
        assertThat(RelativePaths.problem("data.json")).isEmpty();
        assertThat(RelativePaths.problem("artifacts/name%3A%3Ax/1-abcd/data.parquet")).isEmpty();
        assertThat(RelativePaths.problem(".cairn/manifest.json")).isEmpty();
        assertThat(RelativePaths.problem("a..b/c")).as("'..' inside a name is a name").isEmpty();
    }

    @Test
    void refusesEveryWayOut() {
        assertThat(RelativePaths.problem("")).contains("it is empty");
        assertThat(RelativePaths.problem("/etc/passwd")).contains("it is absolute");
        assertThat(RelativePaths.problem("a/../../b")).contains("it contains a '..' name");
        assertThat(RelativePaths.problem("..")).contains("it contains a '..' name");
        assertThat(RelativePaths.problem("a/./b")).contains("it contains a '.' name");
        assertThat(RelativePaths.problem("a//b")).hasValueSatisfying(p -> assertThat(p).contains("empty name"));
        assertThat(RelativePaths.problem("a/")).hasValueSatisfying(p -> assertThat(p).contains("empty name"));
        assertThat(RelativePaths.problem("a\\..\\b")).contains("it contains a backslash");
        assertThat(RelativePaths.problem("a\nb")).contains("it contains the control character U+000A");
    }

    @Test
    void printableShowsControlCharactersAsEscapes() {
        assertThat(RelativePaths.printable("plain/name")).isEqualTo("plain/name");
        assertThat(RelativePaths.printable("a\nb\u0000")).isEqualTo("a\\u000ab\\u0000");
        assertThat(RelativePaths.codePoint('\t')).isEqualTo("U+0009");
    }
}
