package dev.cairn.api.spi;

import java.util.Locale;
import java.util.Optional;

import org.apiguardian.api.API;

/**
 * The one rule for relative paths inside an artifact store or an artifact, shared by every store so that a path
 * one store accepts is never refused (or, worse, accepted differently) by another: names separated by {@code /},
 * without empty names, {@code .}, {@code ..}, backslashes or control characters, and not absolute.
 */
@API(status = API.Status.STABLE, since = "0.1")
public final class RelativePaths {
    /** The rule in words, for error messages. */
    public static final String RULE = "use names separated by '/', without empty names, '.', '..', backslashes or control characters";

    private RelativePaths() {}

    /** Why {@code path} breaks the rule, or empty when it is an acceptable relative path. */
    public static Optional<String> problem(String path) {
        if (path.isEmpty()) {
            return Optional.of("it is empty");
        }
        if (path.charAt(0) == '/') {
            return Optional.of("it is absolute");
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '\\') {
                return Optional.of("it contains a backslash");
            }
            if (Character.isISOControl(c)) {
                return Optional.of("it contains the control character " + codePoint(c));
            }
        }
        int start = 0;
        while (start <= path.length()) {
            int slash = path.indexOf('/', start);
            int end = slash < 0 ? path.length() : slash;
            int length = end - start;
            if (length == 0) {
                return Optional.of("it contains an empty name ('//' or a trailing '/')");
            }
            if (path.charAt(start) == '.' && (length == 1 || (length == 2 && path.charAt(start + 1) == '.'))) {
                return Optional.of(length == 1 ? "it contains a '.' name" : "it contains a '..' name");
            }
            start = end + 1;
        }
        return Optional.empty();
    }

    /** {@code text} with control characters written as {@code \\uXXXX}, so a path can be shown in a message. */
    public static String printable(String text) {
        StringBuilder builder = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c)) {
                if (builder == null) {
                    builder = new StringBuilder(text.length() + 8).append(text, 0, i);
                }
                builder.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else if (builder != null) {
                builder.append(c);
            }
        }
        return builder == null ? text : builder.toString();
    }

    /** A character as {@code U+XXXX}, for messages. */
    public static String codePoint(char c) {
        return String.format(Locale.ROOT, "U+%04X", (int) c);
    }
}
