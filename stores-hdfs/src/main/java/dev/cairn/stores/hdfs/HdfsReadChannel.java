package dev.cairn.stores.hdfs;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

import org.apache.hadoop.fs.FSDataInputStream;

/**
 * A read-only {@link SeekableByteChannel} over one {@link FSDataInputStream}: {@link #position(long)} only records
 * the position, and the next read seeks there if the stream is elsewhere, so reading on from where the last read
 * ended streams sequentially while jumps (a Parquet footer, then column chunks) cost one seek each. The size is the
 * file's length when it was opened. Thread-safe (methods are synchronized).
 */
final class HdfsReadChannel implements SeekableByteChannel {
    private static final int MAX_CHUNK = 1 << 20;

    private final FSDataInputStream in;
    private final long size;
    private final URI uri;
    private long position;
    private boolean open = true;
    private byte[] transfer = new byte[0];

    HdfsReadChannel(FSDataInputStream in, long size, URI uri) {
        this.in = requireNonNull(in, "in is null");
        this.size = size;
        this.uri = requireNonNull(uri, "uri is null");
    }

    @Override
    public synchronized int read(ByteBuffer destination) throws IOException {
        requireNonNull(destination, "destination is null");
        checkOpen();
        if (position >= size) {
            return -1;
        }
        int wanted = (int) Math.min(destination.remaining(), size - position);
        if (wanted == 0) {
            return 0;
        }
        if (in.getPos() != position) {
            in.seek(position);
        }
        int read;
        if (destination.hasArray()) {
            read = in.read(destination.array(), destination.arrayOffset() + destination.position(), wanted);
            if (read > 0) {
                destination.position(destination.position() + read);
            }
        } else {
            int chunk = Math.min(wanted, MAX_CHUNK);
            if (transfer.length < chunk) {
                transfer = new byte[chunk];
            }
            read = in.read(transfer, 0, chunk);
            if (read > 0) {
                destination.put(transfer, 0, read);
            }
        }
        if (read < 0) {
            throw new IOException("Unexpected end of " + uri + " at byte " + position + " of " + size
                    + ": the file became shorter while it was read");
        }
        position += read;
        return read;
    }

    @Override
    public int write(ByteBuffer source) {
        throw new NonWritableChannelException();
    }

    @Override
    public synchronized long position() throws IOException {
        checkOpen();
        return position;
    }

    @Override
    public synchronized SeekableByteChannel position(long newPosition) throws IOException {
        if (newPosition < 0) {
            throw new IllegalArgumentException("position is negative: " + newPosition);
        }
        checkOpen();
        position = newPosition;
        return this;
    }

    @Override
    public synchronized long size() throws IOException {
        checkOpen();
        return size;
    }

    @Override
    public SeekableByteChannel truncate(long newSize) {
        throw new NonWritableChannelException();
    }

    @Override
    public synchronized boolean isOpen() {
        return open;
    }

    @Override
    public synchronized void close() throws IOException {
        if (open) {
            open = false;
            in.close();
        }
    }

    private void checkOpen() throws ClosedChannelException {
        if (!open) {
            throw new ClosedChannelException();
        }
    }

    @Override
    public String toString() {
        return "HdfsReadChannel[" + uri + ", position " + position + " of " + size + "]";
    }
}
