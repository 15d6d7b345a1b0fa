package dev.cairn.materializers.arrow;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;

import dev.cairn.api.spi.ArtifactReader;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

/**
 * A Parquet {@link InputFile} over a file of an artifact, read through {@link ArtifactReader#openRandomAccess}: the
 * same code reads from a local store or from HDFS. Every stream opens its own channel.
 */
final class ChannelInputFile implements InputFile {
    private final ArtifactReader reader;
    private final String path;
    private final long length;

    ChannelInputFile(ArtifactReader reader, String path) throws IOException {
        this.reader = reader;
        this.path = path;
        this.length = reader.size(path);
    }

    @Override
    public long getLength() {
        return length;
    }

    @Override
    public SeekableInputStream newStream() throws IOException {
        return new ChannelInputStream(reader.openRandomAccess(path));
    }

    @Override
    public String toString() {
        return reader.uri() + path;
    }

    private static final class ChannelInputStream extends SeekableInputStream {
        private final SeekableByteChannel channel;
        private final ByteBuffer single = ByteBuffer.allocate(1);

        ChannelInputStream(SeekableByteChannel channel) {
            this.channel = channel;
        }

        @Override
        public long getPos() throws IOException {
            return channel.position();
        }

        @Override
        public void seek(long newPos) throws IOException {
            channel.position(newPos);
        }

        @Override
        public int read() throws IOException {
            single.clear();
            int n = channel.read(single);
            return n <= 0 ? -1 : single.get(0) & 0xff;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            return channel.read(ByteBuffer.wrap(bytes, offset, length));
        }

        @Override
        public void readFully(byte[] bytes) throws IOException {
            readFully(bytes, 0, bytes.length);
        }

        @Override
        public void readFully(byte[] bytes, int start, int len) throws IOException {
            readFully(ByteBuffer.wrap(bytes, start, len));
        }

        @Override
        public int read(ByteBuffer buffer) throws IOException {
            return channel.read(buffer);
        }

        @Override
        public void readFully(ByteBuffer buffer) throws IOException {
            while (buffer.hasRemaining()) {
                if (channel.read(buffer) < 0) {
                    throw new EOFException("Reached the end of the file with " + buffer.remaining() + " bytes still to read");
                }
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
