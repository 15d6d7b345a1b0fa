package dev.cairn.engine.metadata.sqlite;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The checks a metadata file passes before SQLite opens it: a file with content must start with SQLite's header and be
 * at least as long as the header says, so that a truncated or overwritten {@code metadata.db} is reported instead of
 * being opened (and migrated) as an empty home.
 */
final class DatabaseFileCheck {
    private static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER_SIZE = 100;

    private DatabaseFileCheck() {}

    /**
     * Checks the header of {@code file}; returns whether the file exists with content (a missing or empty file is a new
     * database).
     *
     * @throws CairnException {@code METADATA_FAILURE} naming the file when it is not a SQLite database or is shorter than
     *     its header says
     */
    static boolean checkHeader(Path file) {
        long size;
        byte[] header = new byte[HEADER_SIZE];
        int read;
        try {
            if (!Files.exists(file)) {
                return false;
            }
            if (!Files.isRegularFile(file)) {
                throw new CairnException(ErrorCode.METADATA_FAILURE, "Metadata store " + file
                        + " is not a regular file; point Cairn at a metadata.db file (or a path where it may create one)");
            }
            size = Files.size(file);
            if (size == 0) {
                return false;
            }
            try (InputStream in = Files.newInputStream(file)) {
                read = in.readNBytes(header, 0, HEADER_SIZE);
            }
        } catch (IOException e) {
            throw new CairnException(ErrorCode.METADATA_FAILURE, "Metadata store " + file + ": could not read it: " + e, e);
        }
        if (read < HEADER_SIZE || !Arrays.equals(header, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw damaged(file, read < HEADER_SIZE ? "it is only " + size + " bytes long, shorter than SQLite's 100-byte header"
                    : "it does not start with SQLite's header", null);
        }
        int pageSize = ((header[16] & 0xff) << 8) | (header[17] & 0xff);
        if (pageSize == 1) {
            pageSize = 65536;
        }
        long changeCounter = readInt(header, 24);
        long pageCount = readInt(header, 28);
        long validFor = readInt(header, 92);
        // the in-header size is valid only when it was written by the same change as the counter (SQLite 3.7.0+)
        if (pageCount > 0 && validFor == changeCounter && size < pageCount * pageSize) {
            throw damaged(file, "it is " + size + " bytes long but its header says " + pageCount + " pages of " + pageSize
                    + " bytes (" + pageCount * pageSize + " bytes): it was truncated", null);
        }
        return true;
    }

    /** The error for a damaged metadata file: what was found, and what to do. */
    static CairnException damaged(Path file, String finding, Throwable cause) {
        return new CairnException(ErrorCode.METADATA_FAILURE, "Metadata store " + file + " is damaged: " + finding
                + ". Cairn did not open or change it; restore it from a backup, or move it aside (with its -wal and -shm files)"
                + " and run 'cairn doctor --rebuild' to rebuild the versions from the manifests in the artifact store", cause);
    }

    /** {@code failure} as a {@link #damaged} error when SQLite reported the file corrupt or not a database, else itself. */
    static RuntimeException damagedIfCorrupt(Path file, RuntimeException failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLiteException sqlite && (sqlite.getResultCode().code & 0xff) == SQLiteErrorCode.SQLITE_CORRUPT.code
                    || cause instanceof SQLiteException notADatabase && (notADatabase.getResultCode().code & 0xff) == SQLiteErrorCode.SQLITE_NOTADB.code) {
                return damaged(file, "SQLite reports '" + cause.getMessage() + "'", failure);
            }
        }
        return failure;
    }

    private static long readInt(byte[] bytes, int offset) {
        return ((long) (bytes[offset] & 0xff) << 24) | ((bytes[offset + 1] & 0xff) << 16) | ((bytes[offset + 2] & 0xff) << 8)
                | (bytes[offset + 3] & 0xff);
    }
}
