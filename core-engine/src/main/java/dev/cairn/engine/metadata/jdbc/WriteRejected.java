package dev.cairn.engine.metadata.jdbc;

import org.apiguardian.api.API;

/**
 * Thrown inside a write transaction when the stored data does not allow the write (an unknown run, a version
 * that is not reserved). {@link SqlDatabase#write} rolls back and reports it as a {@code METADATA_FAILURE}
 * that names the database and the operation.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class WriteRejected extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public WriteRejected(String reason) {
        super(reason, null, false, false);
    }
}
