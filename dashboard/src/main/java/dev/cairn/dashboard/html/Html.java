package dev.cairn.dashboard.html;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Escaping for everything the dashboard writes into HTML. Stored strings are never trusted: {@link #text} escapes
 * the five HTML-special characters and shows control characters (terminal escape sequences, C1 controls, bidi
 * overrides) as visible {@code \\uXXXX} text, so a hostile name can neither add markup nor hide or reorder what is
 * shown.
 */
public final class Html {
    private Html() {}

    /** Text for element content or a double-quoted attribute value. */
    public static String text(String value) {
        StringBuilder out = new StringBuilder(value.length() + 16);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    if (isHidden(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /** Text on one line (newlines shown as {@code \\n}), for table cells and labels. */
    public static String line(String value) {
        return text(value.replace("\r", "\\r").replace("\n", "\\n"));
    }

    /** A query parameter value. */
    public static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** Control characters other than tab and newline, C1 controls, and the Unicode bidi and zero-width format controls. */
    static boolean isHidden(char c) {
        return (c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c <= 0x9f)
                || (c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0xfeff;
    }
}
