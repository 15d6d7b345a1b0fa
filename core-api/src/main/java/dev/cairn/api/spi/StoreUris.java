package dev.cairn.api.spi;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import org.jspecify.annotations.Nullable;

/** The URI rule of {@link ArtifactStore}'s defaults: lexical, name by name, no links followed. */
final class StoreUris {
    /** Characters other than ASCII letters and digits that stay as they are in a path name (RFC 3986 pchar). */
    private static final String PATH_CHARACTERS = "-._~!$&'()*+,;=:@";
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private StoreUris() {}

    static URI resolve(URI root, String relativePath) {
        return build(root, List.of(relativePath.split("/", -1)));
    }

    static URI checkInside(URI root, URI uri) {
        requireNonNull(uri, "uri is null");
        if (!uri.isAbsolute() || uri.isOpaque() || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw refused(root, uri, "it must be an absolute, hierarchical URI without query or fragment");
        }
        if (!uri.getScheme().equalsIgnoreCase(root.getScheme())
                || !Objects.equals(lower(uri.getRawAuthority()), lower(root.getRawAuthority()))) {
            throw refused(root, uri, "its scheme or authority differs from the root's");
        }
        List<String> rootNames = names(root.getPath());
        List<String> names = new ArrayList<>();
        for (String name : names(uri.getPath() == null ? "" : uri.getPath())) {
            if (name.equals("..")) {
                if (names.isEmpty()) {
                    throw refused(root, uri, "it climbs above the file system root");
                }
                names.remove(names.size() - 1);
            } else if (!name.equals(".")) {
                names.add(name);
            }
        }
        if (names.size() < rootNames.size() || !names.subList(0, rootNames.size()).equals(rootNames)) {
            throw refused(root, uri, "it resolves outside the root");
        }
        return build(root, names.subList(rootNames.size(), names.size()));
    }

    /** The root's text followed by the percent-encoded names: the URI form every store produces. */
    private static URI build(URI root, List<String> relativeNames) {
        if (relativeNames.isEmpty()) {
            return root;
        }
        String rootText = root.toString();
        StringBuilder uri = new StringBuilder(rootText.endsWith("/") ? rootText : rootText + "/");
        for (int i = 0; i < relativeNames.size(); i++) {
            if (i > 0) {
                uri.append('/');
            }
            for (byte b : relativeNames.get(i).getBytes(StandardCharsets.UTF_8)) {
                char c = (char) (b & 0xff);
                if (c < 0x80 && (Character.isLetterOrDigit(c) || PATH_CHARACTERS.indexOf(c) >= 0)) {
                    uri.append(c);
                } else {
                    uri.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
                }
            }
        }
        return URI.create(uri.toString());
    }

    private static List<String> names(String path) {
        List<String> names = new ArrayList<>();
        for (String name : path.split("/")) {
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        return names;
    }

    private static String lower(@Nullable String text) {
        return text == null ? "" : text.toLowerCase(Locale.ROOT);
    }

    private static CairnException refused(URI root, URI uri, String why) {
        return new CairnException(ErrorCode.PATH_OUTSIDE_STORE, "URI '" + RelativePaths.printable(uri.toString())
                + "' is refused by the artifact store " + root + ": " + why + ". Use a URI obtained from resolve()");
    }
}
