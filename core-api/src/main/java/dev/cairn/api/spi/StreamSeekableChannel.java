package dev.cairn.api.spi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

import org.jspecify.annotations.Nullable;

/**
 * A read-only channel over a stream that can be opened again: reads go forward on one stream, a move backwards opens a
 * new one and skips to the position. {@link ArtifactStore#openRandomAccess}'s default.
 */
final class StreamSeekableChannel implements SeekableByteChannel {
    /** Opens the stream from the first byte. */
    @FunctionalInterface
    interface Opener {
        InputStream open() throws IOException;
    }

    private final Opener opener;
    private final long size;
    private @Nullable InputStream in;
    private long streamPosition;
    private long position;
    private boolean open = true;

    StreamSeekableChannel(Opener opener, long size) {
        this.opener = opener;
        this.size = size;
    }

    @Override
    public synchronized int read(ByteBuffer target) throws IOException {
        checkOpen();
        if (position >= size) {
            return -1;
        }
        if (!target.hasRemaining()) {
            return 0;
        }
        InputStream stream = streamAt(position);
        int wanted = (int) Math.min(target.remaining(), size - position);
        byte[] bytes = new byte[wanted];
        int n = stream.read(bytes, 0, wanted);
        if (n < 0) {
            return -1;
        }
        target.put(bytes, 0, n);
        position += n;
        streamPosition += n;
        return n;
    }

    private InputStream streamAt(long wanted) throws IOException {
        InputStream stream = in;
        if (stream == null || streamPosition > wanted) {
            if (stream != null) {
                stream.close();
            }
            stream = opener.open();
            in = stream;
            streamPosition = 0;
        }
        while (streamPosition < wanted) {
            long skipped = stream.skip(wanted - streamPosition);
            if (skipped <= 0) {
                if (stream.read() < 0) {
                    throw new IOException("The stream ended at byte " + streamPosition + " before position " + wanted + " of " + size);
                }
                skipped = 1;
            }
            streamPosition += skipped;
        }
        return stream;
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
        checkOpen();
        if (newPosition < 0) {
            throw new IllegalArgumentException("newPosition is negative: " + newPosition);
        }
        position = newPosition;
        return this;
    }

    @Override
    public long size() throws IOException {
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
        open = false;
        InputStream stream = in;
        in = null;
        if (stream != null) {
            stream.close();
        }
    }

    private void checkOpen() throws IOException {
        if (!open) {
            throw new ClosedChannelException();
        }
    }
}
