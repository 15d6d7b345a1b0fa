package dev.cairn.engine.artifacts;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import org.apiguardian.api.API;

/**
 * The content hash of an artifact: SHA-256 over its data files sorted by path, each contributing
 * {@code path NUL size NUL sha256-hex LF}. It depends only on the bytes and file names, not on the artifact's
 * name, version or id, so equal data gives an equal hash.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class ContentHash {
    private ContentHash() {}

    public static String of(List<Manifest.FileEntry> files) {
        MessageDigest digest = sha256();
        files.stream().sorted(Comparator.comparing(Manifest.FileEntry::path)).forEach(file -> {
            digest.update(file.path().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(Long.toString(file.size()).getBytes(StandardCharsets.US_ASCII));
            digest.update((byte) 0);
            digest.update(file.sha256().getBytes(StandardCharsets.US_ASCII));
            digest.update((byte) '\n');
        });
        return HexFormat.of().formatHex(digest.digest());
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
