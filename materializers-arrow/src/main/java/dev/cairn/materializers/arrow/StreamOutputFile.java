package dev.cairn.materializers.arrow;

import java.io.IOException;
import java.io.OutputStream;

import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/**
 * A Parquet {@link OutputFile} over one stream from {@code ArtifactWriter.create}: Parquet writes strictly
 * sequentially, so the artifact is hashed while it streams out. Closing the Parquet stream closes the target.
 */
final class StreamOutputFile implements OutputFile {
    private final OutputStream target;
    private final String description;

    StreamOutputFile(OutputStream target, String description) {
        this.target = target;
        this.description = description;
    }

    @Override
    public PositionOutputStream create(long blockSizeHint) {
        return new CountingStream(target);
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) {
        return new CountingStream(target);
    }

    @Override
    public boolean supportsBlockSize() {
        return false;
    }

    @Override
    public long defaultBlockSize() {
        return 0;
    }

    @Override
    public String getPath() {
        return description;
    }

    private static final class CountingStream extends PositionOutputStream {
        private final OutputStream out;
        private long position;

        CountingStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public long getPos() {
            return position;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            position++;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
            position += length;
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
