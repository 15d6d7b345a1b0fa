package dev.cairn.materializers.arrow;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import dev.cairn.api.spi.ArtifactReader;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.TransferPair;

/**
 * Arrow IPC files (the "Feather v2" format): record batches of at most {@link #BATCH_ROWS} rows, uncompressed, so a
 * reader maps them straight into Arrow memory. A partial load reads whole record batches and stops after the row
 * limit; columns outside the projection are released as soon as a batch is read.
 */
final class IpcFormat {
    /** The data file of an IPC artifact. */
    static final String FILE_NAME = "data.arrow";
    /** Rows per record batch; a multiple of 8 so slices share validity buffers instead of copying them. */
    static final int BATCH_ROWS = 64 * 1024;

    private IpcFormat() {}

    /** Writes batches of one schema as one IPC file; closing writes the footer and closes the stream. */
    static final class Writer implements AutoCloseable {
        private final OutputStream out;
        private final Schema schema;
        private final BufferAllocator allocator;
        private VectorSchemaRoot staging;
        private ArrowFileWriter writer;

        /** {@code allocator} holds the (empty) staging vectors when no batch is written at all. */
        Writer(OutputStream out, Schema schema, BufferAllocator allocator) {
            this.out = out;
            this.schema = schema;
            this.allocator = allocator;
        }

        private void start(List<FieldVector> vectors) throws IOException {
            staging = new VectorSchemaRoot(schema.getFields(), vectors, 0);
            writer = new ArrowFileWriter(staging, null, Channels.newChannel(out));
            writer.start();
        }

        /**
         * Writes the rows of {@code root} as record batches of at most {@link #BATCH_ROWS} rows. The batches share
         * {@code root}'s buffers (no copy; the staging vectors live in the source vectors' allocators, as Arrow requires
         * for shared buffers); {@code root} is left as it was.
         */
        void write(VectorSchemaRoot root) throws IOException {
            if (writer == null) {
                List<FieldVector> vectors = new ArrayList<>();
                for (FieldVector source : root.getFieldVectors()) {
                    vectors.add((FieldVector) source.getField().createVector(source.getAllocator()));
                }
                start(vectors);
            }
            int rows = root.getRowCount();
            List<FieldVector> sources = root.getFieldVectors();
            List<FieldVector> targets = staging.getFieldVectors();
            for (int start = 0; start < rows; start += BATCH_ROWS) {
                int length = Math.min(BATCH_ROWS, rows - start);
                for (int i = 0; i < sources.size(); i++) {
                    TransferPair transfer = sources.get(i).makeTransferPair(targets.get(i));
                    transfer.splitAndTransfer(start, length);
                }
                staging.setRowCount(length);
                writer.writeBatch();
                staging.clear();
            }
        }

        @Override
        public void close() throws IOException {
            try (OutputStream closing = out) {
                if (writer == null) {
                    List<FieldVector> vectors = new ArrayList<>();
                    for (Field field : schema.getFields()) {
                        vectors.add(field.createVector(allocator));
                    }
                    start(vectors);
                }
                writer.end();
                writer.close();
            } finally {
                if (staging != null) {
                    staging.close();
                }
            }
        }
    }

    /** Reads an IPC artifact file batch by batch, projected to some columns. Not thread-safe. */
    static final class Reader implements AutoCloseable {
        private final ArrowFileReader file;
        private final Schema schema;
        private final List<ArrowBlock> blocks;
        private final String described;
        private int nextBlock;

        private Reader(ArrowFileReader file, Schema schema, List<ArrowBlock> blocks, String described) {
            this.file = file;
            this.schema = schema;
            this.blocks = blocks;
            this.described = described;
        }

        static Reader open(ArtifactReader artifact, String path, Function<Schema, Schema> projection, BufferAllocator allocator) throws IOException {
            String described = "file " + path + " of artifact '" + artifact.artifactName() + "'";
            SeekableByteChannel channel = artifact.openRandomAccess(path);
            ArrowFileReader file = new ArrowFileReader(channel, allocator);
            try {
                Schema stored;
                List<ArrowBlock> blocks;
                long fileSize;
                try {
                    fileSize = channel.size();
                    stored = file.getVectorSchemaRoot().getSchema();
                    blocks = List.copyOf(file.getRecordBlocks());
                } catch (IOException | RuntimeException e) {
                    throw Failures.corrupted(described, e);
                }
                checkBlocks(blocks, fileSize, described);
                Schema projected = projection.apply(stored);
                return new Reader(file, projected, blocks, described);
            } catch (RuntimeException e) {
                try {
                    file.close();
                } catch (IOException | RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        }

        /**
         * Refuses record batches that the footer places outside the file: a damaged or hostile footer could otherwise
         * make the reader allocate gigabytes for a batch body before reading a byte of it.
         */
        private static void checkBlocks(List<ArrowBlock> blocks, long fileSize, String described) {
            for (int i = 0; i < blocks.size(); i++) {
                ArrowBlock block = blocks.get(i);
                long end;
                try {
                    end = Math.addExact(Math.addExact(block.getOffset(), block.getMetadataLength()), block.getBodyLength());
                } catch (ArithmeticException e) {
                    end = Long.MAX_VALUE;
                }
                if (block.getOffset() < 0 || block.getMetadataLength() < 0 || block.getBodyLength() < 0 || end > fileSize) {
                    throw Failures.corrupted(described, new IOException("the footer places record batch " + i + " at offset "
                            + block.getOffset() + " with " + block.getMetadataLength() + " metadata bytes and " + block.getBodyLength()
                            + " body bytes, beyond the end of the " + fileSize + "-byte file"));
                }
            }
        }

        Schema schema() {
            return schema;
        }

        /**
         * Loads the next record batch and returns its projected columns, owned by the reader until the next call; empty
         * at the end.
         */
        Optional<VectorSchemaRoot> next() {
            if (nextBlock >= blocks.size()) {
                return Optional.empty();
            }
            try {
                file.loadRecordBatch(blocks.get(nextBlock++));
                VectorSchemaRoot loaded = file.getVectorSchemaRoot();
                List<FieldVector> projected = new ArrayList<>();
                for (Field field : schema.getFields()) {
                    projected.add(loaded.getVector(field.getName()));
                }
                return Optional.of(new VectorSchemaRoot(schema.getFields(), projected, loaded.getRowCount()));
            } catch (IOException | RuntimeException e) {
                throw Failures.corrupted(described, e);
            }
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }
}
