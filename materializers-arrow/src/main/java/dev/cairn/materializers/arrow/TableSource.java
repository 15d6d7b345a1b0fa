package dev.cairn.materializers.arrow;

import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.table.Table;
import org.apache.arrow.vector.types.pojo.Schema;
import org.jspecify.annotations.Nullable;

/**
 * A value to save, seen as a schema and a sequence of Arrow batches: a {@code VectorSchemaRoot} is one batch as is;
 * a {@code Table} one zero-copy view of its vectors; a collection of records is converted {@link #BATCH_ROWS} rows
 * at a time into one reused batch, so the Arrow memory a save needs does not grow with the collection. Closing
 * releases whatever the source allocated.
 */
abstract class TableSource implements AutoCloseable {
    static final int BATCH_ROWS = 64 * 1024;

    /** Receives one batch; the batch is valid only during the call. */
    @FunctionalInterface
    interface BatchConsumer {
        void accept(VectorSchemaRoot batch) throws IOException;
    }

    /**
     * Receives one batch and the duty to {@code release} it: the batch stays valid, unchanged, until {@code release}
     * runs (which the consumer must do exactly once, also when it fails), so it can be read on other threads.
     */
    @FunctionalInterface
    interface OwnedBatchConsumer {
        void accept(VectorSchemaRoot batch, Runnable release) throws IOException;
    }

    abstract Schema schema();

    /** The number of rows the batches will hold in all. */
    abstract long rowCount();

    /**
     * Passes every batch, in row order, to {@code consumer}, which owns each until it releases it (the batches are not
     * reused). May be called more than once.
     */
    abstract void forEachOwnedBatch(OwnedBatchConsumer consumer) throws IOException;

    /** Passes every batch, in row order, to {@code consumer}. May be called more than once. */
    abstract void forEachBatch(BatchConsumer consumer) throws IOException;

    @Override
    public void close() {}

    /**
     * The source for {@code value}: a {@code Table}, a {@code VectorSchemaRoot}, or a collection of records whose class
     * is taken from {@code declaredType} ({@code List<R>}) or else from the first element.
     *
     * @throws JavaColumn.UnsupportedTypeException when the records cannot be stored as columns
     * @throws IllegalArgumentException when {@code value} is none of these
     */
    static TableSource of(Object value, @Nullable Type declaredType, BufferAllocator allocator) {
        if (value instanceof VectorSchemaRoot root) {
            return new RootSource(root);
        }
        if (value instanceof Table table) {
            return new TableViewSource(table);
        }
        if (value instanceof Collection<?> rows) {
            Class<?> recordClass = recordClass(declaredType, rows);
            if (recordClass == null) {
                return new RootSource(new VectorSchemaRoot(List.of(), List.of(), 0));
            }
            return new RecordSource(JavaColumn.RecordColumn.forRecord(recordClass), rows, allocator);
        }
        throw new IllegalArgumentException("a " + value.getClass().getName() + " is not a Table, a VectorSchemaRoot or a List of records");
    }

    /** The record class of a {@code List<R>}-like type, or {@code null}. */
    static @Nullable Class<?> recordClassOf(@Nullable Type type) {
        if (type instanceof ParameterizedType parameterized && parameterized.getActualTypeArguments().length == 1
                && parameterized.getActualTypeArguments()[0] instanceof Class<?> element && element.isRecord()) {
            return element;
        }
        return null;
    }

    private static @Nullable Class<?> recordClass(@Nullable Type declaredType, Collection<?> rows) {
        Class<?> declared = recordClassOf(declaredType);
        if (declared != null) {
            return declared;
        }
        for (Object row : rows) {
            if (row != null) {
                if (!row.getClass().isRecord()) {
                    throw new IllegalArgumentException("the list holds a " + row.getClass().getName() + ", which is not a record");
                }
                return row.getClass();
            }
        }
        return null;
    }

    private static final class RootSource extends TableSource {
        private final VectorSchemaRoot root;

        RootSource(VectorSchemaRoot root) {
            this.root = root;
        }

        @Override
        Schema schema() {
            return root.getSchema();
        }

        @Override
        long rowCount() {
            return root.getRowCount();
        }

        @Override
        void forEachBatch(BatchConsumer consumer) throws IOException {
            consumer.accept(root);
        }

        @Override
        void forEachOwnedBatch(OwnedBatchConsumer consumer) throws IOException {
            consumer.accept(root, () -> {});
        }
    }

    /**
     * A table's rows as zero-copy slices (Arrow's {@code Table.slice} shares buffers), never the table itself: the
     * table's vectors are not public, and a slice of the whole table is the table. The table is not touched.
     */
    private static final class TableViewSource extends TableSource {
        static final int SLICE_ROWS = 1 << 20;
        private final Table table;

        TableViewSource(Table table) {
            this.table = table;
        }

        @Override
        Schema schema() {
            return table.getSchema();
        }

        @Override
        long rowCount() {
            return table.getRowCount();
        }

        @Override
        void forEachBatch(BatchConsumer consumer) throws IOException {
            int rows = Math.toIntExact(table.getRowCount());
            if (rows == 1) {
                List<FieldVector> copies = new java.util.ArrayList<>();
                try {
                    for (int i = 0; i < table.getVectorCount(); i++) {
                        copies.add(table.getVectorCopy(i));
                    }
                    try (VectorSchemaRoot copy = new VectorSchemaRoot(table.getSchema().getFields(), copies, 1)) {
                        copies.clear();
                        consumer.accept(copy);
                    }
                } finally {
                    copies.forEach(FieldVector::close);
                }
                return;
            }
            int step = rows > SLICE_ROWS ? SLICE_ROWS : (rows + 1) / 2;
            for (int start = 0; start < rows; start += step) {
                try (Table slice = table.slice(start, Math.min(step, rows - start)); VectorSchemaRoot view = slice.toVectorSchemaRoot()) {
                    consumer.accept(view);
                }
            }
        }

        @Override
        void forEachOwnedBatch(OwnedBatchConsumer consumer) throws IOException {
            int rows = Math.toIntExact(table.getRowCount());
            if (rows <= 1) {
                forEachBatch(batch -> consumer.accept(batch, () -> {}));
                return;
            }
            int step = rows > SLICE_ROWS ? SLICE_ROWS : (rows + 1) / 2;
            for (int start = 0; start < rows; start += step) {
                Table slice = table.slice(start, Math.min(step, rows - start));
                VectorSchemaRoot view;
                try {
                    view = slice.toVectorSchemaRoot();
                } catch (RuntimeException e) {
                    slice.close();
                    throw e;
                }
                consumer.accept(view, () -> {
                    view.close();
                    slice.close();
                });
            }
        }
    }

    private static final class RecordSource extends TableSource {
        private final JavaColumn.RecordColumn columns;
        private final Collection<?> rows;
        private final Schema schema;
        private final VectorSchemaRoot batch;
        private final BufferAllocator allocator;

        RecordSource(JavaColumn.RecordColumn columns, Collection<?> rows, BufferAllocator allocator) {
            this.columns = columns;
            this.rows = rows;
            if (columns.observes()) {
                for (Object row : rows) {
                    if (row != null) {
                        columns.observe(row);
                    }
                }
            }
            this.schema = columns.schema();
            this.allocator = allocator;
            this.batch = VectorSchemaRoot.create(schema, allocator);
        }

        @Override
        Schema schema() {
            return schema;
        }

        @Override
        long rowCount() {
            return rows.size();
        }

        @Override
        void forEachBatch(BatchConsumer consumer) throws IOException {
            Iterator<?> iterator = rows.iterator();
            long[] index = {0};
            while (iterator.hasNext()) {
                fill(batch, iterator, index);
                consumer.accept(batch);
                batch.clear();
            }
        }

        @Override
        void forEachOwnedBatch(OwnedBatchConsumer consumer) throws IOException {
            Iterator<?> iterator = rows.iterator();
            long[] index = {0};
            while (iterator.hasNext()) {
                VectorSchemaRoot fresh = VectorSchemaRoot.create(schema, allocator);
                try {
                    fill(fresh, iterator, index);
                } catch (RuntimeException e) {
                    fresh.close();
                    throw e;
                }
                consumer.accept(fresh, fresh::close);
            }
        }

        /** Converts up to {@link #BATCH_ROWS} more rows into {@code target}; {@code index[0]} counts the rows converted. */
        private void fill(VectorSchemaRoot target, Iterator<?> iterator, long[] index) {
            for (FieldVector vector : target.getFieldVectors()) {
                vector.setInitialCapacity(BATCH_ROWS);
            }
            target.allocateNew();
            JavaColumn.RecordColumn.Rows writer = columns.bindRows(target);
            int count = 0;
            while (count < BATCH_ROWS && iterator.hasNext()) {
                Object row = iterator.next();
                if (row == null) {
                    throw new JavaColumn.UnsupportedTypeException("row " + index[0] + " of the list is null; a table row cannot be null");
                }
                writer.write(count, row);
                count++;
                index[0]++;
            }
            target.setRowCount(count);
        }

        @Override
        public void close() {
            batch.close();
        }
    }
}
