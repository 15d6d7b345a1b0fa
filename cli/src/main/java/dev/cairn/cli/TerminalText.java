package dev.cairn.cli;

import java.io.IOException;
import java.io.Writer;
import java.util.Locale;

/**
 * Keeps stored text from steering the user's terminal: every character that a terminal interprets instead of showing
 * (C0 and C1 control characters, DEL, and the Unicode bidirectional and line-separator controls) is written as a
 * visible {@code \\uXXXX}, except line feed and tab, which the CLI's own layout uses. An escape sequence stored in an
 * error message, an artifact's metadata or a parameter (ESC {@code ]0;title BEL}, ESC {@code [2J}, a carriage return
 * that overwrites a line) therefore shows as text. JSON output passes unchanged: a JSON writer never emits these
 * characters raw (it writes them as {@code \\u001b} escapes), so {@code --json} keeps the data exact.
 */
final class TerminalText {
    private TerminalText() {}

    /** Whether {@code c} must not reach a terminal raw. */
    static boolean needsEscape(char c) {
        if (c == '\n' || c == '\t') {
            return false;
        }
        return Character.isISOControl(c) // U+0000–U+001F, U+007F–U+009F
                || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069') || c == '\u200E' || c == '\u200F'
                || c == '\u2028' || c == '\u2029';
    }

    /** {@code text} with the characters of {@link #needsEscape} written as {@code \\uXXXX}. */
    static String escape(String text) {
        StringBuilder builder = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (needsEscape(c)) {
                if (builder == null) {
                    builder = new StringBuilder(text.length() + 16).append(text, 0, i);
                }
                builder.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
            } else if (builder != null) {
                builder.append(c);
            }
        }
        return builder == null ? text : builder.toString();
    }

    /** A writer that {@link #escape escapes} everything written through it; the CLI prints all output through one. */
    static final class EscapingWriter extends Writer {
        private final Writer out;

        EscapingWriter(Writer out) {
            this.out = out;
        }

        @Override
        public void write(char[] buffer, int offset, int length) throws IOException {
            int start = offset;
            int end = offset + length;
            for (int i = offset; i < end; i++) {
                if (needsEscape(buffer[i])) {
                    out.write(buffer, start, i - start);
                    out.write(String.format(Locale.ROOT, "\\u%04X", (int) buffer[i]));
                    start = i + 1;
                }
            }
            out.write(buffer, start, end - start);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.flush(); // the caller owns the stream underneath
        }
    }
}
