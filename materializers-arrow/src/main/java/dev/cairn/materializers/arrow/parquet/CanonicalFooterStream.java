package dev.cairn.materializers.arrow.parquet;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.Util;
import org.apiguardian.api.API;

/**
 * An output stream for one Parquet file that makes its footer independent of the JVM that wrote it: parquet-java
 * lists a column chunk's {@code encodings} in the iteration order of a {@code HashSet<Encoding>}, which follows the
 * enum constants' identity hash codes, so identical rows written by two JVMs can give files that differ in the order
 * of those lists (same size, other bytes) — and so another content hash.
 *
 * <p>The stream passes everything through to its target except the last {@code windowBytes} written so far, which it
 * holds back. On {@link #close()} the held tail is checked for a plain Parquet footer ({@code <FileMetaData>
 * <length, 4 bytes little-endian> PAR1}); when the whole footer is in the tail, every column chunk's {@code encodings}
 * list is sorted by the encodings' Parquet (Thrift) values and the footer is written re-serialised. It is rewritten
 * only when that cannot change anything else: the footer must re-serialise to exactly its original bytes before the
 * sort (no field the Thrift classes do not know, nothing after the metadata such as a signature) and to exactly its
 * original length after it (sorting a list keeps its length; a changed length would invalidate the footer length,
 * which is already fixed). Otherwise — a footer larger than the window, an encrypted footer ({@code PARE}), a file that
 * is not Parquet, a footer that does not parse — the original bytes are written unchanged: the file stays valid and
 * correct, only possibly not canonical. The bytes before the footer (pages, indexes) are written by parquet-java in a
 * fixed order and pass through untouched. A file already canonical is written byte for byte as given.
 *
 * <p>A writer that knows where its footer starts can spare the hold-back buffer the bytes before it: after
 * {@link #passThrough()} every byte goes straight to the target, uncopied, until {@link #hold()}, from which on the
 * bytes are held back as above (a writer calls {@code hold()} before it writes its column indexes and footer).
 *
 * <p>Bytes are held back until {@code close}: {@link #flush()} flushes only what was passed on. Not thread-safe,
 * like the writers that use it. Closing closes the target.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class CanonicalFooterStream extends OutputStream {
    /** The tail held back by default: larger than the footer of any file short of tens of thousands of column chunks. */
    public static final int DEFAULT_WINDOW_BYTES = 1 << 20;
    private static final int FIRST_BUFFER_BYTES = 64 << 10;
    private static final byte[] MAGIC = {'P', 'A', 'R', '1'};

    private final OutputStream target;
    private final int window;
    /** The bytes not yet passed on, in {@code buffer[0, count)}; at most {@code 2 * window} of them. */
    private byte[] buffer;
    private int count;
    private boolean closed;
    /** Whether bytes go straight to the target (between {@link #passThrough()} and {@link #hold()}). */
    private boolean passing;

    /** A stream to {@code target} that holds back the last {@link #DEFAULT_WINDOW_BYTES}. */
    public CanonicalFooterStream(OutputStream target) {
        this(target, DEFAULT_WINDOW_BYTES);
    }

    /** A stream to {@code target} that holds back the last {@code windowBytes}: footers up to that size are made canonical. */
    public CanonicalFooterStream(OutputStream target, int windowBytes) {
        this.target = Objects.requireNonNull(target, "target is null");
        if (windowBytes < 12 || windowBytes > (1 << 29)) {
            throw new IllegalArgumentException("windowBytes must be between 12 and 2^29, not " + windowBytes);
        }
        this.window = windowBytes;
        this.buffer = new byte[Math.min(FIRST_BUFFER_BYTES, 2 * windowBytes)];
    }

    @Override
    public void write(int b) throws IOException {
        ensureOpen();
        if (passing) {
            target.write(b);
            return;
        }
        if (count == buffer.length) {
            makeRoom();
        }
        buffer[count++] = (byte) b;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        ensureOpen();
        if (passing) {
            target.write(bytes, offset, length);
            return;
        }
        if (length > window) { // all held bytes and the head of these pass on; the last window of these is held
            target.write(buffer, 0, count);
            count = 0;
            target.write(bytes, offset, length - window);
            offset += length - window;
            length = window;
        }
        while (length > 0) {
            if (count == buffer.length) {
                makeRoom();
            }
            int n = Math.min(length, buffer.length - count);
            System.arraycopy(bytes, offset, buffer, count, n);
            count += n;
            offset += n;
            length -= n;
        }
    }

    /** Grows the buffer up to twice the window, then passes on all but the last window of it. */
    private void makeRoom() throws IOException {
        if (buffer.length < 2 * window) {
            buffer = Arrays.copyOf(buffer, (int) Math.min(2L * buffer.length, 2L * window));
            return;
        }
        int passed = count - window;
        target.write(buffer, 0, passed);
        System.arraycopy(buffer, passed, buffer, 0, window);
        count = window;
    }

    /**
     * From now on, until {@link #hold()}, bytes pass straight to the target: the bytes held so far are passed on first.
     * For a writer that calls {@code hold()} before its footer: the bytes in between are not copied.
     */
    public void passThrough() throws IOException {
        ensureOpen();
        target.write(buffer, 0, count);
        count = 0;
        passing = true;
    }

    /** From now on the last bytes are held back again (the default), so a footer written after this is made canonical. */
    public void hold() throws IOException {
        ensureOpen();
        passing = false;
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("The Parquet stream is closed");
        }
    }

    /** Flushes the bytes passed on so far; the held-back tail stays until {@link #close()}. */
    @Override
    public void flush() throws IOException {
        target.flush();
    }

    /** Writes the held-back tail, its footer made canonical where possible, and closes the target. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try (OutputStream closing = target) {
            canonicalize(buffer, count);
            closing.write(buffer, 0, count);
        }
        buffer = new byte[0];
    }

    /**
     * Sorts, in place, the encodings lists of the Parquet footer that ends {@code tail[0, length)}, when the whole
     * footer is there and the rewrite changes nothing but their order (see the class comment); returns whether it did.
     */
    static boolean canonicalize(byte[] tail, int length) {
        if (length < 12 || !Arrays.equals(tail, length - 4, length, MAGIC, 0, 4)) {
            return false; // not a file that ends in a plain Parquet footer (PARE: encrypted footer, left as is)
        }
        long footerLength = (tail[length - 8] & 0xffL) | (tail[length - 7] & 0xffL) << 8 | (tail[length - 6] & 0xffL) << 16
                | (tail[length - 5] & 0xffL) << 24;
        if (footerLength <= 0 || footerLength > length - 8) {
            return false; // the footer starts before the held-back window: written as it is
        }
        int start = (int) (length - 8 - footerLength);
        int size = (int) footerLength;
        FileMetaData metadata;
        try {
            CountingInput input = new CountingInput(tail, start, size);
            metadata = Util.readFileMetaData(input);
            if (input.consumed() != size) {
                return false; // something follows the metadata (a plaintext footer's signature): left as is
            }
            if (!Arrays.equals(serialize(metadata), 0, size, tail, start, start + size)) {
                return false; // the Thrift classes would not reproduce this footer (fields they do not know)
            }
        } catch (IOException | RuntimeException notAFooter) {
            return false;
        }
        if (!sortEncodings(metadata)) {
            return false;
        }
        byte[] sorted;
        try {
            sorted = serialize(metadata);
        } catch (IOException e) {
            return false;
        }
        if (sorted.length != size) {
            return false; // cannot happen for a reordered list; if it did, the original (valid) footer is kept
        }
        System.arraycopy(sorted, 0, tail, start, size);
        return true;
    }

    private static boolean sortEncodings(FileMetaData metadata) {
        boolean changed = false;
        if (metadata.getRow_groups() == null) {
            return false;
        }
        for (RowGroup group : metadata.getRow_groups()) {
            if (group.getColumns() == null) {
                continue;
            }
            for (ColumnChunk chunk : group.getColumns()) {
                ColumnMetaData column = chunk.getMeta_data();
                List<Encoding> encodings = column == null ? null : column.getEncodings();
                if (encodings == null || encodings.size() < 2) {
                    continue;
                }
                for (int i = 1; i < encodings.size(); i++) {
                    if (encodings.get(i - 1).getValue() > encodings.get(i).getValue()) {
                        encodings.sort(Comparator.comparingInt(Encoding::getValue));
                        changed = true;
                        break;
                    }
                }
            }
        }
        return changed;
    }

    private static byte[] serialize(FileMetaData metadata) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Util.writeFileMetaData(metadata, bytes);
        return bytes.toByteArray();
    }

    /** The footer's bytes, counting how many the Thrift reader takes. */
    private static final class CountingInput extends InputStream {
        private final ByteArrayInputStream in;
        private final int size;

        CountingInput(byte[] bytes, int offset, int size) {
            this.in = new ByteArrayInputStream(bytes, offset, size);
            this.size = size;
        }

        int consumed() {
            return size - in.available();
        }

        @Override
        public int read() {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            return in.read(b, off, len);
        }
    }
}
