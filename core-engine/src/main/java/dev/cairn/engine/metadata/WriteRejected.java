package dev.cairn.engine.metadata;

/**
 * Thrown inside a write transaction when the stored data does not allow the write (an unknown run, a version
 * that is not reserved). {@link SqliteDatabase#write} rolls back and reports it as a {@code METADATA_FAILURE}
 * that names the database and the operation.
 */
final class WriteRejected extends RuntimeException {
    WriteRejected(String reason) {
        super(reason, null, false, false);
    }
}
